"""What /readyz says when a heartbeat is missing: why, in words the person on duty can act on."""

import pytest
from django.test import override_settings

from tracker.health import readiness

pytestmark = pytest.mark.django_db

LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "readiness"}}


@override_settings(CACHES=LOCAL_MEMORY)
def test_without_a_shared_cache_readyz_says_why_the_worker_s_beat_cannot_arrive():
    outcome = readiness()

    assert outcome["worker"]["ok"] is False
    assert "the cache is each process's own memory (no REDIS_URL)" in str(outcome["worker"]["detail"])
    assert outcome["sync"] == {"ok": False, "detail": "RuntimeError: sync_route --every has never run"}
    assert outcome["cache"] == {"ok": True, "detail": "ok"}
