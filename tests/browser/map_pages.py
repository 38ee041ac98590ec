"""Opening the live map in Chromium and reading what it shows, for the browser tests."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from timezonefinder import TimezoneFinder

from locations.clock import Rehearsal, wall_now
from locations.models import Revision, Stop
from locations.sync import make_live

_zones = TimezoneFinder()

# Runs before the page's own scripts: records Content Security Policy violations and, for each change of
# what the map shows (revision, stop count), this page's clock reading (Playwright's clock may be skewed).
WATCH_SCRIPT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
window.__shown = [];
new MutationObserver(() => {
  const tracker = document.getElementById("tracker");
  const place = document.getElementById("card-place");
  window.__shown.push({
    at: Date.now(),
    revision: tracker.dataset.revision,
    visited: Number(tracker.dataset.visited),
    status: tracker.dataset.status,
    place: place ? place.textContent : "",
  });
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-visited", "data-revision"] });
"""


@dataclass
class OpenMap:
    """One open map: its page, everything it requested, and any errors it logged."""

    page: object
    skew: float = 0.0
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def visited(self) -> int | None:
        """The stop count the map shows, or None before its first answer."""
        value = self.page.get_attribute("#tracker", "data-visited")
        return None if value is None else int(value)

    def shown(self) -> list[dict]:
        """Each change the map made, with the real wall time (ms) at which it made it."""
        return [{**entry, "at": entry["at"] - self.skew * 1000} for entry in self.page.evaluate("window.__shown")]

    def csp_violations(self) -> list[str]:
        """Content Security Policy violations the page reported."""
        return self.page.evaluate("window.__csp")

    def api_requests(self, start: int = 0) -> list[str]:
        """The paths of requests after the `start`-th, without the origin."""
        return [url.split("/", 3)[3] for url in self.requests[start:]]

    def repeated_static(self) -> dict[str, int]:
        """Static files requested more than once."""
        counts = Counter(url for url in self.requests if "/static/" in url)
        return {url: n for url, n in counts.items() if n > 1}


def open_map(context: object, site: str, *, language: str = "en", skew: float = 0.0, wait: bool = True) -> OpenMap:
    """Open the map at `site`/`language`/ in a new page of `context`, recording requests and errors; wait for its
    first answer."""
    page = context.new_page()
    opened = OpenMap(page, skew)
    page.add_init_script(WATCH_SCRIPT)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(f"{site}/{language}/")
    if wait:
        page.wait_for_selector("#tracker[data-visited]", state="attached", timeout=15_000)
    return opened


def wait_for_visited(opened: OpenMap, visited: int, timeout_s: float) -> None:
    """Wait (bounded) until the map shows at least `visited` stops."""
    opened.page.wait_for_function(
        "(n) => Number(document.getElementById('tracker').dataset.visited) >= n", arg=visited, timeout=timeout_s * 1000
    )


def rehearse(settings: object, route_time: dt.datetime, speed: float) -> Rehearsal:
    """Make the server's route clock read `route_time` now and run at `speed`, as a rehearsal does."""
    rehearsal = Rehearsal(start=route_time, anchor=wall_now(), speed=speed)
    settings.TRACKER_CLOCK = rehearsal
    return rehearsal


def wall_time_of(rehearsal: Rehearsal, route_time: dt.datetime) -> float:
    """The real wall time (Unix seconds) at which the rehearsal's route clock reaches `route_time`."""
    return (rehearsal.anchor + (route_time - rehearsal.start) / rehearsal.speed).timestamp()


@transaction.atomic
def publish_unchecked(rows: list[list[str]], number: int, changes: dict[str, dict[str, str]]) -> Revision:
    """Make live a revision written straight to the tables, as one from before the checks existed might be."""
    revision = Revision.objects.create(
        number=number,
        source="old.csv",
        source_kind="csv",
        checksum="0" * 64,
        synced_by="test",
        night=dt.date(2026, 12, 24),
    )
    for index, (city, region, country, lat, lng, arrival, presents, fact, notes) in enumerate(rows):
        values = {"country": country, "timezone": _zones.timezone_at(lat=float(lat), lng=float(lng))}
        values |= changes.get(city, {})
        Stop.objects.create(
            revision=revision,
            index=index,
            row=index + 2,
            city=city,
            region=region,
            country=values["country"],
            latitude=float(lat),
            longitude=float(lng),
            arrival=dt.datetime.fromisoformat(arrival.replace("Z", "+00:00")),
            timezone=values["timezone"],
            presents=int(presents or 0),
            fact=fact,
            notes=notes,
        )
    make_live(revision)
    return revision


# Moments on the sample route (data/sample-route.csv): before take-off, Toronto reached, all done.
SAMPLE_STATES = {
    # Weeks ahead: 23 days and 5 hours before Santa takes off from Kiritimati.
    "weeks": dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC),
    "waiting": dt.datetime(2026, 12, 24, 3, 44, tzinfo=dt.UTC),
    # A minute and a half after Santa reaches Toronto, at 7:30 pm there; Chicago is next, at 7:33 pm Toronto time.
    "flying": dt.datetime(2026, 12, 25, 0, 31, 31, tzinfo=dt.UTC),
    # Four seconds before Santa leaves Ottawa for Toronto (stop 321 of 370).
    "hop": dt.datetime(2026, 12, 25, 0, 29, 57, tzinfo=dt.UTC),
    "finished": dt.datetime(2026, 12, 25, 8, 0, tzinfo=dt.UTC),
}


def put_in_state(settings: object, state: str) -> Rehearsal:
    """Set the server's route clock to one of SAMPLE_STATES, running at real speed."""
    return rehearse(settings, SAMPLE_STATES[state], speed=1)


# Fifteen New Zealand stops four route minutes apart, all before 22:00 local: at 60x, a hop every 4 s.
FIRST = dt.datetime(2026, 12, 24, 8, 0, tzinfo=dt.UTC)
GAP = dt.timedelta(minutes=4)
PLACES = [
    ("Whangārei", "Northland", "-35.7251", "174.3237", "50000"),
    ("Auckland", "Auckland", "-36.8485", "174.7633", "1400000"),
    ("Hamilton", "Waikato", "-37.7870", "175.2793", "150000"),
    ("Tauranga", "Bay of Plenty", "-37.6878", "176.1651", "130000"),
    ("Rotorua", "Bay of Plenty", "-38.1368", "176.2497", "55000"),
    ("Gisborne", "Gisborne", "-38.6623", "178.0176", "35000"),
    ("Napier", "Hawke's Bay", "-39.4928", "176.9120", "60000"),
    ("New Plymouth", "Taranaki", "-39.0556", "174.0752", "58000"),
    ("Palmerston North", "Manawatū-Whanganui", "-40.3523", "175.6082", "80000"),
    ("Wellington", "Wellington", "-41.2866", "174.7756", "200000"),
    ("Nelson", "Nelson", "-41.2706", "173.2840", "50000"),
    ("Christchurch", "Canterbury", "-43.5321", "172.6362", "380000"),
    ("Queenstown", "Otago", "-45.0312", "168.6626", "16000"),
    ("Dunedin", "Otago", "-45.8788", "170.5028", "120000"),
    ("Invercargill", "Southland", "-46.4132", "168.3538", "50000"),
]
ARRIVALS = [FIRST + GAP * i for i in range(len(PLACES))]


def hop_rows(fact: str = "") -> list[list[str]]:
    """The route as sheet rows."""
    return [
        [city, region, "NZ", lat, lng, arrival.isoformat().replace("+00:00", "Z"), presents, fact, ""]
        for (city, region, lat, lng, presents), arrival in zip(PLACES, ARRIVALS, strict=True)
    ]
