// Clock sync: several samples, the lowest round trip wins, the route's speed is honoured.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RouteClock, syncClock } from "../../static/js/clock.js";

/** A fake network: the server's route clock runs at `speed` from `routeAtZero`; each sample has its own delays. */
function fakeServer({ speed, routeAtZero, offset, delays }) {
  let local = 1_000_000;
  const samples = [...delays];
  return {
    now: () => local,
    fetchTime: async () => {
      const [up, down] = samples.shift();
      local += up;
      // The server's wall clock is the local clock plus `offset`.
      const answer = { now_ms: routeAtZero + (local + offset) * speed, speed };
      local += down;
      return answer;
    },
  };
}

test("the sample with the lowest round trip wins and its midpoint is taken", async () => {
  const server = fakeServer({
    speed: 1,
    routeAtZero: 0,
    offset: 600_000,
    delays: [
      [300, 20],
      [5, 5],
      [40, 400],
    ],
  });
  const clock = await syncClock({ ...server, samples: 3 });
  assert.equal(clock.roundTrip, 10);
  // The symmetric sample is exact: local time L is server time L + 10 minutes.
  assert.equal(clock.routeTime(2_000_000), 2_000_000 + 600_000);
});

test("an asymmetric round trip errs by at most half the round trip", async () => {
  const server = fakeServer({ speed: 1, routeAtZero: 0, offset: -600_000, delays: [[30, 2]] });
  const clock = await syncClock({ ...server, samples: 1 });
  const error = clock.routeTime(5_000_000) - (5_000_000 - 600_000);
  assert.ok(Math.abs(error) <= clock.roundTrip / 2, `error ${error} ms`);
});

test("a rehearsal at 60x runs the route 60 times faster and hops at the right wall moment", async () => {
  const server = fakeServer({ speed: 60, routeAtZero: -59_000_000, offset: 123_456, delays: [[4, 4], [1, 1], [9, 2]] });
  const clock = await syncClock({ ...server, samples: 3 });
  const local = server.now();
  const route = clock.routeTime(local);
  assert.equal(clock.routeTime(local + 1000) - route, 60_000);
  // A hop one route hour ahead comes one wall minute later.
  assert.equal(clock.wallUntil(route + 3_600_000, local), 60_000);
});

test("a frozen clock never reaches a later hop", () => {
  const clock = new RouteClock({ localAt: 0, routeAt: 1000, speed: 0 });
  assert.equal(clock.localTime(2000), Infinity);
  assert.equal(clock.routeTime(99_999), 1000);
});

test("failed samples are skipped, and sync fails only when every sample failed", async () => {
  let calls = 0;
  const clock = await syncClock({
    now: () => 0,
    samples: 3,
    fetchTime: async () => {
      calls += 1;
      if (calls < 3) {
        throw new Error("offline");
      }
      return { now_ms: 42, speed: 1 };
    },
  });
  assert.equal(clock.routeTime(0), 42);
  await assert.rejects(
    syncClock({ now: () => 0, samples: 2, fetchTime: async () => Promise.reject(new Error("offline")) }),
    /offline/,
  );
});
