// The basemap's shapes: projected ahead of time, turned into one path, painted once per world copy in view.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { copiesInView, landRings, landRingsInSlices } from "../../static/js/basemap.js";
import { RecordedPath } from "./recorded-path.mjs";

test("a ring's steps from its first point add up to the points, in zoom-0 pixels", () => {
  const [ring] = landRings({ scale: 100, rings: [[12800, 6400, 100, 0, 0, -250]] }, () => new RecordedPath());
  assert.deepEqual(ring.path.steps, [["M", 128, 64], ["L", 129, 64], ["L", 129, 61.5], ["Z"]]);
  assert.deepEqual(ring.box, { left: 128, top: 61.5, right: 129, bottom: 64 });
});

test("the committed shapes lie within the world's 256 pixels, Fiji and Russia running on past 180°", () => {
  const projected = JSON.parse(readFileSync(new URL("../../static/map/countries-110m.json", import.meta.url)));
  const rings = landRings(projected, () => new RecordedPath());
  const points = rings.flatMap((ring) => ring.path.steps).filter((step) => step[0] !== "Z");
  assert.ok(points.length > 10_000, points.length);
  const xs = points.map((step) => step[1]);
  const ys = points.map((step) => step[2]);
  assert.ok(Math.min(...ys) > -0.01 && Math.max(...ys) < 256.01, `${Math.min(...ys)} ${Math.max(...ys)}`);
  // Unwrapped rings cross the right edge (x > 256) instead of jumping back to the left.
  assert.ok(Math.max(...xs) > 256 && Math.max(...xs) < 300, Math.max(...xs));
  assert.ok(Math.min(...xs) >= -1);
});

test("only the world copies that meet the canvas are painted", () => {
  // Zoomed in on Toronto: the one world in the middle.
  assert.deepEqual(copiesInView(-1000, 2048, 400), [0]);
  // The seam at 180° in view: this world and the one to its right.
  assert.deepEqual(copiesInView(-1900, 2048, 400), [0, 1]);
  // One world exactly as wide as the map, shifted a little: the one to its left shows at the edge.
  assert.deepEqual(copiesInView(30, 390, 390), [-1, 0]);
});

test("the committed shapes made into paths a slice a task give the same rings as all at once", async () => {
  const projected = JSON.parse(readFileSync(new URL("../../static/map/countries-110m.json", import.meta.url)));
  let pauses = 0;
  const sliced = await landRingsInSlices(projected, {
    newPath: () => new RecordedPath(),
    pause: async () => {
      pauses += 1;
    },
  });
  assert.deepEqual(sliced, landRings(projected, () => new RecordedPath()));
  // About 10,600 points, at most 1,500 a slice (a ring is never split): eight slices or more, seven pauses or more.
  assert.ok(pauses >= 7 && pauses < 20, pauses);
});
