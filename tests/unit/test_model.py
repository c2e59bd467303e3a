"""The model's derived values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sitegen.core.model import Timestamp


def test_human_dates_show_the_local_time_of_each_offset() -> None:
    auckland = Timestamp(datetime(2025, 3, 19, 9, 0, tzinfo=timezone(timedelta(hours=13))), True)
    utc = Timestamp(datetime(2025, 3, 18, 20, 0, tzinfo=UTC), True)
    assert auckland.value == utc.value, "the same instant"
    assert auckland.human == "19 March 2025, 09:00 +13:00"
    assert utc.human == "18 March 2025, 20:00 UTC"


def test_a_bare_date_shows_no_time() -> None:
    day = Timestamp(datetime(2025, 3, 19, tzinfo=UTC), False)
    assert day.human == "19 March 2025"
