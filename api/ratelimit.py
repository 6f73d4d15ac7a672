"""Rate limits with the `limits` library: in memory for one process, in Redis when REDIS_URL is set
(needed with several workers, so every worker counts against the same windows)."""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from api.errors import ApiError
from api.metrics import RATE_LIMITED
from api.settings import ApiSettings

log = logging.getLogger("api")
SLOW_DOWN = "Too many requests: wait {seconds} s and try again."


class RateLimits:
    def __init__(self, settings: ApiSettings) -> None:
        storage = storage_from_string(settings.redis_url or "memory://")
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.items: dict[str, RateLimitItem] = {
            "token": parse(settings.rate_per_token), "address": parse(settings.rate_per_address),
            "login_account": parse(settings.rate_login_account),
            "login_address": parse(settings.rate_login_address), "bids": parse(settings.rate_bids_user),
        }

    def hit(self, name: str, key: str) -> None:
        """Count one request against `name` for `key`; 429 with Retry-After when over the limit."""
        item = self.items[name]
        try:
            allowed = self.limiter.hit(item, name, key)
        except Exception:  # a limiter outage must not take the API down: let the request through
            log.warning("rate limiter unavailable", extra={"limit": name})
            return
        if not allowed:
            RATE_LIMITED.labels(name).inc()
            raise ApiError(429, SLOW_DOWN.format(seconds=self._retry_after(item, name, key)),
                           headers={"Retry-After": str(self._retry_after(item, name, key))})

    def _retry_after(self, item: RateLimitItem, name: str, key: str) -> int:
        stats = self.limiter.get_window_stats(item, name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
