"""Settings come from the environment, fail loudly, and are all listed in .env.example."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from tracker.env import env_bool, env_float, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_variable_read_anywhere_is_listed_in_env_example():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    read = set()
    for path in [*ROOT.glob("*.py"), *ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts or "tests" in path.parts or "bench" in path.parts:
            continue
        read |= set(re.findall(r"env_(?:str|bool|int|float|list|positive)\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text()))
    # The app server's settings (serve.py, at the top) are read too.
    assert {"DATABASE_URL", "WEB_BIND", "WEB_WORKERS"} <= read, "settings missing: the scan is broken"
    assert read - listed == set()


def test_a_boolean_must_be_exactly_true_or_false(monkeypatch):
    monkeypatch.setenv("SANTA_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="SANTA_FLAG must be 'true' or 'false'"):
        env_bool("SANTA_FLAG", default=False)
    monkeypatch.setenv("SANTA_FLAG", "TRUE")
    assert env_bool("SANTA_FLAG", default=False) is True


def test_numbers_fail_loudly(monkeypatch):
    monkeypatch.setenv("SANTA_NUMBER", "sixty")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("SANTA_NUMBER", 1)
    with pytest.raises(ImproperlyConfigured, match="number"):
        env_float("SANTA_NUMBER", 1.0)
    monkeypatch.setenv("SANTA_NUMBER", "nan")
    with pytest.raises(ImproperlyConfigured, match="finite"):
        env_float("SANTA_NUMBER", 1.0)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SANTA_SECRET_FILE", str(secret))
    assert env_str("SANTA_SECRET") == "s3cret"
    monkeypatch.setenv("SANTA_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("SANTA_SECRET")


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("SANTA_HOSTS", "a.example, b.example,,")
    assert env_list("SANTA_HOSTS", []) == ["a.example", "b.example"]


def run_django_check(*options: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_", "EMAIL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *options],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_env(**changes: str) -> dict[str, str]:
    """What production is given: a real random secret key, its host, its mail server."""
    return {
        "TRACKER_ENV": "production",
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "santa.example",
        "EMAIL_HOST": "smtp.example",
    } | changes


def test_production_refuses_to_start_without_its_secret_key():
    result = run_django_check(TRACKER_ENV="production", DJANGO_ALLOWED_HOSTS="santa.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_its_secrets():
    result = run_django_check(**production_env())
    assert result.returncode == 0, result.stderr


def test_the_deployment_checklist_finds_nothing_in_production():
    result = run_django_check("--deploy", "--fail-level", "DEBUG", **production_env())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_print_replies_to_the_console_unless_told_to():
    refused = run_django_check(**production_env(EMAIL_HOST=""))
    allowed = run_django_check(**production_env(EMAIL_HOST="", TRACKER_ALLOW_CONSOLE_EMAIL="true"))

    assert refused.returncode != 0
    assert "EMAIL_HOST is required in production" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr


def test_production_refuses_hsts_shorter_than_six_months():
    short = run_django_check(**production_env(TRACKER_HSTS_SECONDS="86400"))
    six_months = run_django_check(**production_env(TRACKER_HSTS_SECONDS="15768000"))

    assert short.returncode != 0
    assert "TRACKER_HSTS_SECONDS must be at least 15768000 (6 months)" in short.stderr
    assert six_months.returncode == 0, six_months.stderr


def test_a_malformed_clock_stops_start_up_with_a_clear_message():
    result = run_django_check(TRACKER_CLOCK_START="Christmas", TRACKER_CLOCK_ANCHOR="2026-11-21T00:00:00Z")
    assert result.returncode != 0
    assert "TRACKER_CLOCK_START must be an ISO 8601 instant" in result.stderr
