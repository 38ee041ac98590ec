// An instant written as ISO 8601 in UTC with Z: the one way the map's modules write one.

/** Epoch milliseconds `ms` as ISO 8601 UTC to the second with Z ("2026-12-24T21:14:00Z"); the fraction is dropped. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
