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

test("answers that keep showing a passed hop are asked again less and less often, up to the cap", () => {
  const waits = [0, 1, 2, 3, 8, 20].map(
    (early) =>
      planNextCheck({ answer: answerWith(HOP), clock, received: 5000, maxAge: 0, cap: 60, random: () => 0, early })
        .at - 5000,
  );
  assert.deepEqual(waits, [EARLY_RETRY_MS, 2 * EARLY_RETRY_MS, 4 * EARLY_RETRY_MS, 8 * EARLY_RETRY_MS, 60_000, 60_000]);
});

test("while a cache shows a passed answer (origin down), one viewer asks a few times per hop, then hops again", async () => {
  // Real time (speed 1), a hop every three minutes, the default cap. The cache answers as a CDN does:
  // the current answer while the origin is up, and the last one it had while the origin is down.
  const hopEvery = 180_000;
  const first = HOP;
  const realClock = new RouteClock({ localAt: 0, routeAt: first - 1000, speed: 1 });
  const answerAt = (local) => {
    const route = realClock.routeAt + local;
    const visited = Math.floor((route - first) / hopEvery) + 1;
    return { revision: 1, visited, next_hop_at: new Date(first + visited * hopEvery).toISOString() };
  };
  const outage = { from: 60_000, until: 60_000 + 4 * hopEvery };
  let last = null;
  let now = 0;
  const asked = [];
  const timers = [];
  const scheduler = new HopScheduler({
    now: () => now,
    random: () => 0.5,
    cap: 60,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => timers.splice(timers.indexOf(timer), 1),
    sync: async () => realClock,
    fetchNow: async () => {
      asked.push(now);
      const down = now >= outage.from && now < outage.until;
      if (!down || last === null) {
        // The origin's max-age runs to the next hop, at most the cap; the cache keeps its headers as they were.
        const answer = answerAt(now);
        const left = Date.parse(answer.next_hop_at) - (realClock.routeAt + now);
        last = { answer, maxAge: Math.max(0, Math.min(60, Math.floor(left / 1000))) };
      }
      return last;
    },
    onAnswer: async () => {},
  });
  await scheduler.start();
  const end = outage.until + 2 * hopEvery;
  for (let round = 0; round < 10_000 && timers.length > 0 && timers[0].at < end; round += 1) {
    const timer = timers.shift();
    now = timer.at;
    timer.fn();
    await new Promise((resolve) => setImmediate(resolve));
  }

  const perHop = new Map();
  for (const at of asked) {
    const hop = Math.floor((realClock.routeAt + at - first) / hopEvery);
    perHop.set(hop, (perHop.get(hop) ?? 0) + 1);
  }
  const hopsInOutage = [...perHop].filter(([hop]) => {
    const start = first + hop * hopEvery - realClock.routeAt;
    return start >= outage.from && start < outage.until;
  });
  assert.ok(hopsInOutage.length >= 3);
  // 250 ms doubling to the 60 s cap: at most 9 asks before the cap, then one a minute (three per hop here).
  for (const [hop, count] of hopsInOutage) {
    assert.ok(count <= 12, `hop ${hop}: ${count} requests`);
  }
  // Once the origin is back the viewer is at the current stop again and asks once per hop.
  const after = [...perHop].filter(([hop]) => first + hop * hopEvery - realClock.routeAt >= outage.until + hopEvery);
  assert.ok(after.length >= 1);
  for (const [, count] of after) {
    assert.ok(count <= 4, `${count} requests in a hop after the outage`);
  }
  assert.equal(last.answer.visited, answerAt(now).visited);
});
