"""The presents counter runs up while Santa is at a stop and never shows more than the due stops deliver."""

import datetime as dt
import itertools

import pytest

from tests.browser.map_pages import ARRIVALS, FIRST, PLACES, open_map, rehearse, wait_for_visited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reads the counter every 40 ms for `ms` milliseconds, with this browser's clock at each reading.
SAMPLE_SCRIPT = """
(ms) => new Promise((done) => {
  const samples = [];
  const started = Date.now();
  const timer = setInterval(() => {
    samples.push({ at: Date.now(), text: document.getElementById("presents").textContent });
    if (Date.now() - started >= ms) {
      clearInterval(timer);
      done(samples);
    }
  }, 40);
})
"""
TOTALS = list(itertools.accumulate(int(place[4]) for place in PLACES))


def due_presents(route_time: dt.datetime) -> int:
    """The sum of presents over the stops due at `route_time` (arrival at or before it)."""
    due = sum(arrival <= route_time for arrival in ARRIVALS)
    return TOTALS[due - 1] if due else 0


def test_the_counter_runs_up_over_each_stay_and_never_shows_more_than_the_due_stops(browser, site, hop_route, settings):
    # Hamilton is due; at 60x a stay of four route minutes lasts four wall seconds.
    rehearsal = rehearse(settings, FIRST + dt.timedelta(minutes=8, seconds=30), speed=60)
    context = browser.new_context()
    try:
        opened = open_map(context, site)
        wait_for_visited(opened, 3, timeout_s=10)
        samples = opened.page.evaluate(SAMPLE_SCRIPT, 9000)
        shown = []
        for sample in samples:
            value = int(sample["text"].replace(",", ""))
            wall = dt.datetime.fromtimestamp(sample["at"] / 1000, dt.UTC)
            route_time = rehearsal.start + (wall - rehearsal.anchor) * rehearsal.speed
            assert value <= due_presents(route_time), (sample, route_time)
            shown.append(value)
        assert shown == sorted(shown), "the counter went backwards"
        # It crossed at least two hops, and inside a stay it showed totals between the stop's two ends.
        crossed = [total for total in TOTALS if shown[0] < total <= shown[-1]]
        assert len(crossed) >= 2, (shown[0], shown[-1])
        between = [value for value in shown if value not in TOTALS]
        assert len(set(between)) >= 20, "the counter jumped instead of running up"
        assert opened.errors == []
    finally:
        context.close()
