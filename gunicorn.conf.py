"""gunicorn in production: every value from the environment, with defaults for a small container."""

import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    """A whole-number setting that fails loudly, like tracker.env (which needs Django imported first)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


# In production the container listens on every interface; elsewhere only on loopback.
_production = os.environ.get("TRACKER_ENV", "development").strip() == "production"
bind = [os.environ.get("GUNICORN_BIND", "").strip() or ("0.0.0.0:8000" if _production else "127.0.0.1:8000")]

wsgi_app = "tracker.wsgi:application"
# Threaded workers keep connections from the CDN or load balancer alive; each thread holds its own DB connection.
worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _env_int("GUNICORN_THREADS", 4)
# A request that takes this long is stuck: the API answers from memory in about a millisecond.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than a CDN's or load balancer's idle timeout would make them reuse connections we already closed.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak can never build up over a long night.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)
# The heartbeat file lives in memory: a container's disk can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Which proxies may set X-Forwarded-For/-Proto (Django trusts X-Forwarded-Proto in production).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1").strip()
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info").strip()
# Access logs are off by default: the CDN logs every request, and at hop time they would be millions of lines.
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "").strip().lower() or "false"
if _access_log not in ("true", "false"):
    raise SystemExit(f"GUNICORN_ACCESS_LOG must be 'true' or 'false', not {_access_log!r}")
accesslog = "-" if _access_log == "true" else None
