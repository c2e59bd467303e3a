"""Typed reads of front-matter values, each problem reported at the value's own line.

Every reader returns a usable value (a default when the field is wrong) and records what was
wrong, so one pass over a file finds all of its problems instead of stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Iterator
from datetime import date, datetime, time, tzinfo
from typing import Any

from sitegen.core.diagnostics import Diagnostic, Place, did_you_mean
from sitegen.core.model import Timestamp
from sitegen.core.urls import is_dangerous_url
from sitegen.stages.frontmatter import Document, describe

_MISSING = object()
_TIME_PART = re.compile(r"\d[Tt ]\d")

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A BCP 47 language tag, loosely: `en`, `pt-BR`, `zh-Hant-TW`."""

TRAP_HINT = (
    "YAML reads an unquoted line with `: ` in it as a mapping and bare numbers and dates as "
    "such; put the whole item in quotes"
)


class FieldReader:
    """Reads the fields of one document, collecting diagnostics in `problems`."""

    def __init__(self, doc: Document, zone: tzinfo) -> None:
        self.doc = doc
        self.zone = zone
        self.problems: list[Diagnostic] = []

    # -- plumbing -----------------------------------------------------------------------------

    def raw(self, *key_path: Hashable) -> Any:
        """The value at a key path, or `_MISSING`."""
        value: Any = self.doc.data
        for key in key_path:
            if isinstance(value, dict):
                if key not in value:
                    return _MISSING
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return _MISSING
        return value

    def has(self, *key_path: Hashable) -> bool:
        return self.raw(*key_path) not in (_MISSING, None)

    def place(self, *key_path: Hashable) -> Place:
        return self.doc.place(*key_path)

    def error(self, key_path: tuple[Hashable, ...], message: str) -> None:
        self.problems.append(self.place(*key_path).error(message))

    def warning(self, key_path: tuple[Hashable, ...], message: str) -> None:
        self.problems.append(self.place(*key_path).warning(message))

    def check_known(self, known: Collection[str], *, what: str = "field") -> None:
        """Warn about each top-level key that is not a known field, suggesting the nearest."""
        for key in self.doc.data:
            if key not in known:
                self.problems.append(
                    self.doc.key_place(str(key)).warning(
                        f"unknown {what} `{key}`{did_you_mean(str(key), known)}"
                    )
                )

    def check_item_keys(
        self, key_path: tuple[Hashable, ...], item: dict[str, Any], known: Collection[str]
    ) -> None:
        """Unknown keys inside a list item (`quotes[0].txt`) are errors: they lose data."""
        for key in item:
            if key not in known:
                self.error(
                    (*key_path, key),
                    f"`{_name(key_path)}` has no key `{key}`{did_you_mean(str(key), known)}; "
                    f"known keys: {', '.join(sorted(known))}",
                )

    # -- scalars ------------------------------------------------------------------------------

    def text(self, *key_path: Hashable, required: bool = False, default: str = "") -> str:
        """Plain text; a number or date written bare is taken as its text (`title: 1984`)."""
        value = self.raw(*key_path)
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(key_path, f"`{_name(key_path)}` is required")
            return default
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool | dict | list) or not _is_scalar(value):
            self.error(key_path, f"`{_name(key_path)}` must be text, got {describe(value)}")
            return default
        return str(value)

    def prose(self, *key_path: Hashable, required: bool = True) -> str | None:
        """Text that must be a string as written: key points, quote and timeline text.

        The classic trap (`- Trump said: "It must end now"` is a mapping) gets its own message.
        """
        value = self.raw(*key_path)
        if value is _MISSING or value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key_path, f"`{_name(key_path)}` is empty")
            return None
        if isinstance(value, str):
            return value.strip()
        self.error(
            key_path,
            f"`{_name(key_path)}` should be text but YAML read {describe(value)}: {TRAP_HINT}",
        )
        return None

    def boolean(self, *key_path: Hashable, default: bool = False) -> bool:
        value = self.raw(*key_path)
        if value is _MISSING or value is None:
            return default
        if isinstance(value, bool):
            return value
        self.error(key_path, f"`{_name(key_path)}` must be true or false, got {describe(value)}")
        return default

    def timestamp(self, *key_path: Hashable, required: bool = False) -> Timestamp | None:
        """A date or date-time; naive values are taken in the site's time zone."""
        value = self.raw(*key_path)
        if value is _MISSING or value is None:
            if required:
                self.error(key_path, f"`{_name(key_path)}` is required (YYYY-MM-DD)")
            return None
        stamp = to_timestamp(value, self.zone)
        if stamp is None:
            self.error(
                key_path,
                f"`{_name(key_path)}` must be a date (YYYY-MM-DD) or an ISO 8601 date-time, "
                f"got {describe(value)}",
            )
        return stamp

    def language(self, key: str, default: str) -> str:
        """A language tag (`lang`, `language`); the default when absent or malformed."""
        lang = self.text(key)
        if lang and not LANGUAGE_TAG.fullmatch(lang):
            self.error((key,), f"`{key}` `{lang}` is not a language tag such as `en` or `pt-BR`")
            return default
        return lang or default

    def url(self, *key_path: Hashable, required: bool = False, image: bool = False) -> str:
        """A URL from front matter; a script URL is refused and never reaches a page."""
        url = self.text(*key_path, required=required)
        if url and is_dangerous_url(url, image=image):
            self.error(key_path, f"`{_name(key_path)}` uses a URL scheme that is not allowed")
            return ""
        return url

    # -- lists --------------------------------------------------------------------------------

    def items(self, *key_path: Hashable, allow_single: bool = False) -> Iterator[tuple[int, Any]]:
        """The items of a list field with their indexes; a lone value (index -1) when allowed."""
        value = self.raw(*key_path)
        if value is _MISSING or value is None:
            return
        if not isinstance(value, list):
            if allow_single and not isinstance(value, dict):
                yield -1, value
                return
            self.error(key_path, f"`{_name(key_path)}` must be a list, got {describe(value)}")
            return
        yield from enumerate(value)

    def text_list(self, *key_path: Hashable, allow_single: bool = False) -> list[str]:
        """A list of plain texts (`authors`, `topics`, `aliases`); one text alone when allowed."""
        found: list[str] = []
        for index, _item in self.items(*key_path, allow_single=allow_single):
            text = self.text(*key_path) if index < 0 else self.text(*key_path, index)
            if text:
                found.append(text)
        return found

    def url_list(self, *key_path: Hashable) -> list[str]:
        """A list of URLs (`same_as`), script URLs refused."""
        return [url for index, _ in self.items(*key_path) if (url := self.url(*key_path, index))]

    def mappings(
        self, key: str, *, known: Collection[str], required: Collection[str] = ()
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """The mapping items of a list field, checked for unknown and missing keys.

        Items that lack a required key are reported here and not yielded.
        """
        for index, item in self.items(key):
            if not isinstance(item, dict):
                self.error(
                    (key, index),
                    f"`{key}[{index}]` must be a mapping with {', '.join(required) or 'keys'}; "
                    f"got {describe(item)}",
                )
                continue
            self.check_item_keys((key, index), item, known)
            missing = [name for name in required if item.get(name) in (None, "")]
            for name in missing:
                self.error((key, index), f"`{key}[{index}]` needs `{name}`")
            if not missing:  # one message per problem: the item's own checks would repeat it
                yield index, item


def to_timestamp(value: object, zone: tzinfo) -> Timestamp | None:
    """A `Timestamp` from what YAML gave: a date, a datetime, or ISO 8601 text."""
    if isinstance(value, str):
        value = _parse_iso(value.strip())
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=zone)
        return Timestamp(aware, has_time=True)
    if isinstance(value, date):
        return Timestamp(datetime.combine(value, time(0, 0), tzinfo=zone), has_time=False)
    return None


def _parse_iso(text: str) -> date | datetime | None:
    """ISO 8601 text as a date, or as a date-time only when it has a time part: a quoted
    `"2025-03-19"` is a day, not midnight (`datetime.fromisoformat` would read it as midnight)."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if _TIME_PART.search(text) else parsed.date()


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | date)


def _name(key_path: tuple[Hashable, ...]) -> str:
    """`quotes[2].by` from `("quotes", 2, "by")`."""
    text = ""
    for key in key_path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text
