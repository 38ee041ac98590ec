"""Outage tests start real app servers on PostgreSQL (tests/conftest.py postgres_database) behind a TcpProxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static files collected as the image collects them, for app servers that render pages."""
    root = tmp_path_factory.mktemp("static")
    env = os.environ | {"TRACKER_STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    return root
