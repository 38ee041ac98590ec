"""The production topology of deploy/compose.yaml on loopback: its commands and files, started by the tests.

Docker does not run on these machines, so the cache and the app servers run as plain processes with the
commands and files the compose file gives them: varnishd with deploy/varnish/ (only the listening address,
working directory and backend addresses differ) in front of app servers running the Dockerfile's command,
all reading one clock anchor. Every process runs in its own session and is stopped by its pid.
"""

import csv
import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.conftest import ROUTE_HEADER
from tests.processes import ROOT, free_port

COMPOSE = ROOT / "deploy" / "compose.yaml"
VARNISH_DIR = ROOT / "deploy" / "varnish"
VARNISHD = "/usr/sbin/varnishd"
# On loopback: where to listen, a private working directory, and no privilege drop (the temporary
# directories belong to the test's user). Everything else comes from the compose file.
_VARNISH_LOCAL_OPTIONS = {"-a", "-n", "-j"}


def compose() -> dict:
    """deploy/compose.yaml, parsed."""
    return yaml.safe_load(COMPOSE.read_text())


def dockerfile_command() -> list[str]:
    """The CMD of the Dockerfile, which the compose file's app servers run."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")]
    assert len(lines) == 1, "the Dockerfile needs exactly one CMD"
    return json.loads(lines[0].removeprefix("CMD "))


def healthcheck_command(service: str, port: int) -> list[str]:
    """The compose service's healthcheck command as it runs in the container, asking the app server on PORT."""
    test = compose()["services"][service]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"], test
    return [sys.executable, *(argument.replace("localhost:8000", f"localhost:{port}") for argument in test[2:])]


def varnish_parameters() -> list[str]:
    """The compose file's varnishd arguments without those that only make sense in the container."""
    command = compose()["services"]["varnish"]["command"]
    assert command[:2] == ["varnishd", "-F"], command
    arguments, rest = [], command[2:]
    while rest:
        option, value, rest = rest[0], rest[1], rest[2:]
        if option in _VARNISH_LOCAL_OPTIONS:
            continue
        if option == "-f":
            value = str(VARNISH_DIR / Path(value).name)
        elif option == "-p" and value.startswith("vcl_path="):
            continue
        arguments += [option, value]
    return arguments


def origin_vcl(ports: list[int], probe_path: str | None = None) -> str:
    """deploy/varnish/origin.vcl with each app server's host and port replaced by one on loopback, and the
    health probe asking `probe_path` instead when one is given (as behind a CDN that never probes `now`)."""
    text = (VARNISH_DIR / "origin.vcl").read_text()
    if probe_path is not None:
        shipped = '"GET /api/v1/now HTTP/1.1"'
        assert shipped in text, "origin.vcl's probe no longer asks /api/v1/now"
        text = text.replace(shipped, f'"GET {probe_path} HTTP/1.1"')
    hosts = re.findall(r'\.host = "([^"]+)";\s*\.port = "(\d+)";', text)
    assert len(hosts) == len(ports), f"origin.vcl names {len(hosts)} app servers, the test started {len(ports)}"
    for (host, port), local in zip(hosts, ports, strict=True):
        old, new = f'.host = "{host}";\n    .port = "{port}";', f'.host = "127.0.0.1";\n    .port = "{local}";'
        text = text.replace(old, new)
    return text


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started, by its pid."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60.0) -> bytes:
    """The body at `url` once it answers 200; fails with the process's log if it exits or never answers."""
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


@dataclass
class Origin:
    """The app servers' shared environment, and the rehearsal clock they run."""

    env: dict[str, str]
    start: dt.datetime
    anchor: dt.datetime
    speed: float

    def route_time(self, wall: float) -> dt.datetime:
        """The route time at a wall time in seconds since the epoch, as every app server computes it."""
        return self.start + (dt.datetime.fromtimestamp(wall, dt.UTC) - self.anchor) * self.speed

    def wall_time(self, route: dt.datetime) -> float:
        """The wall time, in seconds since the epoch, at which the route clock reaches `route`."""
        return (self.anchor + (route - self.start) / self.speed).timestamp()


def production_env(database: Path) -> dict[str, str]:
    """This process's environment with the project's own settings replaced by production ones on `database`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_", "WEB_"))}
    env.pop("REDIS_URL", None)
    return env | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "TRACKER_ENV": "production",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        # Production refuses the console mailer; nothing is sent by these processes.
        "EMAIL_HOST": "smtp.invalid",
        # TLS ends in front of the cache (the CDN sets X-Forwarded-Proto); on loopback nothing speaks TLS.
        "TRACKER_SSL_REDIRECT": "false",
    }


def write_route(path: Path, rows: list[list[str]]) -> Path:
    """These sheet rows as a CSV file at `path`, under the route's header."""
    with path.open("w", newline="") as out:
        csv.writer(out).writerows([ROUTE_HEADER, *rows])
    return path


def manage(env: dict[str, str], *command: str) -> str:
    """`manage.py COMMAND` as the app servers' operator runs it, with their environment; its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=180, capture_output=True
    )
    return result.stdout.decode()


def prepare_origin(tmp_path: Path, rows: list[list[str]], lead_seconds: float, speed: float, **env: str) -> Origin:
    """A database with these sheet rows synced by `manage.py sync_route`, and a clock `lead_seconds` before them."""
    route_csv = write_route(tmp_path / "route.csv", rows)
    base = production_env(tmp_path / "origin.sqlite3") | env
    manage(base, "migrate", "-v", "0")
    manage(base, "sync_route", str(route_csv))
    first = min(dt.datetime.fromisoformat(row[ROUTE_HEADER.index("arrival")]) for row in rows)
    start = first - dt.timedelta(seconds=lead_seconds * speed)
    # A little later than now, so the first app server is up before take-off.
    anchor = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=2)
    base |= {
        "TRACKER_CLOCK_START": start.isoformat().replace("+00:00", "Z"),
        "TRACKER_CLOCK_ANCHOR": anchor.isoformat().replace("+00:00", "Z"),
        "TRACKER_CLOCK_SPEED": f"{speed:g}",
    }
    return Origin(base, start, anchor, speed)


def start_app_server(origin: Origin, tmp_path: Path, name: str, **env: str) -> tuple[subprocess.Popen, int, Path]:
    """One app server as compose runs it (the Dockerfile's command) on a free port: process, port, log."""
    port = free_port()
    process, log = start_night_process(
        origin, tmp_path, name, dockerfile_command(), **({"WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1"} | env)
    )
    return process, port, log


def start_night_process(
    origin: Origin, tmp_path: Path, name: str, command: list[str], **env: str
) -> tuple[subprocess.Popen, Path]:
    """COMMAND (an app server, or a compose service's `manage.py` command) with the origin's settings and ENV,
    in its own session, its output in tmp_path/NAME.log: process, log."""
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=origin.env | env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def start_varnish(
    tmp_path: Path, ports: list[int], probe_path: str | None = None
) -> tuple[subprocess.Popen, int, Path]:
    """varnishd with the shipped VCL and the compose file's parameters in front of `ports`: process, port, dir.
    `probe_path` points the health probe elsewhere (origin_vcl)."""
    if not Path(VARNISHD).exists():
        raise FileNotFoundError(f"{VARNISHD} is missing: scripts/ensure-system-packages.sh installs Debian's varnish")
    workdir = tmp_path / "varnish"
    vcl_dir = tmp_path / "vcl"
    shutil.rmtree(workdir, ignore_errors=True)
    vcl_dir.mkdir(exist_ok=True)
    (vcl_dir / "origin.vcl").write_text(origin_vcl(ports, probe_path))
    port = free_port()
    command = [
        VARNISHD,
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir),
        "-a",
        f"127.0.0.1:{port}",
        # The test's origin.vcl comes first; everything else is the shipped deploy/varnish/.
        "-p",
        f"vcl_path={vcl_dir}:{VARNISH_DIR}",
        *varnish_parameters(),
    ]
    log = tmp_path / "varnish.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return process, port, workdir


def ask_now(port: int) -> dict:
    """One GET of /api/v1/now on its own connection to 127.0.0.1:`port`; its JSON body (fails unless 200)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/api/v1/now")
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body
        return json.loads(body)
    finally:
        connection.close()


def origin_requests(log: Path, path: str) -> int:
    """How many requests for `path` an app server's access log shows, the cache's health probes left out."""
    return sum(1 for line in log.read_text().splitlines() if f'"GET {path} ' in line and "varnish-probe" not in line)
