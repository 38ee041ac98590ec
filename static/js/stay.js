// Santa's stay at a stop, between two hops: the presents counter runs up over the stay.
// Only the answer in hand is used (its current stop and next_hop_at), so nothing here can know a later stop.

/**
 * Presents to show at route time `routeMs` (ms since the epoch) for the `now` answer `answer`: from the total
 * before the current stop to the total with it, evenly over the stay until next_hop_at. Whole presents,
 * never more than the answer's presents_delivered (the due stops' sum).
 */
export function presentsAt(answer, routeMs) {
  const total = answer?.presents_delivered ?? 0;
  const stop = answer?.current;
  if (answer?.status !== "flying" || !stop || answer.next_hop_at == null) {
    return total;
  }
  const here = Math.max(0, Math.min(total, stop.presents ?? 0));
  const start = Date.parse(stop.arrival);
  const end = Date.parse(answer.next_hop_at);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
    return total;
  }
  const progress = Math.min(1, Math.max(0, (routeMs - start) / (end - start)));
  return Math.min(total, total - here + Math.floor(here * progress));
}
