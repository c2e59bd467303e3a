"""Signed pickle files: what the store keeps between builds, safe to read back.

The store's files are pickles, and unpickling runs code, so a file planted in a site folder (a
downloaded archive, a shared drive) must not be trusted: every file carries a keyed hash made
with a secret kept outside the site, in the user's own cache folder, and a file whose hash does
not match is ignored. A missing, foreign or damaged file reads as nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from sitegen.engine import pickling

KEY_VARIABLE = "SITEGEN_CACHE_KEY_DIR"
"""Where the secret that signs cache files lives; default: the user's cache folder."""


_MAC_SIZE = 32


def _key_path() -> Path:
    """`$SITEGEN_CACHE_KEY_DIR/key`, else `sitegen/cache-key` in the user's cache folder."""
    chosen = os.environ.get(KEY_VARIABLE)
    if chosen:
        return Path(chosen) / "key"
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "sitegen" / "cache-key"


def signing_key() -> bytes | None:
    """The per-user signing key, made on first use; None when it cannot be kept anywhere."""
    path = _key_path()
    try:
        if path.is_file():
            key = path.read_bytes()
            if len(key) >= 32:
                return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(key)
        return key
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None


def _mac(key: bytes, payload: bytes | memoryview) -> bytes:
    return hmac.new(key, payload, hashlib.blake2b).digest()[:_MAC_SIZE]


def read_signed(path: Path, key: bytes | None) -> list[Any] | None:
    """The objects pickled one after another in `path`, or None when the file is missing,
    foreign or damaged."""
    if key is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mac, payload = data[:_MAC_SIZE], memoryview(data)[_MAC_SIZE:]
    if len(mac) != _MAC_SIZE or not hmac.compare_digest(mac, _mac(key, payload)):
        return None
    # A stream over `data` itself, not over `payload`: BytesIO shares a bytes object it starts
    # from but copies any other buffer, and a store segment is tens of megabytes.
    stream = io.BytesIO(data)
    stream.seek(_MAC_SIZE)
    values = []
    try:
        while stream.tell() < len(data):
            values.append(pickle.load(stream))
    except Exception:  # a version skew inside a signed file: treat as no cache
        return None
    return values


def write_signed(path: Path, key: bytes | None, values: Iterable[object]) -> None:
    """Pickle `values` one after another into `path`, with a keyed hash of them all.

    Written beside and renamed, so a reader never sees half a file. Each value is a pickle of
    its own, streamed to disk: the pickler's memo, which remembers every object of one pickle,
    stays as small as one value however big the cache. Failure to write is never an error.
    """
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as stream:
            stream.write(bytes(_MAC_SIZE))
            signer = _SigningWriter(stream, key)
            for value in values:
                pickling.dump(value, signer)
            stream.seek(0)
            stream.write(signer.mac())
        os.replace(temporary, path)
    except OSError:
        return


class _SigningWriter:
    """A file-like sink that hashes what passes through it on its way to `stream`."""

    def __init__(self, stream: BinaryIO, key: bytes) -> None:
        self.stream = stream
        self.hasher = hmac.new(key, digestmod=hashlib.blake2b)

    def write(self, data: bytes) -> int:
        self.hasher.update(data)
        return self.stream.write(data)

    def mac(self) -> bytes:
        return self.hasher.digest()[:_MAC_SIZE]
