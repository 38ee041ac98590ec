"""Production's response headers against the HTTP Observatory's rules, with the production settings as given.

The rules: https://developer.mozilla.org/en-US/observatory/docs/tests_and_scoring (HSTS of at least six
months, a CSP without 'unsafe-inline' that forbids framing, nosniff, a Referrer-Policy that keeps paths private,
secure cookies, and plain HTTP redirected to HTTPS on the same host).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ["/en/", "/api/v1/now", "/en/letters/write/", "/admin/login/"]
PRIVATE_REFERRERS = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}

# Run inside `manage.py shell` with the production environment. Only the static files storage is swapped
# for the plain one, because the hashed manifest needs a collectstatic this test does not run.
FETCH = """
import json
from django.test import Client, override_settings
from django.conf import settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES=settings.STORAGES | {"staticfiles": plain}):
    behind_tls = Client(HTTP_HOST="santa.example", HTTP_X_FORWARDED_PROTO="https")
    seen = {}
    for path in PAGES:
        response = behind_tls.get(path)
        seen[path] = {
            "status": response.status_code,
            "headers": dict(response.headers),
            "cookies": {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"]), "samesite": c["samesite"]}
                        for name, c in response.cookies.items()},
        }
    plain_http = Client(HTTP_HOST="santa.example").get("/en/letters/write/")
    seen["http"] = {"status": plain_http.status_code, "location": plain_http.get("Location", "")}
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each page's status, headers and cookies as production answers them behind the TLS proxy."""
    work = tmp_path_factory.mktemp("production")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_", "EMAIL_"))}
    env |= {
        "TRACKER_ENV": "production",
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "santa.example",
        "EMAIL_HOST": "smtp.example",
        "DATABASE_URL": f"sqlite:///{work / 'production.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=180)
    script = f"PAGES = {PAGES!r}\n{FETCH}"
    result = subprocess.run(
        [*manage, "shell", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", PAGES)
def test_each_page_meets_the_observatory_rules(production_responses, path):
    page = production_responses[path]
    headers = {name.lower(): value for name, value in page["headers"].items()}

    assert page["status"] == 200
    hsts = dict(
        part.strip().partition("=")[::2] for part in headers["strict-transport-security"].split(";") if part.strip()
    )
    assert int(hsts["max-age"]) >= 15768000  # six months
    assert "includeSubDomains" in hsts and "preload" in hsts
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = {d.strip().split()[0]: d.strip().split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["'none'"]
    assert "default-src" in directives
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in PRIVATE_REFERRERS
    assert headers["x-frame-options"] == "DENY"
    for name, cookie in page["cookies"].items():
        assert cookie["secure"], f"cookie {name} lacks Secure"
        assert cookie["samesite"], f"cookie {name} lacks SameSite"


def test_plain_http_is_sent_to_https_on_the_same_host(production_responses):
    answer = production_responses["http"]

    assert answer["status"] == 301
    assert answer["location"] == "https://santa.example/en/letters/write/"
