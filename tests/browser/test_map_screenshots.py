"""Screenshots of each state of the map, taken by scripts/screenshots.py on every test run."""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.browser.map_pages import put_in_state

pytestmark = [pytest.mark.browser]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load_script() -> object:
    """scripts/screenshots.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_screenshot_script_pictures_every_state_of_the_map(browser, site, sample_route, settings, tmp_path):
    screenshots = load_script()
    # Into docs/screenshots/ only when scripts/screenshots.py asks; otherwise a throwaway folder.
    folder = Path(os.environ.get(screenshots.ENV) or tmp_path)
    pictures = screenshots.shoot(browser, site, lambda state: put_in_state(settings, state), folder)
    assert [picture.name for picture in pictures] == [f"{shot.name}.png" for shot in screenshots.SHOTS]
    assert {"waiting-phone.png", "stop-phone.png", "finished-phone.png", "stop.png"} <= {p.name for p in pictures}
    for picture in pictures:
        data = picture.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        assert len(data) > 10_000, f"{picture.name} is suspiciously small"
