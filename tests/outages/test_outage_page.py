"""The letter form's outage page as a child sees it: a production app server on PostgreSQL that goes down between
opening the form and sending it, in Chromium at desktop and phone sizes, in Japanese and German.

Set TRACKER_SCREENSHOTS_DIR to keep the pictures and look at them.
"""

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.map_pages import hop_rows
from tests.conftest import POSTGRES
from tests.tcp_proxy import TcpProxy
from tests.topology import prepare_origin, start_app_server, stop, wait_for

CHROMIUM = "/usr/bin/chromium"
# The words that say the letter was not sent (letters/locale), and the letter the child wrote.
NOT_SENT = {"ja": "お手紙はまだ送られていません。", "de": "Dein Brief wurde nicht abgeschickt."}
LETTERS = {"ja": "サンタさん、そりがほしいです。", "de": "Lieber Weihnachtsmann, ich wünsche mir einen Schlitten."}


def test_the_outage_page_keeps_the_letter_in_the_childs_language_on_desktop_and_phone(
    postgres_database: str, static_root: Path, tmp_path: Path, browser: Any
):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/ensure-system-packages.sh installs Debian's chromium")

    folder = Path(os.environ.get("TRACKER_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    origin = prepare_origin(
        tmp_path,
        hop_rows(),
        lead_seconds=4,
        speed=60.0,
        DATABASE_URL=f"{POSTGRES}/{postgres_database}",
        TRACKER_STATIC_ROOT=str(static_root),
    )
    proxy = TcpProxy(5432).start()
    server, port, log = start_app_server(
        origin,
        tmp_path,
        "app",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{postgres_database}",
        DATABASE_CONNECT_TIMEOUT="1",
    )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", server, log)
        chromium = browser  # the session's one Chromium (tests/conftest.py)
        for language, words in NOT_SENT.items():
            for size, width, height in (("desktop", 1366, 768), ("phone", 390, 844)):
                viewport = {"width": width, "height": height}
                context = chromium.new_context(viewport=viewport, is_mobile=width < 500)
                page = context.new_page()
                proxy.forward()
                page.goto(f"http://127.0.0.1:{port}/{language}/letters/write/")
                page.fill("[name=name]", "Aroha")
                page.fill("[name=email]", f"aroha.{size}@example.org")
                page.fill("[name=message]", LETTERS[language])
                page.fill("[name=age]", "8")
                page.select_option("[name=country]", "NZ")
                proxy.refuse()
                with page.expect_response(lambda r: r.request.method == "POST") as sent:
                    page.click("button[type=submit]")
                assert sent.value.status == 503 and sent.value.headers["retry-after"] == "60"
                page.wait_for_load_state()
                page.screenshot(path=folder / f"letter-outage-{language}-{size}.png", full_page=True)
                assert words in page.inner_text("body")
                assert page.input_value("[name=message]") == LETTERS[language]
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                context.close()
    finally:
        stop(server)
        proxy.close()
