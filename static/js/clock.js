// The route clock as the server keeps it, read from this browser's own clock.
// Sync: ask /api/v1/time several times; the answer with the lowest round trip is the least uncertain, and
// the server's reading is taken to belong to the middle of that round trip. The route may run at another
// speed than the wall (a rehearsal), so local wall milliseconds are multiplied by the server's speed.

export const DEFAULT_SAMPLES = 5;

/** A route clock fixed by one sample: route time `routeAt` at local wall time `localAt`, at `speed`. */
export class RouteClock {
  constructor({ localAt, routeAt, speed, roundTrip = 0 }) {
    this.localAt = localAt;
    this.routeAt = routeAt;
    this.speed = speed;
    this.roundTrip = roundTrip;
  }

  /** Route time (ms since the epoch) at local wall time `local`. */
  routeTime(local) {
    return this.routeAt + (local - this.localAt) * this.speed;
  }

  /** The local wall time at which the route reaches `route` ms; Infinity when the clock is frozen. */
  localTime(route) {
    if (this.speed <= 0) {
      return route <= this.routeAt ? this.localAt : Infinity;
    }
    return this.localAt + (route - this.routeAt) / this.speed;
  }

  /** Wall milliseconds from local time `local` until route time `route` (negative when it has passed). */
  wallUntil(route, local) {
    return this.localTime(route) - local;
  }
}

/** Take `samples` readings of /api/v1/time through `fetchTime` and keep the one with the lowest round trip. */
export async function syncClock({ fetchTime, now = Date.now, samples = DEFAULT_SAMPLES }) {
  let best = null;
  let lastError = null;
  for (let i = 0; i < samples; i += 1) {
    const sent = now();
    let answer;
    try {
      answer = await fetchTime();
    } catch (error) {
      lastError = error;
      continue;
    }
    const received = now();
    const roundTrip = received - sent;
    if (!Number.isFinite(answer?.now_ms) || !Number.isFinite(answer?.speed) || roundTrip < 0) {
      continue;
    }
    if (best === null || roundTrip < best.roundTrip) {
      best = new RouteClock({
        localAt: sent + roundTrip / 2,
        routeAt: answer.now_ms,
        speed: answer.speed,
        roundTrip,
      });
    }
  }
  if (best === null) {
    throw lastError ?? new Error("no usable answer from the time endpoint");
  }
  return best;
}
