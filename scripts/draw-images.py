#!/usr/bin/env python3
"""Draw the map's committed PNGs with Chromium from its own SVG icon: app icons and the share picture.

    .venv/bin/python scripts/draw-images.py

Writes static/icons/app-192.png, app-512.png (the web app manifest's icons) and share-card.png (1200 x 630,
the Open Graph and Twitter card picture). Run it again after changing static/icons/santa.svg.
"""

import base64
import sys
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "static" / "icons"
CHROMIUM = "/usr/bin/chromium"

ICON_PAGE = """<body style="margin:0;background:#0f2341;display:grid;place-items:center;width:{size}px;height:{size}px">
<img src="{santa}" style="width:72%;height:72%"></body>"""

CARD_PAGE = """<body style="margin:0;width:1200px;height:630px;background:#0f2341;color:#f5f7fb;
font-family:'DejaVu Sans',sans-serif;position:relative;overflow:hidden">
<svg width="1200" height="630" style="position:absolute;inset:0">
  <path d="M-20 520 C 200 380, 420 560, 640 420 S 980 200, 1120 250" fill="none" stroke="#14213d" stroke-width="14"
   stroke-linecap="round"/>
  <path d="M-20 520 C 200 380, 420 560, 640 420 S 980 200, 1120 250" fill="none" stroke="#ffd84d" stroke-width="7"
   stroke-dasharray="4 14" stroke-linecap="round"/>
  <circle cx="140" cy="80" r="3" fill="#fff"/><circle cx="420" cy="60" r="2" fill="#fff"/>
  <circle cx="760" cy="110" r="3" fill="#fff"/><circle cx="1050" cy="70" r="2" fill="#fff"/>
  <circle cx="560" cy="160" r="2" fill="#fff"/><circle cx="300" cy="200" r="2" fill="#fff"/>
</svg>
<img src="{santa}" style="position:absolute;left:1010px;top:150px;width:180px;height:180px;
 filter:drop-shadow(0 0 18px rgba(255,216,77,.9))">
<div style="position:absolute;left:80px;top:120px;width:860px">
 <div style="font-size:92px;font-weight:700;line-height:1.05">Where is Santa?</div>
 <div style="font-size:40px;margin-top:28px;color:#ffd84d">Follow him live on Christmas Eve</div>
</div></body>"""


def draw(browser: Browser, html: str, width: int, height: int, target: Path) -> None:
    """Render `html` at width x height CSS pixels and save it as a PNG."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_content(html)
    page.wait_for_load_state("load")
    page.screenshot(path=target, omit_background=False)
    page.close()
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> int:
    """Draw every picture."""
    santa = "data:image/svg+xml;base64," + base64.b64encode((ICONS / "santa.svg").read_bytes()).decode()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
        for size in (192, 512):
            draw(browser, ICON_PAGE.format(size=size, santa=santa), size, size, ICONS / f"app-{size}.png")
        draw(browser, CARD_PAGE.format(santa=santa), 1200, 630, ICONS / "share-card.png")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
