// The route's rule from the viewer's own time zone, and the distance to Santa, both in the browser only.
import assert from "node:assert/strict";
import { test } from "node:test";

import { distanceKm } from "../../static/js/geo.js";
import { instantOfWallTime, zoneDeadline } from "../../static/js/viewer.js";

const TEN_PM = 22 * 60;

test("on Christmas Eve in Berlin, Santa is due before 10 pm tonight, that is 21:00 UTC", () => {
  const rule = zoneDeadline({
    routeMs: Date.parse("2026-12-24T15:00:00Z"),
    night: "",
    deadlineMinutes: TEN_PM,
    timeZone: "Europe/Berlin",
  });
  assert.equal(rule.kind, "tonight");
  assert.equal(new Date(rule.at).toISOString(), "2026-12-24T21:00:00.000Z");
});

test("weeks ahead it names the date; after 10 pm in the viewer's zone he has been through", () => {
  const ahead = zoneDeadline({
    routeMs: Date.parse("2026-11-30T18:00:00Z"),
    night: "",
    deadlineMinutes: TEN_PM,
    timeZone: "America/Toronto",
  });
  assert.equal(ahead.kind, "on");
  assert.equal(new Date(ahead.at).toISOString(), "2026-12-25T03:00:00.000Z");
  const after = zoneDeadline({
    routeMs: Date.parse("2026-12-25T03:00:00Z"),
    night: "2026-12-24",
    deadlineMinutes: TEN_PM,
    timeZone: "America/Toronto",
  });
  assert.equal(after.kind, "passed");
});

test("once Santa's stop is west of the viewer's zone he has been through it, before 10 pm there", () => {
  const at = (santaZone) =>
    zoneDeadline({
      routeMs: Date.parse("2026-12-24T20:30:00Z"), // 21:30 in Paris
      night: "2026-12-24",
      deadlineMinutes: TEN_PM,
      timeZone: "Europe/Paris",
      santaZone,
    }).kind;
  assert.equal(at("Atlantic/Cape_Verde"), "passed"); // Praia, an hour behind Paris
  assert.equal(at("Europe/London"), "passed");
  assert.equal(at("Europe/Berlin"), "tonight"); // in the viewer's own offset: on his way through
  assert.equal(at("Europe/Moscow"), "tonight");
  assert.equal(at(null), "tonight");
});

test("at take-off, Santa at UTC+14 has not been through a zone at UTC+13:45", () => {
  const rule = zoneDeadline({
    routeMs: Date.parse("2026-12-24T04:05:00Z"),
    night: "2026-12-24",
    deadlineMinutes: TEN_PM,
    timeZone: "Pacific/Chatham",
    santaZone: "Pacific/Kiritimati",
  });
  assert.equal(rule.kind, "tonight");
});

test("a deadline past midnight (26:00) falls on the next morning, so it is not 'tonight'", () => {
  const rule = zoneDeadline({
    routeMs: Date.parse("2026-12-24T12:00:00Z"),
    night: "2026-12-24",
    deadlineMinutes: 26 * 60,
    timeZone: "UTC",
  });
  assert.equal(rule.kind, "on");
  assert.equal(new Date(rule.at).toISOString(), "2026-12-25T02:00:00.000Z");
});

test("a wall time maps to its instant across a change of offset", () => {
  // Sydney is UTC+11 in December.
  assert.equal(new Date(instantOfWallTime(Date.parse("2026-12-24T22:00:00Z"), "Australia/Sydney")).toISOString(), "2026-12-24T11:00:00.000Z");
});

test("London to Toronto is about 5,700 km along the great circle", () => {
  const km = distanceKm([51.5074, -0.1278], [43.6532, -79.3832]);
  assert.ok(Math.abs(km - 5_705) < 15, String(km));
});
