// The words and numbers on the card, in the page's language through Intl.

/** Fill {name} placeholders in a translated sentence. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

const formats = new Map();

/**
 * The Intl formatter `new Kind(language, options)`, made once per kind, language and options and reused: making
 * one costs a thousand times more than using it (a phone spent tenths of a second a hop making them). A bad
 * option or zone throws RangeError, as `new` does, and nothing is kept.
 */
export function intl(Kind, language, options) {
  const key = `${Kind.name} ${language} ${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Kind(language, options);
    formats.set(key, format);
  }
  return format;
}

const regionNames = new Map();

/**
 * A country as people say it in `language` ("Vatican City", "Congo - Kinshasa"), from the CLDR names the
 * browser carries (Intl.DisplayNames); the API's English `country_name` when the browser has none.
 */
export function countryName(stop, language) {
  if (!regionNames.has(language)) {
    let names = null;
    try {
      names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
    } catch {
      // A browser without Intl.DisplayNames, or a language it does not know: the API's name will do.
    }
    regionNames.set(language, names);
  }
  let name;
  try {
    name = regionNames.get(language)?.of(stop.country);
  } catch {
    // Not a region code Intl accepts (RangeError): fall back below.
  }
  return name ?? stop.country_name ?? stop.country;
}

/** "Toronto, Ontario, Canada": the country named by countryName in `language`. */
export function placeName(stop, language) {
  const country = countryName(stop, language);
  const parts = [];
  // Each name once: "Nukunonu, Tokelau" rather than "Nukunonu, Tokelau, Tokelau". The sheet's region is in
  // the organisers' English, so in Arabic it repeats the country under its English name: leave it out too.
  const region = stop.region && stop.region === stop.country_name ? "" : stop.region;
  for (const name of [stop.city, region, country]) {
    if (name && !parts.includes(name)) {
      parts.push(name);
    }
  }
  return parts.join(", ");
}

/** "9:41 pm": the local wall time of an arrival (the API gives it without an offset), in `language`. */
export function localTime(localArrival, language) {
  if (!localArrival) {
    return null;
  }
  // The wall time is read as UTC and shown in UTC, so the viewer's own zone never shifts it.
  const moment = new Date(`${localArrival}Z`);
  if (Number.isNaN(moment.getTime())) {
    return null;
  }
  const parts = intl(Intl.DateTimeFormat, language, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })
    .formatToParts(moment);
  return houseStyle(parts, language);
}

/** English house style writes "9:41 pm", as in the brief, with a plain space whichever ICU formats it. */
function houseStyle(parts, language) {
  if (language !== "en" && !language.startsWith("en-")) {
    return parts.map((part) => part.value).join("");
  }
  return parts
    .map((part) => (part.type === "dayPeriod" ? part.value.toLowerCase() : part.value.replace(/\s/gu, " ")))
    .join("");
}

/** "9:43 pm": the wall time at route instant `ms` in the IANA zone `timeZone`, in `language`; null if unknown. */
export function timeIn(ms, timeZone, language) {
  if (!Number.isFinite(ms) || !timeZone) {
    return null;
  }
  try {
    const format = intl(Intl.DateTimeFormat, language, { hour: "numeric", minute: "2-digit", timeZone });
    return houseStyle(format.formatToParts(new Date(ms)), language);
  } catch {
    // An unknown zone (RangeError): say nothing rather than the viewer's own time.
    return null;
  }
}

/** The card line: "Toronto, Ontario, Canada · arrived 9:41 pm local time". */
export function arrivalLine(stop, { language, text }) {
  const place = placeName(stop, language);
  const time = localTime(stop.local_arrival, language);
  return time === null ? fill(text.arrivedNoTime, { place }) : fill(text.arrived, { place, time });
}

/** "Santa has arrived in Conakry, Guinea, at 8:55 pm local time.": the live region's sentence, each thing once. */
export function arrivalAnnouncement(stop, { language, text }) {
  const place = placeName(stop, language);
  const time = localTime(stop.local_arrival, language);
  return time === null ? fill(text.announceArrivalNoTime, { place }) : fill(text.announceArrival, { place, time });
}

/** The stop's fact in `language` (the sheet's `fact:xx` column), else its plain `fact`; "" when it has none. */
export function factIn(stop, language) {
  return stop.facts?.[language] || stop.fact || "";
}

/** A whole number with the page language's grouping ("1,100,000", "1 100 000"). */
export function count(value, language) {
  return intl(Intl.NumberFormat, language, { maximumFractionDigits: 0 }).format(value ?? 0);
}

/** A countdown of wall milliseconds as h:mm:ss (or m:ss under an hour), in the page language's digits. */
export function countdown(ms, language) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = intl(Intl.NumberFormat, language, { minimumIntegerDigits: 2, useGrouping: false });
  const one = intl(Intl.NumberFormat, language, { useGrouping: false });
  return hours > 0
    ? `${one.format(hours)}:${two.format(minutes)}:${two.format(seconds)}`
    : `${one.format(minutes)}:${two.format(seconds)}`;
}

function unit(value, name, language) {
  return intl(Intl.NumberFormat, language, { style: "unit", unit: name, unitDisplay: "long" }).format(value);
}

/**
 * A long wait in the page language's own words: "23 days and 5 hours", "5 hours and 12 minutes", and
 * under an hour the ticking m:ss of `countdown`. Whole units are rounded down, so it never says too little.
 */
export function waitInWords(ms, language) {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 60) {
    return countdown(ms, language);
  }
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts =
    days > 0
      ? [unit(days, "day", language), ...(hours > 0 ? [unit(hours, "hour", language)] : [])]
      : [unit(hours, "hour", language), ...(minutes % 60 > 0 ? [unit(minutes % 60, "minute", language)] : [])];
  return intl(Intl.ListFormat, language, { type: "conjunction" }).format(parts);
}

/** "12,346 km": a distance in whole kilometres in the page language. */
export function kilometres(value, language) {
  return intl(Intl.NumberFormat, language, {
    style: "unit",
    unit: "kilometer",
    unitDisplay: "short",
    maximumFractionDigits: 0,
  }).format(value);
}

/** "10 pm", "10:30 pm", "22 Uhr": a wall time written as UTC ms, with minutes only when there are some. */
export function wallHour(ms, language) {
  const minute = new Date(ms).getUTCMinutes() === 0 ? undefined : "2-digit";
  const format = intl(Intl.DateTimeFormat, language, { hour: "numeric", minute, timeZone: "UTC" });
  return houseStyle(format.formatToParts(new Date(ms)), language);
}

/** "December 24", "24. Dezember": a wall date written as UTC ms. */
export function wallDay(ms, language) {
  return intl(Intl.DateTimeFormat, language, { month: "long", day: "numeric", timeZone: "UTC" }).format(new Date(ms));
}
