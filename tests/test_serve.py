"""serve.py, the production app server: granian configured from the environment, failing loudly on bad values."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from granian.constants import Interfaces

import serve

ROOT = Path(__file__).resolve().parent.parent


def test_the_server_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_BIND", "[::1]:8123")
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "2")
    monkeypatch.setenv("WEB_ACCESS_LOG", "true")

    server = serve.server()

    assert (server.bind_addr, server.bind_port) == ("::1", 8123)
    assert (server.workers, server.blocking_threads) == (3, 2)
    assert server.interface == Interfaces.WSGI
    assert server.target == "tracker.wsgi:application"
    assert server.log_access
    assert "%(header{user-agent})s" in server.log_access_format


@pytest.mark.parametrize(("environment", "address"), [("production", ("0.0.0.0", 8000)), ("", ("127.0.0.1", 8000))])
def test_production_listens_on_every_interface_and_elsewhere_on_loopback(monkeypatch, environment, address):
    monkeypatch.delenv("WEB_BIND", raising=False)
    monkeypatch.setenv("TRACKER_ENV", environment)

    assert serve.bind_address() == address


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEB_BIND", "8000", "WEB_BIND must be an IP address and a port"),
        ("WEB_BIND", "127.0.0.1:99999", "WEB_BIND must be an IP address and a port"),
        ("WEB_BIND", "localhost:8000", "WEB_BIND must be an IP address and a port"),
        ("WEB_BIND", "[::1:8000", "WEB_BIND must be an IP address and a port"),
        ("WEB_BIND", "::1:8000", "WEB_BIND must be an IP address and a port"),
        ("WEB_WORKERS", "0", "WEB_WORKERS must be at least 1"),
        ("WEB_THREADS", "four", "WEB_THREADS must be a whole number"),
        ("WEB_LOG_LEVEL", "loud", "WEB_LOG_LEVEL must be one of"),
        ("WEB_ACCESS_LOG", "yes", "WEB_ACCESS_LOG must be 'true' or 'false'"),
    ],
)
def test_a_bad_setting_stops_the_server_with_its_name(name, value, message):
    result = subprocess.run(
        [sys.executable, "serve.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.startswith(f"serve.py: {message}"), result.stderr


def test_a_port_another_server_listens_on_stops_the_server_with_its_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        result = subprocess.run(
            [sys.executable, "serve.py"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "WEB_BIND": address},
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert result.returncode == 1
    assert result.stderr.startswith(f"serve.py: WEB_BIND {address} cannot be used: Address already in use")
