// The trail's canvas geometry: stops projected once as Leaflet projects them, a hop adding one arc and one dot.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Trail, worldPixel } from "../../static/js/trail.js";
import { RecordedPath } from "./recorded-path.mjs";

const KIRITIMATI = { lat: 1.98, lng: -157.47 };
const TONGA = { lat: -21.14, lng: -175.2 };
const AUCKLAND = { lat: -36.85, lng: 174.76 };
const SYDNEY = { lat: -33.87, lng: 151.21 };

const close = (actual, expected) =>
  assert.ok(
    actual.every((value, i) => Math.abs(value - expected[i]) < 1e-6),
    `${actual} is not ${expected}`,
  );

test("places land on Leaflet's zoom-0 Web Mercator pixels", () => {
  close(worldPixel([0, 0]), [128, 128]);
  close(worldPixel([0, -180]), [0, 128]);
  // Leaflet's projection stops at 85.0511°: the top of the world, and the North Pole is held there too.
  close(worldPixel([85.0511287798, 0]), [128, 0]);
  close(worldPixel([90, 0]), [128, 0]);
  // Toronto, as L.CRS.EPSG3857.latLngToPoint([43.6532, -79.3832], 0) gives it.
  close(worldPixel([43.6532, -79.3832]), [71.54972444444445, 93.42848401953046]);
});

test("a hop adds one arc and one dot; a new list of stops (another revision) is drawn again from the first", () => {
  const trail = new Trail(() => new RecordedPath());
  const night = [KIRITIMATI, TONGA, AUCKLAND];
  trail.show(night);
  assert.equal(trail.dots.length, 3);
  const steps = trail.line.steps.length;
  const path = trail.line;
  trail.show([...night, SYDNEY]);
  assert.equal(trail.line, path, "the same path, grown");
  assert.equal(trail.dots.length, 4);
  assert.deepEqual(trail.line.steps.slice(0, steps), path.steps.slice(0, steps));
  assert.ok(trail.line.steps.length > steps);

  trail.show([{ ...KIRITIMATI }, { ...TONGA }]);
  assert.notEqual(trail.line, path, "drawn again");
  assert.equal(trail.dots.length, 2);
  trail.show([]);
  assert.equal(trail.dots.length, 0);
  assert.equal(trail.line.steps.length, 0);
});

test("flights join into one line that runs on past the antimeridian, and starts again from Auckland's dot", () => {
  const trail = new Trail(() => new RecordedPath());
  trail.show([KIRITIMATI, TONGA, AUCKLAND, SYDNEY]);
  const moves = trail.line.steps.filter(([kind]) => kind === "M");
  // Kiritimati to Tonga to Auckland is one line, west past -180 (x < 0); from Auckland it starts again at x > 0.
  assert.equal(moves.length, 2);
  close(moves[0].slice(1), worldPixel([KIRITIMATI.lat, KIRITIMATI.lng]));
  close(moves[1].slice(1), worldPixel([AUCKLAND.lat, AUCKLAND.lng]));
  assert.ok(trail.box.left < 0, trail.box.left);
  // Every dot lies within the middle world.
  assert.ok(trail.dots.every(([x]) => x >= 0 && x < 256));
  // At zoom 3 (8 css px per zoom-0 px), on a canvas 400 px wide: over Asia only the middle world holds the trail;
  // with the middle world's west edge (-180°) 200 px in, the world to its left shows New Zealand as well.
  const scale = 8;
  assert.deepEqual(trail.copiesInView(-1000, scale, 400, 6), [0]);
  assert.deepEqual(trail.copiesInView(200, scale, 400, 6), [-1, 0]);
  // With its east edge 100 px in, the world to its right shows the line past -180°.
  assert.deepEqual(trail.copiesInView(100 - 256 * scale, scale, 400, 6), [0, 1]);
});
