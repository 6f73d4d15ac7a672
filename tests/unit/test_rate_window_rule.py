"""The moving window behind the marketplace's limits (data/rate_windows.py), without a store."""

from __future__ import annotations

from data.rate_windows import admit
from domain.oversight.limits import retry_after
from ui.session import address_of

T = 1_800_000_000.0


def test_the_limit_th_hit_within_the_window_is_refused() -> None:
    hits = admit([], T, 2, 60)
    assert hits == [T]
    hits = admit(hits, T + 10, 2, 60)
    assert hits == [T, T + 10]
    assert admit(hits, T + 59.9, 2, 60) is None


def test_a_hit_is_let_through_once_the_oldest_leaves_the_window() -> None:
    hits = [T, T + 10]
    assert admit(hits, T + 60, 2, 60) == [T + 10, T + 60]
    assert retry_after(hits, T + 30, 2, 60) == 30
    assert retry_after(hits, T + 59.5, 2, 60) == 1


def test_the_record_keeps_at_most_limit_hits() -> None:
    hits: list[float] = []
    for second in range(0, 600, 20):  # one hit every 20 s against 3 a minute: always let through
        kept = admit(hits, T + second, 3, 60)
        assert kept is not None
        hits = kept
    assert len(hits) == 3


def test_a_generous_limit_keeps_only_recent_hits() -> None:
    """Hits more than two windows old are dropped, so a limit of a million does not keep a million."""
    hits: list[float] = []
    for second in range(0, 600):
        kept = admit(hits, T + second, 1_000_000, 60)
        assert kept is not None
        hits = kept
    assert hits == [T + second for second in range(480, 600)]  # the last two minutes


def test_hits_a_little_later_count_and_another_days_do_not() -> None:
    """A process whose clock is behind still sees the others' hits; seeding that replays the past
    (`now` days back) is not refused for the hits of another day."""
    assert admit([T + 1, T + 2], T, 2, 60) is None
    assert retry_after([T + 1, T + 2], T, 2, 60) == 61
    later = [T + 3600, T + 3601]
    assert admit(later, T, 2, 60) == later  # let through; the newest `limit` hits are what is kept


def test_the_pages_trust_only_the_proxys_own_forwarded_entry() -> None:
    assert address_of("203.0.113.9", ["198.51.100.1"]) == "203.0.113.9"  # a direct client: its peer
    assert address_of(None, ["198.51.100.1, 203.0.113.7"]) == "203.0.113.7"  # our proxy appended the last
    assert address_of(None, ["1.1.1.1", "203.0.113.7"]) == "203.0.113.7"
    assert address_of(None, []) == "unknown"
