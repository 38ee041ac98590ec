"""The map page as the server sends it: a cacheable shell in the viewer's language, no route data, strict CSP."""

import datetime as dt
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import override

import pytest

from locations.clock import Rehearsal, wall_now
from locations.live import forget_live_route
from locations.sync import publish_table
from tests.conftest import route_table
from tracker.languages import page_language

ROOT = Path(__file__).resolve().parents[2]
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_data(self, data: str) -> None:
        if self._open in ("script", "style") and data.strip():
            self.inline.append(self._open)

    @override
    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parse(html: str) -> Tags:
    """The page's tags."""
    tags = Tags()
    tags.feed(html)
    return tags


@pytest.fixture
def everything_due(db, small_route, settings) -> None:
    """The small route live with every stop already due: the API would show them all."""
    forget_live_route()
    assert publish_table(route_table(small_route), "test").ok
    settings.TRACKER_CLOCK = Rehearsal(dt.datetime(2026, 12, 25, 12, tzinfo=dt.UTC), wall_now(), 1.0)
    yield
    forget_live_route()


def test_the_page_carries_no_route_data_even_when_every_stop_is_due(client, collected_static, everything_due):
    response = client.get("/en/")
    html = response.content.decode()
    assert response.status_code == 200
    for secret in ("Kiritimati", "Auckland", "Sydney", "Kathmandu", "Toronto", "secret note", "43.6532", "1100000"):
        assert secret not in html
    assert client.get("/api/v1/now").json()["current"]["city"] == "Toronto"


def test_the_page_is_cacheable_briefly_by_anyone_and_the_same_for_every_browser(client, collected_static):
    response = client.get("/de/", headers={"accept-language": "ja"})
    assert response["Cache-Control"] == "public, max-age=60"
    # The language is in the URL, not in a header a CDN would have to key on; only the compression varies
    # (tracker/compression.py), which every CDN and Varnish normalise.
    assert response["Vary"] == "Accept-Encoding"
    assert response["Content-Language"] == "de"
    assert "Set-Cookie" not in response
    assert response.content == client.get("/de/", headers={"accept-language": "fr"}).content
    assert client.head("/de/").status_code == 200
    assert client.post("/de/").status_code == 405


def test_the_page_has_a_strict_csp_and_no_inline_script_or_style(client, collected_static, settings):
    settings.TRACKER_CLOCK = Rehearsal(dt.datetime(2026, 12, 24, tzinfo=dt.UTC), wall_now(), 60.0)
    response = client.get("/en/")
    assert response["Content-Security-Policy"] == STRICT_CSP
    page = parse(response.content.decode())
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    # Only files, and one JSON data block (type=application/json is data, never run).
    assert all(attrs.get("src") or attrs.get("type") == "application/json" for attrs in scripts)
    assert {attrs.get("id") for attrs in scripts if not attrs.get("src")} == {"map-text"}
    assert page.inline == ["script"]
    assert not any("style" in attrs or tag == "style" for tag, attrs in page.tags)
    assert not any(name.startswith("on") for _tag, attrs in page.tags for name in attrs)
    # Every file the page loads is hashed by the manifest storage; the web app manifest is a view.
    files = [
        attrs.get("src") or attrs.get("href")
        for tag, attrs in page.tags
        if tag in ("script", "link") and attrs.get("rel") != "manifest"
    ]
    assert all(f.startswith("/static/") and f.count(".") >= 2 for f in files if f), files


def test_the_rehearsal_banner_is_shown_only_while_the_clock_is_a_rehearsal(client, collected_static, settings):
    settings.TRACKER_CLOCK = None
    assert b"Rehearsal" not in client.get("/en/").content
    settings.TRACKER_CLOCK = Rehearsal(dt.datetime(2026, 12, 24, tzinfo=dt.UTC), wall_now(), 60.0)
    assert "Rehearsal: this is not the real Christmas Eve. Santa is replaying his route at 60\u00d7 speed." in (
        " ".join(client.get("/en/").content.decode().split())
    )


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr"),
        ("de-AT", "de"),
        ("pt-BR, es;q=0.5", "pt-br"),
        ("pt-PT", "pt-br"),
        ("zh-CN, es;q=0.5", "es"),
        ("ar-EG,ar;q=0.9", "ar"),
        ("en-GB,en;q=0.9", "en"),
        ("fr;q=0, de;q=0.2", "de"),
        ("ja-JP", "ja"),
        ("zh", "en"),
        ("*", "en"),
        ("", "en"),
        ("not a header;;q=x", "en"),
    ],
)
def test_the_page_language_is_the_best_match_for_the_browser(header, language):
    assert page_language(header) == language


def test_the_page_speaks_the_urls_language_and_ships_no_country_name_table(client, collected_static):
    html = client.get("/fr/").content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Où est le Père Noël\u00a0?" in html
    # The browser names countries itself (Intl.DisplayNames): no table of 249 names in every page.
    assert "country-names" not in html
    assert "Allemagne" not in html


def meta(page: Tags, key: str) -> str | None:
    """The content of the <meta> whose property or name is `key`."""
    for tag, attrs in page.tags:
        if tag == "meta" and key in (attrs.get("property"), attrs.get("name")):
            return attrs.get("content")
    return None


def test_a_shared_link_shows_a_card_with_the_committed_picture(client, collected_static, settings):
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    page = parse(client.get("/en/", HTTP_HOST="tracker.example.org").content.decode())
    image = meta(page, "og:image")
    assert image.startswith("http://tracker.example.org/static/icons/share-card.")
    assert image.endswith(".png")
    assert meta(page, "twitter:image") == image
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "og:url") == "http://tracker.example.org/en/"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:title") == meta(page, "twitter:title") == "Where is Santa? The live Santa tracker"
    picture = client.get(image.removeprefix("http://tracker.example.org"))
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_page_carries_the_rule_not_the_route(client, collected_static, settings):
    settings.TRACKER_ROUTE_DEADLINE = "26:00"
    settings.TRACKER_ROUTE_NIGHT = dt.date(2026, 12, 24)
    html = client.get("/en/").content.decode()
    assert 'data-deadline-minutes="1560"' in html
    assert 'data-night="2026-12-24"' in html


def settings_with(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with extra environment variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_TILE")} | environment
    code = "from tracker import settings; print(' '.join(settings.SECURE_CSP['img-src']))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_a_tile_url_adds_its_host_to_img_src_and_needs_https_and_an_attribution():
    done = settings_with(
        {"TRACKER_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png", "TRACKER_TILE_ATTRIBUTION": "© Example"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "'self' data: https://*.tile.example.org"
    insecure = settings_with({"TRACKER_TILE_URL": "http://tiles.example.org/{z}/{x}/{y}.png"})
    assert "TRACKER_TILE_URL must be an https URL template" in insecure.stderr
    uncredited = settings_with({"TRACKER_TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"})
    assert "TRACKER_TILE_ATTRIBUTION is required" in uncredited.stderr
