// Great circles across the antimeridian, for the trail and the flight.
import assert from "node:assert/strict";
import { test } from "node:test";

import { angularDistance, greatCircle, trailLines, wrapLongitude } from "../../static/js/geo.js";

test("a flight from Tonga to Auckland crosses the antimeridian instead of the whole world", () => {
  const points = greatCircle([-21.14, -175.2], [-36.85, 174.76]);
  const lngs = points.map(([, lng]) => lng);
  assert.ok(Math.min(...lngs) >= -185.3 && Math.max(...lngs) <= -175.2, lngs.join(" "));
  assert.deepEqual(points[0], [-21.14, -175.2]);
  assert.equal(wrapLongitude(points.at(-1)[1]), 174.76);
});

test("the great circle from London to Toronto bows north of both", () => {
  const points = greatCircle([51.5, -0.13], [43.65, -79.38]);
  const highest = Math.max(...points.map(([lat]) => lat));
  assert.ok(highest > 53, `highest latitude ${highest}`);
  assert.ok(Math.abs(angularDistance([51.5, -0.13], [43.65, -79.38]) - 51.3) < 0.5);
});

test("the trail joins flights into one line and draws the part past the edge on the other side too", () => {
  const stops = [
    { lat: 1.98, lng: -157.47 },
    { lat: -21.14, lng: -175.2 },
    { lat: -36.85, lng: 174.76 },
    { lat: -33.87, lng: 151.21 },
  ];
  const [toAuckland, toSydney, copy, ...more] = trailLines(stops);
  assert.equal(more.length, 0);
  // Kiritimati to Auckland runs on west of -180; from Auckland on the map the line starts again at 174.76.
  assert.deepEqual(toAuckland.at(-1), [-36.85, 174.76 - 360]);
  assert.deepEqual(toSydney[0], [-36.85, 174.76]);
  assert.deepEqual(toSydney.at(-1), [-33.87, 151.21]);
  // The part past the edge is drawn again on the east side, meeting the line from Auckland.
  assert.equal(copy.length, toAuckland.length);
  assert.ok(Math.abs(copy.at(-1)[1] - 174.76) < 1e-9);
});
