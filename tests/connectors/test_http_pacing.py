"""Backoff, Retry-After and the rate limiter, on their own (no server, no real waiting)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.http import RateLimiter, backoff_delay, retry_after_seconds

NOW = datetime(2024, 7, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("2.0", 2.0),  # Shopify's form
        (" 10 ", 10.0),
        ("Mon, 01 Jul 2024 12:00:30 GMT", 30.0),
        ("Mon, 01 Jul 2024 11:59:00 GMT", 0.0),  # already past: go now
        ("-5", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff_delay(n, base=0.5, cap=4, jitter=0, rand=lambda: 0.0) for n in range(6)]
    assert delays == [0.5, 1, 2, 4, 4, 4]


def test_jitter_only_ever_shortens_a_delay() -> None:
    assert backoff_delay(2, base=1, cap=60, jitter=0.5, rand=lambda: 0.0) == 4
    assert backoff_delay(2, base=1, cap=60, jitter=0.5, rand=lambda: 1.0) == 2


def test_a_huge_attempt_number_does_not_overflow() -> None:
    assert backoff_delay(10_000, base=1, cap=30, jitter=0, rand=lambda: 0.0) == 30


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_the_rate_limiter_spaces_requests_evenly() -> None:
    time = FakeTime()
    limiter = RateLimiter(2, clock=time.clock, sleep=time.sleep)
    for _ in range(4):
        limiter.wait()
    assert time.waits == [0.5, 0.5, 0.5]


def test_time_spent_elsewhere_counts_towards_the_spacing() -> None:
    time = FakeTime()
    limiter = RateLimiter(2, clock=time.clock, sleep=time.sleep)
    limiter.wait()
    time.now += 0.3  # the caller worked for 0.3 s
    limiter.wait()
    assert time.waits == [pytest.approx(0.2)]


def test_a_deferral_holds_the_next_request_back() -> None:
    time = FakeTime()
    limiter = RateLimiter(None, clock=time.clock, sleep=time.sleep)
    limiter.wait()
    limiter.defer(1.5)
    limiter.wait()
    limiter.wait()
    assert time.waits == [1.5]  # no limit otherwise
