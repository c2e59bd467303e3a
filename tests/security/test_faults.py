"""Issue 5, faults: a killed build, an unwritable or a full output location never costs the
previous site, and always ends in a clear `error:` line rather than a traceback."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SiteFactory
from tests.helpers import REPO, run_sitegen

ARTICLE = "---\ntitle: {title}\ndate: 2025-01-{day:02d}\nkey_points: [k]\n---\n{body}\n"


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` and a hash of its bytes: equal fingerprints, equal trees."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def big_site(make_site: SiteFactory, version: str) -> Path:
    """A site whose write phase lasts long enough to be interrupted: many pages, big statics."""
    files: dict[str, str | bytes] = {
        f"content/e{index}.md": ARTICLE.format(
            title=f"{version} {index}", day=index % 28 + 1, body=f"{version} " * 2000
        )
        for index in range(150)
    }
    files.update({f"static/blob{index}.bin": os.urandom(1 << 20) for index in range(24)})
    return make_site(files)


def staging_of(out: Path, pid: int) -> Path:
    return out.parent / f".{out.name}.new-{pid}"


def start_build(root: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", str(root), "--out", str(out), "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(path: Path, process: subprocess.Popen[bytes], seconds: float = 300) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists():
            return True
        time.sleep(0.0005)
    return False


@pytest.mark.slow
def test_sigkill_during_the_write_leaves_the_previous_site_intact(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    old_root = big_site(make_site, "old")
    new_root = big_site(make_site, "new")
    expected = tmp_path / "expected"
    assert run_sitegen("build", str(new_root), "--out", str(expected)).returncode == 0
    whole_new = fingerprint(expected)
    assert run_sitegen("build", str(old_root), "--out", str(out)).returncode == 0
    before = fingerprint(out)
    killed_during_write = 0
    for delay in (0.0, 0.005, 0.02, 0.05, 0.1, 0.2):
        process = start_build(new_root, out)
        staging = staging_of(out, process.pid)
        if wait_for(staging, process):
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
        process.wait()
        after = fingerprint(out)
        # Whole old or whole new: a kill after the atomic swap (while removing leftovers) is
        # allowed to leave the new site, never a mixture.
        assert after in (before, whole_new), f"site/ is a mixture after a kill at {delay} s"
        if after == before:
            killed_during_write += process.returncode == -signal.SIGKILL
        else:
            assert run_sitegen("build", str(old_root), "--out", str(out)).returncode == 0
    assert killed_during_write >= 3, "the write phase was too short to interrupt"
    completed = run_sitegen("build", str(new_root), "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert fingerprint(out) == whole_new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []


def small_site(make_site: SiteFactory) -> Path:
    return make_site({"content/a.md": ARTICLE.format(title="T", day=1, body="Body.")})


def assert_clean_error(completed: subprocess.CompletedProcess[str], out: Path) -> None:
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert f"{out}:1:1: error: cannot write" in completed.stderr
    assert "the previous output is unchanged" in completed.stderr


def test_an_output_under_a_file_is_a_clear_error(make_site: SiteFactory, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "site"
    assert_clean_error(run_sitegen("build", str(small_site(make_site)), "--out", str(out)), out)


def test_an_output_in_proc_is_a_clear_error(make_site: SiteFactory) -> None:
    out = Path("/proc/sitegen-test-out")
    assert_clean_error(run_sitegen("build", str(small_site(make_site)), "--out", str(out)), out)


@contextlib.contextmanager
def mounted(target: Path, *options: str) -> Iterator[Path]:
    """A tmpfs at `target` (needs root: the tests are skipped elsewhere, with the reason)."""
    target.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mount.stderr.strip() or 'not root'})")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_output_location_is_a_clear_error(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    """chmod does not stop root, so the location is a read-only mount."""
    with mounted(tmp_path / "ro", "ro", "size=1m") as location:
        out = location / "site"
        assert_clean_error(run_sitegen("build", str(small_site(make_site)), "--out", str(out)), out)


def test_a_full_disk_leaves_the_previous_site_and_no_half_written_one(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    with mounted(tmp_path / "small", "size=1m") as location:
        out = location / "site"
        root = small_site(make_site)
        assert run_sitegen("build", str(root), "--out", str(out)).returncode == 0
        before = fingerprint(out)
        (root / "static").mkdir()
        (root / "static" / "video.bin").write_bytes(os.urandom(2 << 20))
        completed = run_sitegen("build", str(root), "--out", str(out))
        assert_clean_error(completed, out)
        assert "No space left on device" in completed.stderr
        assert fingerprint(out) == before
        assert sorted(p.name for p in location.iterdir()) == ["site"]
