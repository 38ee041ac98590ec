"""The production app server: granian serving tracker.wsgi, every value from the environment (.env.example).

    python serve.py

Chosen over gunicorn on measurements (docs/benchmarks.md, "The hot path beside full Django and nginx"):
granian parses HTTP in Rust, and with the hot path it answers /api/v1/now several times as fast as gunicorn's
threaded workers on the same cores. Stop it with SIGTERM or SIGINT: workers finish their requests first.
"""

import ipaddress
import os
import socket
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from granian import Granian
from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.common import AbstractServer

from tracker.env import env_bool, env_int, env_str

# The access log line: the request line as gunicorn wrote it, then the user agent, which tells the
# cache's health probes ("varnish-probe") from viewers.
ACCESS_LOG_FORMAT = (
    '[%(time)s] %(addr)s - "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).3f "%(header{user-agent})s"'
)


def env_positive(name: str, default: int) -> int:
    """A whole-number setting of at least 1 (tracker.env reads it)."""
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1, not {value}")
    return value


def bind_address() -> tuple[str, int]:
    """(address, port) from WEB_BIND ("0.0.0.0:8000" or "[::]:8000"): every interface in production, else
    loopback. Raises ImproperlyConfigured for anything else (granian binds IP addresses, not host names)."""
    production = env_str("TRACKER_ENV", "development") == "production"
    text = env_str("WEB_BIND") or ("0.0.0.0:8000" if production else "127.0.0.1:8000")
    host, _, port = text.rpartition(":")
    if host.startswith("[") or host.endswith("]"):
        bracketed = host.startswith("[") and host.endswith("]")
        host = host[1:-1] if bracketed else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    # IPv6 addresses, and only they, come in brackets.
    if (
        address is None
        or (address.version == 6) != text.startswith("[")
        or not port.isdigit()
        or not 0 < int(port) < 65536
    ):
        raise ImproperlyConfigured(
            f"WEB_BIND must be an IP address and a port, such as 0.0.0.0:8000 or [::]:8000, not {text!r}"
        )
    return host, int(port)


def check_port_free(host: str, port: int) -> None:
    """Raise ImproperlyConfigured when another process listens on (host, port). granian shares a port it
    binds with any server already there, so a forgotten one would quietly answer part of the traffic."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As granian binds: connections of a server just stopped (TIME_WAIT) do not count, a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ImproperlyConfigured(f"WEB_BIND {host}:{port} cannot be used: {error.strerror}") from error


# Granian is one of two server classes, picked at import by how the extension was built; both are these.
def server() -> AbstractServer[Any]:
    """The configured server, not yet started. Raises ImproperlyConfigured for a malformed setting."""
    host, port = bind_address()
    log_level = env_str("WEB_LOG_LEVEL", "info").lower()
    if log_level not in LogLevels.__members__:
        levels = ", ".join(LogLevels.__members__)
        raise ImproperlyConfigured(f"WEB_LOG_LEVEL must be one of {levels}, not {log_level!r}")
    access_log = env_bool("WEB_ACCESS_LOG", default=False)
    return Granian(
        "tracker.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        # One process per core: each answers the hot path in Python, so more processes than cores only queue.
        workers=env_positive("WEB_WORKERS", os.cpu_count() or 1),
        # Threads per worker for Django's own views (admin, letter form) that wait on the database.
        blocking_threads=env_positive("WEB_THREADS", 4),
        # Requests one worker takes on at once; the rest wait in the listen backlog.
        backpressure=env_positive("WEB_BACKPRESSURE", 256),
        # Keep-alive for the cache's connections; headers that take longer than this are dropped.
        http1_settings=HTTP1Settings(header_read_timeout=env_positive("WEB_HEADER_TIMEOUT_MS", 10_000)),
        log_level=LogLevels(log_level),
        # Off by default: the CDN logs every request, and at hop time the origin's log would be millions of lines.
        log_access=access_log,
        log_access_format=ACCESS_LOG_FORMAT if access_log else None,
        # A worker that dies is started again, and one whose memory grows past the bound is replaced, so a slow
        # leak never builds up over the night.
        respawn_failed_workers=True,
        workers_max_rss=env_positive("WEB_WORKERS_MAX_RSS_MIB", 1024),
        workers_kill_timeout=env_positive("WEB_GRACEFUL_TIMEOUT", 30),
    )


if __name__ == "__main__":
    try:
        configured = server()
        check_port_free(configured.bind_addr, configured.bind_port)
    except ImproperlyConfigured as error:
        sys.exit(f"serve.py: {error}")
    configured.serve()
