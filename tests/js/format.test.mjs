// The card's words: place names from the page's table, local times with Intl in the page language.
import assert from "node:assert/strict";
import { test } from "node:test";

import { arrivalLine, count, countdown, localTime, placeName } from "../../static/js/format.js";

const TORONTO = {
  city: "Toronto",
  region: "Ontario",
  country: "CA",
  country_name: "Canada",
  local_arrival: "2026-12-24T21:41:00",
};
const TEXT = { arrived: "{place} · arrived {time} local time", arrivedNoTime: "{place}" };

test("the card reads as the brief says", () => {
  assert.equal(
    arrivalLine(TORONTO, { language: "en", countryNames: { CA: "Canada" }, text: TEXT }),
    "Toronto, Ontario, Canada · arrived 9:41 pm local time",
  );
});

test("the country name comes from the page's table in its language, the API's English name otherwise", () => {
  assert.equal(placeName(TORONTO, { CA: "Kanada" }), "Toronto, Ontario, Kanada");
  assert.equal(placeName(TORONTO, {}), "Toronto, Ontario, Canada");
});

test("a name is never repeated", () => {
  const nukunonu = { city: "Nukunonu", region: "Tokelau", country: "TK", country_name: "Tokelau" };
  assert.equal(placeName(nukunonu, { TK: "Tokelau" }), "Nukunonu, Tokelau");
  assert.equal(placeName({ city: "Apia", region: "", country: "WS" }, { WS: "Samoa" }), "Apia, Samoa");
});

test("the local wall time is shown as given, whatever the viewer's zone", () => {
  assert.equal(localTime("2026-12-24T21:41:00", "en"), "9:41 pm");
  assert.equal(localTime("2026-12-24T21:41:00", "fr"), "21:41");
  assert.equal(localTime(null, "en"), null);
});

test("numbers and countdowns follow the page language", () => {
  assert.equal(count(1100000, "en"), "1,100,000");
  assert.equal(count(1100000, "de"), "1.100.000");
  assert.equal(countdown(3_723_000, "en"), "1:02:03");
  assert.equal(countdown(59_001, "en"), "1:00");
  assert.equal(countdown(-5, "en"), "0:00");
});
