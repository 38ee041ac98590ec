"""Docker cannot run here, so the image's command line is run exactly as the Dockerfile gives it."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.processes import free_port
from tests.topology import dockerfile_command, production_env

ROOT = Path(__file__).resolve().parent.parent


def test_the_dockerfile_command_serves_the_api_in_production_mode(tmp_path):
    port = free_port()
    env = production_env(tmp_path / "docker.sqlite3") | {"WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120)
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            dockerfile_command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        body = None
        for _ in range(120):
            if server.poll() is not None:
                break
            try:
                # As the TLS proxy in front of it says: without it, production redirects to https.
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/time", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = json.loads(response.read())
                    cache_control = response.headers["Cache-Control"]
                    break
            except OSError:
                time.sleep(0.25)
        assert body is not None, log.read_text()
        assert set(body) == {"now", "now_ms", "speed"}
        assert "no-store" in cache_control
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def test_the_image_build_step_loads_the_production_settings():
    """The build runs collectstatic with TRACKER_ENV=production and a few stand-in values; those must suffice."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    [build] = [line for line in text.splitlines() if line.startswith("RUN ") and "collectstatic" in line]
    words = build.removeprefix("RUN ").split()
    assignments = dict(word.split("=", 1) for word in words[: words.index("python")])
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_", "EMAIL_"))}
    env |= {"TRACKER_ENV": "production", **assignments}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
