// The viewer's own place and time zone, used only in this browser: nothing here is ever sent anywhere.

import { intl } from "./format.js";

const DAY_MS = 86_400_000;
// How often the viewer's zone is read again (a laptop carried across a border), in wall ms.
const ZONE_FRESH_MS = 60_000;

/** The offset (ms) of IANA zone `timeZone` from UTC at instant `ms`. */
function zoneOffset(ms, timeZone) {
  const parts = intl(Intl.DateTimeFormat, "en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const value = Object.fromEntries(parts.map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(value.year, value.month - 1, value.day, value.hour, value.minute, value.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` reads `wall` (a wall time written as UTC ms). */
export function instantOfWallTime(wall, timeZone) {
  let instant = wall - zoneOffset(wall, timeZone);
  // Once more, in case the first guess fell on the other side of a change of offset.
  instant = wall - zoneOffset(instant, timeZone);
  return instant;
}

/** The wall date (UTC ms of its midnight) in `timeZone` at instant `ms`. */
function wallDate(ms, timeZone) {
  const wall = ms + zoneOffset(ms, timeZone);
  return wall - (((wall % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * The route's rule seen from the viewer's zone: every stop arrives before the deadline, local time, on the
 * night. `night` is "YYYY-MM-DD" or empty (24 December of the year it is in the viewer's zone at `routeMs`);
 * `deadlineMinutes` counts from the midnight that starts the night (1320 is 10 pm; 1560 is 2 am next day).
 * `santaZone` is the zone of Santa's stop now, when he is at one: the night flies west, so once his stop's clock
 * is behind the viewer's he has been through the viewer's zone, before 10 pm there (Paris at 21:30 with Santa in
 * Praia, an hour behind).
 * Returns {kind: "tonight"|"on"|"passed", deadline: wall time as UTC ms, at: the instant}.
 */
export function zoneDeadline({ routeMs, night, deadlineMinutes, timeZone, santaZone = null }) {
  const today = wallDate(routeMs, timeZone);
  let start;
  if (/^\d{4}-\d{2}-\d{2}$/.test(night ?? "")) {
    start = Date.parse(`${night}T00:00:00Z`);
  } else {
    start = Date.UTC(new Date(today).getUTCFullYear(), 11, 24);
  }
  const deadline = start + deadlineMinutes * 60_000;
  const at = instantOfWallTime(deadline, timeZone);
  if (routeMs >= at || (santaZone && zoneOffset(routeMs, santaZone) < zoneOffset(routeMs, timeZone))) {
    return { kind: "passed", deadline, at };
  }
  return { kind: today === start && deadline - start <= DAY_MS ? "tonight" : "on", deadline, at };
}

let zone = { name: null, readAt: -Infinity };

/**
 * The viewer's IANA time zone as the browser knows it ("Europe/Berlin"); "UTC" when it does not say. Read at
 * most once a minute (wall ms `now`): reading it makes a formatter, which the card's ticker cannot afford 4 times
 * a second on a phone.
 */
export function viewerTimeZone(now = Date.now()) {
  if (Math.abs(now - zone.readAt) >= ZONE_FRESH_MS) {
    zone = { name: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", readAt: now };
  }
  return zone.name;
}
