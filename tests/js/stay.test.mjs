// The presents counter between hops: it runs up over the stay and never shows more than is due.
import assert from "node:assert/strict";
import { test } from "node:test";

import { presentsAt } from "../../static/js/stay.js";

const AT_TORONTO = {
  status: "flying",
  presents_delivered: 1_000_000,
  current: { arrival: "2026-12-25T02:10:00Z", presents: 400_000 },
  next_hop_at: "2026-12-25T02:12:00Z",
};

test("on arrival the counter shows the total before the stop, at the next hop the total with it", () => {
  assert.equal(presentsAt(AT_TORONTO, Date.parse("2026-12-25T02:10:00Z")), 600_000);
  assert.equal(presentsAt(AT_TORONTO, Date.parse("2026-12-25T02:11:00Z")), 800_000);
  assert.equal(presentsAt(AT_TORONTO, Date.parse("2026-12-25T02:12:00Z")), 1_000_000);
});

test("it never runs past the due stops' sum, however late the next answer is", () => {
  for (const at of ["2026-12-25T02:09:00Z", "2026-12-25T02:30:00Z", "2027-01-01T00:00:00Z"]) {
    const shown = presentsAt(AT_TORONTO, Date.parse(at));
    assert.ok(shown >= 600_000 && shown <= 1_000_000, `${at}: ${shown}`);
  }
  assert.equal(presentsAt({ ...AT_TORONTO, current: { ...AT_TORONTO.current, presents: 5_000_000 } }, 0), 0);
});

test("before take-off and after the last stop it shows the answer's total", () => {
  assert.equal(presentsAt({ status: "waiting", presents_delivered: 0, current: null, next_hop_at: null }, 0), 0);
  const finished = { ...AT_TORONTO, status: "finished", next_hop_at: null };
  assert.equal(presentsAt(finished, Date.parse("2026-12-25T02:10:00Z")), 1_000_000);
});
