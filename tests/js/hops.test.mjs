// Hop scheduling: ask at each hop (plus a small spread), at least once per cache cap, and recover.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RouteClock } from "../../static/js/clock.js";
import {
  EARLY_RETRY_MS,
  HOP_DELAY_MS,
  HOP_SPREAD_MS,
  HopScheduler,
  SLEEP_GAP_MS,
  maxAgeOf,
  planNextCheck,
  trailAction,
} from "../../static/js/hops.js";

const HOP = Date.parse("2026-12-25T01:17:00Z");
// This browser's clock is 10 minutes behind the server's; the route runs at 60x.
const clock = new RouteClock({ localAt: 0, routeAt: HOP - 120_000, speed: 60 });
const answerWith = (nextHop) => ({ revision: 1, visited: 3, next_hop_at: nextHop && new Date(nextHop).toISOString() });

test("max-age is read from Cache-Control", () => {
  assert.equal(maxAgeOf("public, max-age=47, s-maxage=47, stale-if-error=86400"), 47);
  assert.equal(maxAgeOf("no-store"), null);
  assert.equal(maxAgeOf(null), null);
});

test("the next check is just after the hop on the synced clock, within the spread", () => {
  for (const random of [() => 0, () => 0.5, () => 0.999]) {
    const plan = planNextCheck({ answer: answerWith(HOP), clock, received: 0, maxAge: 1, cap: 60, random });
    assert.equal(plan.reason, "hop");
    // 120 route seconds at 60x is 2 wall seconds.
    assert.ok(plan.at >= 2000 + HOP_DELAY_MS && plan.at < 2000 + HOP_DELAY_MS + HOP_SPREAD_MS, `${plan.at}`);
  }
});

test("a hop further away than the cap is preceded by a poll once per cap", () => {
  const farHop = HOP + 3_600_000 * 60; // 60 wall minutes away
  const plan = planNextCheck({ answer: answerWith(farHop), clock, received: 0, maxAge: 60, cap: 60, random: () => 0 });
  assert.equal(plan.reason, "poll");
  assert.ok(plan.at > 60_000 && plan.at < 61_000, `${plan.at}`);
});

test("a short max-age that ends before a near hop does not cause an extra request", () => {
  // 2.7 s to the hop: the server says max-age=2, yet asking at 2 s would only fetch the same answer again.
  const hop = HOP - 120_000 + 2700 * 60;
  const plan = planNextCheck({ answer: answerWith(hop), clock, received: 0, maxAge: 2, cap: 60, random: () => 0 });
  assert.equal(plan.reason, "hop");
  assert.ok(plan.at >= 2700);
});

test("after the last stop the map still polls once per cap", () => {
  const plan = planNextCheck({ answer: answerWith(null), clock, received: 500, maxAge: 3, cap: 3, random: () => 0 });
  assert.equal(plan.reason, "poll");
  assert.ok(plan.at > 3500 && plan.at < 4500, `${plan.at}`);
});

test("an answer that has not hopped yet although our clock says it should is asked again shortly", () => {
  const plan = planNextCheck({ answer: answerWith(HOP), clock, received: 5000, maxAge: 0, cap: 60, random: () => 0 });
  assert.deepEqual(plan, { at: 5000 + EARLY_RETRY_MS, reason: "early" });
});

test("the trail is fetched only for a new revision or missed hops; one hop appends", () => {
  const known = { revision: 1, count: 4 };
  assert.equal(trailAction(known, { revision: 1, visited: 4, current: {} }), "none");
  assert.equal(trailAction(known, { revision: 1, visited: 5, current: {} }), "append");
  assert.equal(trailAction(known, { revision: 2, visited: 4, current: {} }), "fetch");
  assert.equal(trailAction(known, { revision: 1, visited: 7, current: {} }), "fetch");
  assert.equal(trailAction({ revision: undefined, count: 0 }, { revision: 1, visited: 3, current: {} }), "fetch");
  assert.equal(trailAction({ revision: undefined, count: 0 }, { revision: 1, visited: 0, current: null }), "reset");
  assert.equal(trailAction({ revision: 1, count: 0 }, { revision: 1, visited: 0, current: null }), "none");
  assert.equal(trailAction(known, { revision: null, visited: 0, current: null }), "reset");
});

/** A scheduler on fake time: timers run when the test advances the clock. */
function harness({ answers, syncs = [] }) {
  let now = 0;
  const timers = [];
  const seen = [];
  const calls = { sync: 0, now: 0 };
  const scheduler = new HopScheduler({
    now: () => now,
    random: () => 0,
    cap: 60,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => timers.splice(timers.indexOf(timer), 1),
    sync: async () => {
      calls.sync += 1;
      return syncs.shift() ?? clock;
    },
    fetchNow: async () => {
      calls.now += 1;
      const next = answers.shift();
      if (next instanceof Error) {
        throw next;
      }
      return next;
    },
    onAnswer: async (answer) => {
      seen.push(answer);
    },
  });
  return {
    scheduler,
    seen,
    calls,
    timers,
    /** Move time to `to`, as a device does while asleep: nothing fires until then. */
    async advance(to) {
      now = to;
      for (const timer of timers.filter((each) => each.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

test("the scheduler syncs once, then asks now exactly once at each hop", async () => {
  const h = harness({
    answers: [
      { answer: answerWith(HOP), maxAge: 1 },
      { answer: answerWith(HOP + 60_000), maxAge: 0 },
      { answer: answerWith(HOP + 120_000), maxAge: 0 },
    ],
  });
  await h.scheduler.start();
  assert.deepEqual(h.calls, { sync: 1, now: 1 });
  assert.equal(h.timers.length, 1);
  assert.equal(h.timers[0].at, 2000 + HOP_DELAY_MS);
  await h.advance(2000 + HOP_DELAY_MS);
  assert.deepEqual(h.calls, { sync: 1, now: 2 });
  // The next hop is one route minute later: one wall second at 60x.
  assert.equal(h.timers[0].at, 3000 + HOP_DELAY_MS);
  await h.advance(3000 + HOP_DELAY_MS);
  assert.deepEqual(h.calls, { sync: 1, now: 3 });
});

test("a timer that fires long after its time (sleep) resyncs the clock before asking", async () => {
  const h = harness({
    answers: [
      { answer: answerWith(HOP), maxAge: 1 },
      { answer: answerWith(HOP + 3_600_000 * 30), maxAge: 60 },
    ],
  });
  await h.scheduler.start();
  await h.advance(2000 + HOP_DELAY_MS + SLEEP_GAP_MS + 1);
  assert.deepEqual(h.calls, { sync: 2, now: 2 });
});

test("a lost connection is retried with growing waits, and wake() asks at once", async () => {
  const h = harness({
    answers: [new Error("offline"), new Error("offline"), { answer: answerWith(HOP), maxAge: 1 }],
  });
  await h.scheduler.start();
  assert.equal(h.calls.now, 1);
  const firstWait = h.timers[0].at;
  assert.ok(firstWait >= 750 && firstWait <= 1250, `${firstWait}`);
  await h.advance(firstWait);
  assert.equal(h.calls.now, 2);
  const secondWait = h.timers[0].at - firstWait;
  assert.ok(secondWait >= 1500 && secondWait <= 2500, `${secondWait}`);
  await h.scheduler.wake();
  assert.equal(h.calls.now, 3);
  assert.equal(h.seen.length, 1);
  assert.equal(h.timers.length, 1);
});
