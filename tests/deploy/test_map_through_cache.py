"""The map still hops in sync through the shipped cache: the browser hop tests, run once with Varnish in front.

`TRACKER_BROWSER_THROUGH_CACHE=1` makes the browser tests' `site` fixture put varnishd with deploy/varnish/
in front of the test server (tests/browser/conftest.py); any browser test can be run that way by hand.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT


def test_the_browser_hop_tests_pass_through_the_cache():
    for binary in ("/usr/sbin/varnishd", "/usr/bin/chromium"):
        if not Path(binary).exists():
            pytest.skip(f"{binary} is missing: scripts/ensure-system-packages.sh installs it")
    env = os.environ | {"TRACKER_BROWSER_THROUGH_CACHE": "1"}
    env.pop("TRACKER_BROWSER_CACHE_DIR", None)
    if env.get("DATABASE_URL"):
        # This run's own test database: the one pytest-django made for this process is in use.
        env["DATABASE_URL"] = env["DATABASE_URL"].rstrip("/") + "_through_cache"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/browser/test_map_hops.py",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"\b3 passed\b", result.stdout), result.stdout[-2000:]
