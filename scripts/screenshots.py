#!/usr/bin/env python3
"""Screenshots of the live map in each state and of the elves' admin, for docs/screenshots/ and the README.

The browser tests tests/browser/test_map_screenshots.py (which calls `shoot`) and the elves' axe test in
tests/browser/test_letters.py take them on every run (into a temporary folder); run this script to write
them into docs/screenshots/:

    .venv/bin/python scripts/screenshots.py
"""

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "screenshots"
# Set to a folder, the screenshot test also writes its pictures there.
ENV = "TRACKER_SCREENSHOTS_DIR"


@dataclass(frozen=True)
class Shot:
    """One picture: the route state the server is put in, and how the browser looks at it."""

    name: str
    state: str
    status: str
    width: int = 1366
    height: int = 768
    reduced_motion: bool = False
    mobile: bool = False
    # Taken during the hop that comes a few seconds after the page loads: Santa mid-flight, sparkling.
    mid_hop: bool = False
    # Wall milliseconds to let the map settle first (Santa's flight home takes 1.8 s).
    settle: int = 400


class Screen(TypedDict):
    """A Shot's screen: CSS pixels, and whether the browser plays a phone."""

    width: int
    height: int
    mobile: bool


PHONE: Screen = {"width": 390, "height": 844, "mobile": True}
SHOTS = (
    Shot("waiting", "weeks", "waiting"),
    Shot("waiting-phone", "weeks", "waiting", **PHONE),
    Shot("stop", "flying", "flying"),
    Shot("stop-phone", "flying", "flying", **PHONE),
    Shot("flying", "hop", "flying", mid_hop=True),
    Shot("finished", "finished", "finished", settle=2500),
    Shot("finished-phone", "finished", "finished", settle=2500, **PHONE),
    Shot("reduced-motion", "hop", "flying", mid_hop=True, reduced_motion=True),
)


def shoot(browser: "Browser", url: str, prepare: Callable[[str], None], folder: Path) -> list[Path]:
    """Put the server in each state with `prepare`, open the map in Chromium and save a PNG per shot."""
    folder.mkdir(parents=True, exist_ok=True)
    pictures = []
    for shot in SHOTS:
        prepare(shot.state)
        context = browser.new_context(
            viewport={"width": shot.width, "height": shot.height},
            reduced_motion="reduce" if shot.reduced_motion else "no-preference",
            is_mobile=shot.mobile,
            has_touch=shot.mobile,
            locale="en-US",
        )
        try:
            page = context.new_page()
            page.goto(f"{url}/en/")
            page.wait_for_selector(f"#tracker[data-status={shot.status}]", state="attached", timeout=15_000)
            page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=15_000)
            if shot.mid_hop:
                visited = page.get_attribute("#tracker", "data-visited")
                page.wait_for_function(
                    "(n) => document.getElementById('tracker').dataset.visited !== n", arg=visited, timeout=15_000
                )
                page.wait_for_timeout(700)
            else:
                # Let Leaflet finish placing the view before the picture is taken.
                page.wait_for_timeout(shot.settle)
            picture = folder / f"{shot.name}.png"
            # A phone's first screen: what a family sees without scrolling.
            page.screenshot(path=picture)
            pictures.append(picture)
        finally:
            context.close()
    return pictures


def main() -> int:
    """Run the screenshot test with its output going to docs/screenshots/."""
    environment = os.environ | {ENV: str(DOCS)}
    # The map's states, then the map and the letter pages in Japanese, Arabic, German and English,
    # then the elves' desk, inbox and a letter's page.
    command = [sys.executable, "-m", "pytest", "-q", "tests/browser/test_map_screenshots.py"]
    command.append("tests/browser/test_languages.py")
    command.append(
        "tests/browser/test_letters.py::test_the_desk_the_inbox_and_a_letter_with_the_reply_form_pass_axe_at_desktop_and_phone_sizes"
    )
    return subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
