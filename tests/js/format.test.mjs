// The card's words: place names from the page's table, local times with Intl in the page language.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  arrivalAnnouncement,
  arrivalLine,
  count,
  countdown,
  countryName,
  factIn,
  kilometres,
  localTime,
  placeName,
  timeIn,
  waitInWords,
  wallDay,
  wallHour,
} from "../../static/js/format.js";

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
    arrivalLine(TORONTO, { language: "en", text: TEXT }),
    "Toronto, Ontario, Canada · arrived 9:41 pm local time",
  );
});

test("the country name is CLDR's, as people say it, in the page language; the API's name otherwise", () => {
  assert.equal(placeName(TORONTO, "de"), "Toronto, Ontario, Kanada");
  assert.equal(countryName({ country: "VA", country_name: "Holy See (Vatican City State)" }, "en"), "Vatican City");
  const congo = countryName({ country: "CD", country_name: "Congo, The Democratic Republic of the" }, "en");
  assert.ok(!congo.includes("Republic"), congo);
  assert.equal(countryName({ country: "XZ", country_name: "Nowhere" }, "en"), "Nowhere");
});

test("a name is never repeated", () => {
  const nukunonu = { city: "Nukunonu", region: "Tokelau", country: "TK", country_name: "Tokelau" };
  assert.equal(placeName(nukunonu, "en"), "Nukunonu, Tokelau");
  // The region in the sheet's English is the country's English name: not said again in Arabic.
  assert.equal(placeName({ ...nukunonu, country_name: "Tokelau" }, "ar"), "Nukunonu, توكيلاو");
  assert.equal(placeName({ city: "Apia", region: "", country: "WS" }, "en"), "Apia, Samoa");
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

test("a wait of weeks reads in days and hours in the page language, under an hour it ticks", () => {
  const wait = ((23 * 24 + 5) * 60 + 12) * 60_000 + 5_000;
  assert.equal(waitInWords(wait, "en"), "23 days and 5 hours");
  assert.equal(waitInWords(wait, "de"), "23 Tage und 5 Stunden");
  assert.equal(waitInWords((5 * 60 + 12) * 60_000, "en"), "5 hours and 12 minutes");
  assert.equal(waitInWords(24 * 3_600_000, "en"), "1 day");
  assert.equal(waitInWords(161_000, "en"), "2:41");
});

test("the time at a stop is its own zone's wall time, as the viewer would say it", () => {
  const moment = Date.parse("2026-12-25T02:43:00Z");
  assert.equal(timeIn(moment, "America/Toronto", "en"), "9:43 pm");
  assert.match(timeIn(moment, "Europe/Berlin", "de"), /^0?3:43$/);
  assert.equal(timeIn(moment, "Not/AZone", "en"), null);
});

test("the deadline and a distance are phrased by Intl", () => {
  assert.equal(wallHour(Date.parse("2026-12-24T22:00:00Z"), "en"), "10 pm");
  assert.equal(wallHour(Date.parse("2026-12-24T22:30:00Z"), "en"), "10:30 pm");
  assert.equal(wallDay(Date.parse("2026-12-24T22:00:00Z"), "en"), "December 24");
  assert.equal(kilometres(12345.6, "en"), "12,346 km");
});

test("the arrival is announced once, as a sentence, not as the card line inside a sentence", () => {
  const text = {
    announceArrival: "Santa has arrived in {place}, at {time} local time.",
    announceArrivalNoTime: "Santa has arrived in {place}.",
  };
  const conakry = { city: "Conakry", region: "", country: "GN", local_arrival: "2026-12-24T20:55:00" };
  assert.equal(
    arrivalAnnouncement(conakry, { language: "en", text }),
    "Santa has arrived in Conakry, Guinea, at 8:55 pm local time.",
  );
  const japanese = { announceArrival: "サンタさんが{place}に着きました。現地時間は{time}です。" };
  assert.equal(arrivalAnnouncement(conakry, { language: "ja", text: japanese }), "サンタさんがConakry, ギニアに着きました。現地時間は20:55です。");
  assert.equal(
    arrivalAnnouncement({ ...conakry, local_arrival: null }, { language: "en", text }),
    "Santa has arrived in Conakry, Guinea.",
  );
});

test("a stop's fact is in the page's language when the sheet has one, else the plain fact", () => {
  const tokyo = { fact: "Capital of Japan.", facts: { de: "Hauptstadt des Landes.", ja: "この国の首都です。" } };
  assert.equal(factIn(tokyo, "de"), "Hauptstadt des Landes.");
  assert.equal(factIn(tokyo, "ja"), "この国の首都です。");
  assert.equal(factIn(tokyo, "fr"), "Capital of Japan.");
  assert.equal(factIn({ fact: "Capital of Japan." }, "de"), "Capital of Japan.");
  assert.equal(factIn({ fact: "", facts: {} }, "de"), "");
});
