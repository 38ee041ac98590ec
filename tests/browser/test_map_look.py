"""Readable everywhere: the trail stands out on land and sea, the figures never run together, countries as
people say them."""

import datetime as dt
import re

import pytest

from tests.browser.map_pages import open_map, put_in_state, rehearse

pytestmark = [pytest.mark.browser]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Long figures: two billion presents and twelve thousand stops, in the page's own number format.
MEASURE_FIGURES = """
() => {
  const language = document.documentElement.lang;
  const presents = document.getElementById("presents");
  const stops = document.getElementById("stops");
  presents.textContent = new Intl.NumberFormat(language).format(2345678901);
  stops.textContent = new Intl.NumberFormat(language).format(12345);
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  };
  const card = document.getElementById("card-heading").parentElement;
  return {
    presents: box(presents), stops: box(stops), card: box(card),
    labels: [...document.querySelectorAll(".tally dt")].map(box),
    overflowing: [presents, stops].some((e) => e.scrollWidth > e.clientWidth + 1),
    presentsLines: Math.round(
      presents.getBoundingClientRect().height / parseFloat(getComputedStyle(presents).lineHeight),
    ),
  };
}
"""


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance)."""
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    """'rgb(29, 79, 138)' as a tuple; fails on anything with transparency."""
    match = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", css)
    assert match, css
    return tuple(int(part) for part in match.groups())


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes share any area."""
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_contrast_of_these_helpers_matches_wcag_examples():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54


def test_the_trail_has_at_least_3_to_1_contrast_over_land_and_over_sea(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context()
    try:
        page = open_map(context, site).page
        page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=10_000)
        # The trail is painted in the frame after the page has shown the stop.
        page.wait_for_selector("#tracker[data-status=flying]", state="attached", timeout=10_000)
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        style = page.evaluate(
            """() => {
              const css = (selector) => getComputedStyle(document.querySelector(selector));
              // A canvas's colours as it really painted them, most common first: [[colour, opaque], ...].
              const drawn = (selector) => {
                const canvas = document.querySelector(selector);
                const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
                const counts = new Map();
                for (let i = 0; i < pixels.length; i += 4) {
                  if (pixels[i + 3] > 0) {
                    const key = Array.from(pixels.slice(i, i + 4)).join(",");
                    counts.set(key, (counts.get(key) ?? 0) + 1);
                  }
                }
                return [...counts].sort((a, b) => b[1] - a[1]).map(([key]) => {
                  const [red, green, blue, alpha] = key.split(",");
                  return [`rgb(${red}, ${green}, ${blue})`, alpha === "255" ? "1" : "less"];
                });
              };
              // The map's one canvas (static/js/basemap.js, trail.js): the land is its most common colour; the
              // trail's two colours, as the stylesheet gives them, must be among those it drew, opaque.
              const drawing = drawn("canvas.land.trail");
              const [land] = drawing;
              const asRgb = (value) => {
                const probe = document.createElement("i");
                probe.style.color = value;
                document.body.append(probe);
                const rgb = getComputedStyle(probe).color;
                probe.remove();
                return rgb;
              };
              const colour = (property) => {
                const wanted = asRgb(css("canvas.trail").getPropertyValue(property));
                const found = drawing.find(([drawnColour, opaque]) => drawnColour === wanted && opaque === "1");
                return found ?? ["not drawn", ""];
              };
              const [core, coreOpacity] = colour("--trail-line");
              const [casing, casingOpacity] = colour("--trail-casing");
              return {
                core, coreOpacity, casing, casingOpacity,
                land: land[0], landOpacity: land[1],
                sea: css(".leaflet-container").backgroundColor,
              };
            }"""
        )
        assert style["coreOpacity"] == style["casingOpacity"] == style["landOpacity"] == "1", style
        core, casing, land, sea = (rgb(style[key]) for key in ("core", "casing", "land", "sea"))
        for background in (land, sea):
            assert max(contrast(core, background), contrast(casing, background)) >= 3, (style, background)
        # The gold line must also stand out from its own casing, or the two would read as one dull line.
        assert contrast(core, casing) >= 3, style
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", ["en", "de"])
def test_long_figures_never_run_together_at_any_width(browser, site, sample_route, settings, viewport, language):
    put_in_state(settings, "flying")
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = open_map(context, site, language=language).page
        assert page.get_attribute("html", "lang") == language
        figures = page.evaluate(MEASURE_FIGURES)
        assert not overlap(figures["presents"], figures["stops"]), figures
        assert not any(overlap(label, figures["presents"]) for label in figures["labels"][1:]), figures
        assert not figures["overflowing"], figures
        # Each figure keeps to one line, inside the card.
        assert figures["presentsLines"] == 1, figures
        for key in ("presents", "stops"):
            assert figures["card"]["left"] <= figures[key]["left"] <= figures[key]["right"] <= figures["card"]["right"]
    finally:
        context.close()


@pytest.mark.parametrize(("language", "congo"), [("en", "Congo - Kinshasa"), ("de", "Kongo-Kinshasa")])
def test_countries_are_named_as_people_say_them_by_the_browser_in_the_page_language(
    browser, site, sample_route, settings, language, congo
):
    # Half a minute after Santa reaches Asunción, 76 stops after Kinshasa.
    rehearse(settings, dt.datetime(2026, 12, 24, 23, 9, 51, tzinfo=dt.UTC), speed=1)
    context = browser.new_context()
    try:
        page = open_map(context, site, language=language).page
        page.wait_for_selector("#tracker[data-status=flying]", state="attached", timeout=10_000)
        place = page.inner_text("#card-place")
        assert place.startswith("Asunción, Paraguay ·"), place
        # Kinshasa is long before the newest ten: the whole night's list opens with the button below it.
        assert page.locator("#visited-list li").count() == 10
        page.click("#visited-all")
        assert page.get_attribute("#visited-all", "aria-expanded") == "true"
        assert page.locator("#visited-list li").count() > 40
        kinshasa = page.locator("#visited-list li", has_text="Kinshasa").first.inner_text()
        assert kinshasa.startswith(f"Kinshasa, {congo} ·"), kinshasa
        assert "Republic" not in kinshasa
        # From the browser's own CLDR names, not a table shipped in the page.
        own = page.evaluate(f"new Intl.DisplayNames(['{language}'], {{type: 'region'}}).of('CD')")
        assert own == congo
    finally:
        context.close()
