"""The default set-up holds: scripts/run's server and tasks worker share one SQLite file, and the admin saves."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.processes import ROOT, start_scripts_run

SAVES = 50


def wait_for_login_page(process: subprocess.Popen, base: str, log: Path) -> None:
    """Until scripts/run answers the admin login page (it migrates and syncs first); fails with its log."""
    for _ in range(240):
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"{base}/admin/login/", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(log.read_text())


def csrf_post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    """GET the form for its CSRF token, then POST it as a browser would (same origin, no redirects followed)."""
    page = session.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token[1], **data},
        headers={"Referer": url, "Origin": url.split("/admin/")[0]},
        allow_redirects=False,
        timeout=30,
    )


def test_fifty_admin_saves_right_after_login_while_the_worker_runs(tmp_path):
    process, port, log = start_scripts_run(tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_login_page(process, base, log)
        assert (
            "run_worker"
            in subprocess.run(
                ["ps", "-o", "args=", "--ppid", str(process.pid)], capture_output=True, text=True, check=True
            ).stdout
        ), "scripts/run's tasks worker is running beside the server"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_"))}
        env |= {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
            "DJANGO_SUPERUSER_PASSWORD": "Holly-and-Ivy-2026",
        }
        env.pop("REDIS_URL", None)
        superuser = ["createsuperuser", "--noinput", "--username", "holly", "--email", "holly@example.org"]
        subprocess.run([sys.executable, "manage.py", *superuser], cwd=ROOT, env=env, check=True, capture_output=True)

        session = requests.Session()
        login = csrf_post(
            session, f"{base}/admin/login/?next=/admin/", {"username": "holly", "password": "Holly-and-Ivy-2026"}
        )
        assert login.status_code == 302, login.text[:2000]
        statuses = []
        for number in range(SAVES):
            saved = csrf_post(
                session,
                f"{base}/admin/auth/user/add/",
                {
                    "username": f"elf-{number}",
                    "usable_password": "true",
                    "password1": "Tinsel-and-Snow-2026",
                    "password2": "Tinsel-and-Snow-2026",
                    "_save": "Save",
                },
            )
            statuses.append(saved.status_code)
        output = log.read_text()
        assert statuses == [302] * SAVES, f"{statuses}\n{output[-3000:]}"
        assert "database is locked" not in output
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
