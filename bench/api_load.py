"""Load on /api/v1/now: the production server (serve.py: granian with the hot path, tracker/hot_path.py),
granian with Django's full request cycle, gunicorn (gthread) with each, and nginx serving the same bytes as
a file, in the same run, several runs.

Loopback only and bounded: both servers bind 127.0.0.1 on free ports, each load run lasts a fixed time,
and both servers are stopped at the end. Installs the Debian packages nginx and wrk when they are missing
(wrk is optional: without it a small Python client measures instead, and says so). gunicorn is a benchmark
tool only (requirements-bench.txt): install it first with scripts/bench-setup.

    scripts/bench-setup
    .venv/bin/python bench/api_load.py [--duration 10] [--connections 64] [--threads 2] [--runs 3]
"""

import argparse
import datetime as dt
import http.client
import importlib.util
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = "/usr/sbin/nginx"


# (name, server, WSGI application): the production server and entry point first.
SERVERS = (
    ("granian hot path", "granian", "tracker.wsgi:application"),
    ("granian full Django", "granian", "tracker.wsgi:django_application"),
    ("gunicorn hot path", "gunicorn", "tracker.wsgi:application"),
    ("gunicorn full Django", "gunicorn", "tracker.wsgi:django_application"),
)


@dataclass
class Result:
    """One load run: its throughput, its tail latency and how many answers were not 200."""

    requests_per_second: float
    p99_ms: float
    errors: int
    tool: str


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_debian_package(binary: str, package: str) -> bool:
    """Install a Debian package when its binary is missing; whether the binary is there afterwards."""
    if shutil.which(binary) or Path(binary).exists():
        return True
    print(f"installing the Debian package {package} ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    quiet = subprocess.DEVNULL
    if subprocess.run(install, stdout=quiet, stderr=quiet, timeout=600, env=env).returncode:
        subprocess.run(["apt-get", "update", "-q"], stdout=quiet, stderr=quiet, timeout=600)
        subprocess.run(install, stdout=quiet, stderr=quiet, timeout=600, env=env)
    return bool(shutil.which(binary) or Path(binary).exists())


def wait_for(url: str, seconds: float = 30.0) -> bytes:
    """The body at `url` once the server answers 200, or an error after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop a server and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def production_env(work: Path, port: int) -> dict[str, str]:
    """A production-like environment: a dummy secret, loopback only, a temporary SQLite database."""
    route_time = dt.datetime(2026, 12, 24, 13, 0, tzinfo=dt.UTC)  # mid-route, so `now` has a current stop
    return os.environ | {
        "TRACKER_ENV": "production",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # TLS ends at the proxy, which the benchmark leaves out; no reply is sent.
        "TRACKER_SSL_REDIRECT": "false",
        "TRACKER_ALLOW_CONSOLE_EMAIL": "true",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "TRACKER_CLOCK_START": route_time.isoformat(),
        "TRACKER_CLOCK_ANCHOR": dt.datetime.now(dt.UTC).isoformat(),
        "TRACKER_CLOCK_SPEED": "1",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and sync the sample route."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--no-input", "-v", "0"], ["sync_route"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)


def start_server(env: dict[str, str], work: Path, server: str, app: str) -> subprocess.Popen:
    """An app server on env's WEB_BIND serving the WSGI application `app` (module:name).

    "granian" is serve.py, the production server, with its target replaced by `app`; "gunicorn" is gunicorn
    with threaded workers configured as it was in production before issue 9 (2 x cores + 1 workers of 4
    threads, the alternative measured beside it).
    """
    log = (work / f"{server}-{app.replace(':', '-')}.log").open("w")
    if server == "granian":
        command = [sys.executable, "-c", f"import serve; s = serve.server(); s.target = {app!r}; s.serve()"]
    else:
        workers = str(2 * (os.cpu_count() or 1) + 1)
        command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", workers]
        command += ["--threads", "4", "--bind", env["WEB_BIND"], "--log-level", "warning", app]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def start_nginx(work: Path, body: bytes, port: int) -> subprocess.Popen:
    """nginx in the foreground on loopback, serving `body` at /api/v1/now as a static file."""
    www = work / "www"
    www.mkdir()
    (www / "now.json").write_bytes(body)
    # nginx's workers run as nobody: they must be able to read the files.
    for path in (work, www, www / "now.json"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    temp = "\n".join(
        f"  {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = work / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
{temp}
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location = /api/v1/now {{
      default_type application/json;
      add_header Cache-Control "public, max-age=60, s-maxage=60";
      try_files /now.json =404;
    }}
  }}
}}
"""
    )
    return subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=(work / "nginx.log").open("w"),
        start_new_session=True,
    )


def _found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """PATTERN's first match in wrk's output; SystemExit saying what is missing when wrk printed no such line."""
    match = re.search(pattern, text, flags)
    if match is None:
        raise SystemExit(f"wrk printed nothing matching {pattern!r}:\n{text}")
    return match


def _milliseconds(text: str) -> float:
    number, unit = _found(r"^([\d.]+)(us|ms|s)$", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_with_wrk(url: str, seconds: int, connections: int, threads: int) -> Result:
    """wrk at a fixed duration and connection count."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Result(
        requests_per_second=float(_found(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p99_ms=_milliseconds(_found(r"^\s+99%\s+(\S+)", output, re.MULTILINE)[1]),
        errors=(int(errors[1]) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        tool=f"wrk -t{threads} -c{connections} -d{seconds}s",
    )


def load_with_python(url: str, seconds: int, connections: int) -> Result:
    """A small keep-alive client in threads, used only when wrk is not available (it is far slower)."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.monotonic() + seconds

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[slot] += 1
            except OSError:
                errors[slot] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            latencies[slot].append(time.perf_counter() - started)
        connection.close()

    workers = [threading.Thread(target=client, args=(slot,)) for slot in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = sorted(latency for slot in latencies for latency in slot)
    p99 = every[min(len(every) - 1, int(len(every) * 0.99))] * 1000 if every else float("nan")
    return Result(len(every) / seconds, p99, sum(errors), f"python client, {connections} connections, {seconds}s")


def machine() -> str:
    """What the figures were measured on."""
    cpu = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpu if "model name" in line), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    system = f"{platform.platform()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({model}), {int(memory) // 1024**2} GiB, {system}"


def main() -> None:
    """Start the servers, check they serve the same bytes, load each in turn for each run, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server (default 10)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--runs", type=int, default=3, help="runs over all servers (default 3)")
    options = parser.parse_args()

    if importlib.util.find_spec("gunicorn") is None:
        raise SystemExit("gunicorn is not installed: run scripts/bench-setup (requirements-bench.txt) first")
    if not ensure_debian_package(NGINX, "nginx"):
        raise SystemExit("nginx is needed and could not be installed (apt-get install nginx)")
    use_wrk = ensure_debian_package("wrk", "wrk")
    if not use_wrk:
        print("wrk is not available; measuring with the Python client instead", flush=True)

    processes: list[subprocess.Popen] = []
    runs: list[dict[str, Result]] = []
    with tempfile.TemporaryDirectory(prefix="santa-bench-") as temp:
        work = Path(temp)
        try:
            urls = {}
            body: bytes | None = None
            for name, server, app in SERVERS:
                port = free_port()
                env = production_env(work, port)
                if body is None:
                    prepare_database(env)
                processes.append(start_server(env, work, server, app))
                urls[name] = f"http://127.0.0.1:{port}/api/v1/now"
                answer = wait_for(urls[name])
                body = body or answer
                if answer != body:
                    raise SystemExit(f"{name} does not serve the same bytes")
            if body is None:
                raise SystemExit("no app server was started (SERVERS is empty)")
            nginx_port = free_port()
            processes.append(start_nginx(work, body, nginx_port))
            urls["nginx (static file)"] = f"http://127.0.0.1:{nginx_port}/api/v1/now"
            if wait_for(urls["nginx (static file)"]) != body:
                raise SystemExit("nginx does not serve the same bytes as the app servers")
            print(f"machine: {machine()}")
            print(f"answer ({len(body)} bytes): {body.decode()}")
            granian = os.environ.get("WEB_WORKERS") or os.cpu_count()
            print(f"granian: serve.py, {granian} workers of {os.environ.get('WEB_THREADS') or 4} threads")
            print(f"gunicorn: gthread, {2 * (os.cpu_count() or 1) + 1} workers of 4 threads")
            print("nginx: worker_processes auto")

            for _run in range(options.runs):
                results = {}
                for name, url in urls.items():
                    # A short warm-up so no server is measured while it opens connections or loads the route.
                    if use_wrk:
                        load_with_wrk(url, 2, options.connections, options.threads)
                        results[name] = load_with_wrk(url, options.duration, options.connections, options.threads)
                    else:
                        load_with_python(url, 2, options.connections)
                        results[name] = load_with_python(url, options.duration, options.connections)
                runs.append(results)
        finally:
            for process in reversed(processes):
                stop(process)

    print()
    # Other work on the machine competes for the same cores: the load average says how much.
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(f"load: {next(iter(runs[0].values())).tool}, GET /api/v1/now, loopback")
    print(f"{'run':<5}{'server':<28}{'requests/s':>12}{'p99 ms':>10}{'errors':>8}{'x nginx':>9}")
    for number, results in enumerate(runs, 1):
        nginx = results["nginx (static file)"].requests_per_second
        for name, result in results.items():
            ratio = result.requests_per_second / nginx
            print(
                f"{number:<5}{name:<28}{result.requests_per_second:>12.0f}{result.p99_ms:>10.2f}"
                f"{result.errors:>8}{ratio:>9.2f}"
            )


if __name__ == "__main__":
    main()
