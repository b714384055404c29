"""When to send the next request: backoff after failures, Retry-After, a rate limit.

Sleeping goes through an injected ``sleep`` callable and time through an
injected ``clock`` so that tests observe every wait without waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Sleep = Callable[[float], None]
Clock = Callable[[], float]


def backoff_delay(
    attempt: int, *, base: float, cap: float, jitter: float, rand: Callable[[], float]
) -> float:
    """Seconds to wait before retry number ``attempt + 1``: exponential, capped, jittered.

    The jitter takes up to ``jitter`` of the delay away at random, so that
    clients failing together do not retry together.

    >>> backoff_delay(3, base=1.0, cap=60.0, jitter=0.0, rand=lambda: 0.5)
    8.0
    """
    delay = min(cap, base * (2 ** min(attempt, 32)))
    return delay * (1.0 - jitter * rand())


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: delta-seconds or an HTTP date; None if unusable.

    Shopify sends fractional seconds (``2.0``); a date in the past means now.

    >>> retry_after_seconds("2.0"), retry_after_seconds("soon")
    (2.0, None)
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class RateLimiter:
    """Spaces one source's requests and honours the pauses the source asks for.

    ``per_second`` (None: no limit) keeps requests at least ``1 / per_second``
    apart; :meth:`defer` pushes the next request back, e.g. while a vendor's
    leaky bucket drains.
    """

    def __init__(
        self,
        per_second: float | None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._clock, self._sleep = clock, sleep
        self._next = -math.inf

    def wait(self) -> float:
        """Sleep until the next request may go; returns the seconds slept."""
        delay = self._next - self._clock()
        if delay > 0:
            self._sleep(delay)
        self._next = self._clock() + self._interval
        return max(delay, 0.0)

    def defer(self, seconds: float) -> None:
        """Let no request go for the next ``seconds``."""
        if seconds > 0:
            self._next = max(self._next, self._clock() + seconds)
