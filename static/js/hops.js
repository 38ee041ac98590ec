// When to ask /api/v1/now next, and what the answer means for the trail.
// Every viewer asks just after each hop (its moment comes from next_hop_at on the synced route clock, plus a
// small random spread so the world's requests do not land in the same millisecond), and at least once per
// cache cap between hops so that an organiser's fix appears. After sleep, a hidden tab or a lost connection
// the clock is synced again and `now` asked at once.

export const DEFAULT_CAP_SECONDS = 60;
// Ask this long after the hop at the earliest: the server must surely be past it.
export const HOP_DELAY_MS = 10;
// The random spread added on top, the same for every hop; small enough that viewers stay together.
export const HOP_SPREAD_MS = 40;
// Ask a little after a cached answer has gone stale, so the browser goes to the network for it.
export const STALE_MARGIN_MS = 300;
// A hop asked too early (this browser's clock is a little ahead) is asked again this much later; each
// further answer that still shows the passed hop doubles the wait, up to the cache cap. A cache keeps showing
// the last answer while the origin is down, and without the backoff every viewer would ask four times a second.
export const EARLY_RETRY_MS = 250;
// A timer firing this late means the device slept or the tab was frozen: resync before trusting the clock.
export const SLEEP_GAP_MS = 5000;
// Failed requests are retried after 1 s, 2 s, 4 s... up to the cache cap.
export const FIRST_RETRY_MS = 1000;

/** The max-age of a Cache-Control header in whole seconds, or null when it has none. */
export function maxAgeOf(cacheControl) {
  const match = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * The local wall time to ask `now` again, after `answer` arrived at local time `received`; `early` counts the
 * answers before this one that already showed a passed hop. Returns {at, reason}: "hop" just after the next
 * hop, "poll" when the cache cap comes first, or "early" when the answer shows a hop that has passed.
 */
export function planNextCheck({
  answer,
  clock,
  received,
  maxAge,
  cap = DEFAULT_CAP_SECONDS,
  random = Math.random,
  early = 0,
}) {
  const capMs = Math.max(1, cap) * 1000;
  const freshMs = Math.max(1000, Math.min(capMs, (maxAge ?? cap) * 1000));
  const pollAt = received + freshMs + STALE_MARGIN_MS + random() * HOP_SPREAD_MS;
  if (answer?.next_hop_at == null) {
    return { at: pollAt, reason: "poll" };
  }
  const hopAt = clock.localTime(Date.parse(answer.next_hop_at)) + HOP_DELAY_MS + random() * HOP_SPREAD_MS;
  if (hopAt - received > capMs + STALE_MARGIN_MS) {
    // The hop is further away than the cache cap: look in once per cap for an organiser's fix.
    return { at: pollAt, reason: "poll" };
  }
  if (hopAt <= received) {
    // Our clock says the hop has passed but the answer has not hopped yet: ask again shortly, then less often.
    const wait = Math.min(EARLY_RETRY_MS * 2 ** early, capMs);
    return { at: received + wait + (early > 0 ? random() * HOP_SPREAD_MS : 0), reason: "early" };
  }
  return { at: hopAt, reason: "hop" };
}

/**
 * What an answer means for the trail we hold ({revision, count}):
 * "none" nothing new, "append" the answer's current stop is the next one, "fetch" ask for the trail
 * (a new revision, or several hops missed while asleep), "reset" no stops are due.
 */
export function trailAction(known, answer) {
  if (answer.revision == null || answer.visited === 0) {
    return known.revision === answer.revision && known.count === 0 ? "none" : "reset";
  }
  if (known.revision !== answer.revision) {
    return "fetch";
  }
  if (answer.visited === known.count) {
    return "none";
  }
  if (answer.visited === known.count + 1 && answer.current) {
    return "append";
  }
  return "fetch";
}

/** Asks `now` at each hop and cap, recovering from sleep and lost connections; time and network are injected. */
export class HopScheduler {
  constructor({
    fetchNow,
    sync,
    onAnswer,
    onTrouble = () => {},
    now = Date.now,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
    random = Math.random,
    cap = DEFAULT_CAP_SECONDS,
  }) {
    Object.assign(this, { fetchNow, sync, onAnswer, onTrouble, now, setTimer, clearTimer, random, cap });
    this.clock = null;
    this.timer = null;
    this.expected = null;
    this.failures = 0;
    this.early = 0;
    this.running = null;
    this.again = false;
  }

  /** Sync the clock and ask for the first answer. */
  async start() {
    await this.run({ resync: true });
  }

  /** Sleep, a hidden tab or a lost connection has ended: resync and ask at once. */
  wake() {
    return this.run({ resync: true });
  }

  /** One round: (re)sync if asked, fetch now, hand the answer over, plan the next round. */
  async run({ resync = false } = {}) {
    if (this.running) {
      // A round is under way: do one more after it rather than two at once.
      this.again = this.again || resync;
      return this.running;
    }
    this.cancel();
    this.running = this.round(resync);
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    if (this.again) {
      this.again = false;
      await this.run({ resync: true });
    }
  }

  async round(resync) {
    try {
      if (resync || this.clock === null) {
        this.clock = await this.sync();
      }
      const { answer, maxAge } = await this.fetchNow();
      const received = this.now();
      await this.onAnswer(answer, this.clock);
      this.failures = 0;
      const { clock, cap, random, early } = this;
      const plan = planNextCheck({ answer, clock, received, maxAge, cap, random, early });
      this.early = plan.reason === "early" ? early + 1 : 0;
      this.schedule(plan.at);
    } catch (error) {
      this.failures += 1;
      this.onTrouble(error);
      const wait = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), Math.max(1, this.cap) * 1000);
      this.schedule(this.now() + wait * (0.75 + this.random() / 2), { resync: this.clock === null });
    }
  }

  schedule(at, { resync = false } = {}) {
    this.cancel();
    this.expected = at;
    this.timer = this.setTimer(() => this.fire(resync), Math.max(0, at - this.now()));
  }

  fire(resync) {
    this.timer = null;
    const late = this.now() - this.expected;
    this.run({ resync: resync || late > SLEEP_GAP_MS });
  }

  cancel() {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
  }
}
