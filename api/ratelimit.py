"""Rate limits with the `limits` library: in memory for one process, in Redis when REDIS_URL is set
(needed with several workers, so every worker counts against the same windows)."""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter

from api.errors import ApiError
from api.metrics import RATE_LIMITED
from api.settings import ApiSettings

log = logging.getLogger("api")
SLOW_DOWN = "Too many requests: wait {seconds} s and try again."
# Login limits guard passwords, so they are exact: a moving window keeps every attempt's time. The
# cheaper sliding-window counter weighs the previous minute and rounds down, which lets one extra
# attempt through just after a minute boundary; that is fine for throughput limits, not for these.
EXACT_LIMITS = frozenset({"login_account", "login_address"})


class RateLimits:
    def __init__(self, settings: ApiSettings) -> None:
        storage = storage_from_string(settings.redis_url or "memory://")
        self.exact = MovingWindowRateLimiter(storage)
        self.approximate = SlidingWindowCounterRateLimiter(storage)
        self.items: dict[str, RateLimitItem] = {
            "token": parse(settings.rate_per_token), "address": parse(settings.rate_per_address),
            "login_account": parse(settings.rate_login_account),
            "login_address": parse(settings.rate_login_address),
        }  # bids per user are the marketplace's rule, for every channel: domain/oversight/limits.py

    def hit(self, name: str, key: str) -> None:
        """Count one request against `name` for `key`; 429 with Retry-After when over the limit."""
        item, limiter = self.items[name], self._limiter(name)
        try:
            allowed = limiter.hit(item, name, key)
        except Exception:  # a limiter outage must not take the API down: let the request through
            log.warning("rate limiter unavailable", extra={"limit": name})
            return
        if not allowed:
            RATE_LIMITED.labels(name).inc()
            seconds = _retry_after(limiter, item, name, key)
            raise ApiError(429, SLOW_DOWN.format(seconds=seconds), headers={"Retry-After": str(seconds)})

    def _limiter(self, name: str) -> RateLimiter:
        return self.exact if name in EXACT_LIMITS else self.approximate


def _retry_after(limiter: RateLimiter, item: RateLimitItem, name: str, key: str) -> int:
    stats = limiter.get_window_stats(item, name, key)
    return max(1, math.ceil(stats.reset_time - time.time()))
