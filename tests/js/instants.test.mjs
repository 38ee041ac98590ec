// An instant as ISO 8601 with Z: one function, to the second.
import assert from "node:assert/strict";
import { test } from "node:test";

import { isoSeconds } from "../../static/js/instants.js";

test("an instant is written in UTC to the second with Z", () => {
  assert.equal(isoSeconds(Date.UTC(2026, 11, 24, 21, 14, 0)), "2026-12-24T21:14:00Z");
});

test("a fraction of a second is dropped, never rounded up", () => {
  assert.equal(isoSeconds(Date.UTC(2026, 11, 24, 21, 14, 59, 999)), "2026-12-24T21:14:59Z");
});
