"""The public form's limits: letters per mailbox and per client address, in the shared cache (Redis).

When the shared cache is down or hung, the counts fall back to this process's own memory for a while: a
letter is never refused or lost because Redis is, and a flood is still held back, per process.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds this process counts on its own after the shared cache failed, before trying it again: a hung Redis
# costs one socket timeout per pause, not one per letter.
SHARED_CACHE_PAUSE = 30.0

_local_counts = LocMemCache("letters-rate-limit", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_shared_paused_until = 0.0


@dataclass(frozen=True)
class RateLimited:
    """A letter over one of the limits: what was counted, how many are allowed, and in what window (seconds)."""

    counted: str
    limit: int
    window: int


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: lower case, without a +tag (aroha+kite@x and Aroha@X are one)."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


def _count_in(store: BaseCache, key: str, window: int) -> int:
    """Add one to KEY's count in STORE, starting a WINDOW-second window when there is none; the new count."""
    store.add(key, 0, timeout=window)
    try:
        return store.incr(key)
    except ValueError:  # the window ended between add and incr
        store.set(key, 1, timeout=window)
        return 1


def _count(key: str, window: int) -> int:
    """The count after this letter, in the shared cache, or in this process while the shared one is failing."""
    global _shared_paused_until
    if time.monotonic() >= _shared_paused_until:
        try:
            return _count_in(cache, key, window)
        except (RedisError, OSError) as error:
            _shared_paused_until = time.monotonic() + SHARED_CACHE_PAUSE
            logger.warning("Rate limit cache failed (%r); counting in this process for %ss", error, SHARED_CACHE_PAUSE)
    return _count_in(_local_counts, key, window)


def _checks(email: str, client_ip: str) -> list[tuple[str, str, int, int]]:
    """(cache key, what is counted, limit, window in seconds) for each limit a letter counts against."""
    # Hashed, so no cache ever holds a child's address.
    mailbox_key = "letters:rate:email:" + hashlib.sha256(mailbox(email).encode()).hexdigest()
    return [
        (mailbox_key, "email address", settings.LETTERS_RATE_LIMIT, settings.LETTERS_RATE_WINDOW),
        (f"letters:rate:ip:{client_ip}", "internet address", settings.LETTERS_RATE_LIMIT_PER_IP,
         settings.LETTERS_RATE_WINDOW_PER_IP),
    ]  # fmt: skip


def check_web_letter(email: str, client_ip: str) -> RateLimited | None:
    """Count one letter from EMAIL's mailbox and CLIENT_IP; the limit it goes over, or None (0 means no limit)."""
    over = None
    for key, counted, limit, window in _checks(email, client_ip):
        if limit and _count(key, window) > limit and over is None:
            over = RateLimited(counted, limit, window)
    return over


def give_back_web_letter(email: str, client_ip: str) -> None:
    """Take back the count check_web_letter made for a letter that could not be stored: a failed try never
    counts against the writer. A count whose window ended meanwhile is left alone."""
    store = cache if time.monotonic() >= _shared_paused_until else _local_counts
    for key, _counted, limit, _window in _checks(email, client_ip):
        if not limit:
            continue
        try:
            if store.get(key):
                store.decr(key)
        except (ValueError, RedisError, OSError):
            pass  # the window ended, or the shared cache failed since: nothing left to give back there
