// The words and numbers on the card, in the page's language through Intl.

/** Fill {name} placeholders in a translated sentence. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** "Toronto, Ontario, Canada": the country name from the page's table, the API's English name otherwise. */
export function placeName(stop, countryNames = {}) {
  const country = countryNames[stop.country] ?? stop.country_name ?? stop.country;
  const parts = [];
  // Each name once: "Nukunonu, Tokelau" rather than "Nukunonu, Tokelau, Tokelau".
  for (const name of [stop.city, stop.region, country]) {
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
  const parts = new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })
    .formatToParts(moment);
  if (language !== "en" && !language.startsWith("en-")) {
    return parts.map((part) => part.value).join("");
  }
  // English house style writes "9:41 pm", as in the brief, with a plain space whichever ICU formats it.
  return parts
    .map((part) => (part.type === "dayPeriod" ? part.value.toLowerCase() : part.value.replace(/\s/gu, " ")))
    .join("");
}

/** The card line: "Toronto, Ontario, Canada · arrived 9:41 pm local time". */
export function arrivalLine(stop, { language, countryNames, text }) {
  const place = placeName(stop, countryNames);
  const time = localTime(stop.local_arrival, language);
  return time === null ? fill(text.arrivedNoTime, { place }) : fill(text.arrived, { place, time });
}

/** A whole number with the page language's grouping ("1,100,000", "1 100 000"). */
export function count(value, language) {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 0 }).format(value ?? 0);
}

/** A countdown of wall milliseconds as h:mm:ss (or m:ss under an hour), in the page language's digits. */
export function countdown(ms, language) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = new Intl.NumberFormat(language, { minimumIntegerDigits: 2, useGrouping: false });
  const one = new Intl.NumberFormat(language, { useGrouping: false });
  return hours > 0
    ? `${one.format(hours)}:${two.format(minutes)}:${two.format(seconds)}`
    : `${one.format(minutes)}:${two.format(seconds)}`;
}
