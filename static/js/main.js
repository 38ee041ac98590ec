// Wiring: read the page's settings, sync the clock, ask `now` at each hop and show the answer; between hops a
// ticker keeps the card alive (countdowns, the stop's local time, presents running up) from that answer alone.

import { syncClock } from "./clock.js";
import {
  arrivalAnnouncement,
  arrivalLine,
  count,
  countdown,
  countryName,
  factIn,
  fill,
  kilometres,
  localTime,
  timeIn,
  waitInWords,
  wallDay,
  wallHour,
} from "./format.js";
import { distanceKm } from "./geo.js";
import { HopScheduler, maxAgeOf, trailAction } from "./hops.js";
import { createMap } from "./map.js";
import { shareLink } from "./share.js";
import { presentsAt } from "./stay.js";
import { viewerTimeZone, zoneDeadline } from "./viewer.js";

const root = document.getElementById("tracker");
const language = document.documentElement.lang || "en";
const text = JSON.parse(document.getElementById("map-text").textContent);
const motion = window.matchMedia("(prefers-reduced-motion: reduce)");
const $ = (id) => document.getElementById(id);
// Where the viewer's distance is measured from before take-off and after the last stop.
const NORTH_POLE = [90, 0];
const TICK_MS = 250;

async function get(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(`${url} answered ${response.status}`);
  }
  return response;
}

const fetchTime = async () => (await get(root.dataset.apiTime, { cache: "no-store" })).json();

async function fetchNow() {
  // The browser's HTTP cache keeps each answer until its max-age, so a repeat ask costs nothing.
  const response = await get(root.dataset.apiNow);
  return { answer: await response.json(), maxAge: maxAgeOf(response.headers.get("Cache-Control")) };
}

async function fetchTrail(revision, upto) {
  const query = new URLSearchParams({ revision, upto });
  return (await get(`${root.dataset.apiTrail}?${query}`)).json();
}

const view = createMap($("map"), {
  tileUrl: root.dataset.tileUrl,
  tileAttribution: root.dataset.tileAttribution,
  basemapCredit: text.basemapCredit,
  zoomTitles: { zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut },
  reducedMotion: () => motion.matches,
});

if (!root.dataset.tileUrl) {
  get(root.dataset.world)
    .then((response) => response.json())
    .then((projected) => view.drawBasemap(projected))
    .catch(() => {
      // Without shapes the map is plain sea; the card and the list still tell the whole story.
    });
}

const follow = $("follow");
follow.addEventListener("click", () => view.setFollow(follow.getAttribute("aria-pressed") !== "true"));
view.onFollowChange((on) => follow.setAttribute("aria-pressed", String(on)));

const state = { revision: undefined, stops: [], status: null, visited: 0, clock: null, answer: null };
// The viewer's position, asked for only when they press the button, kept in this page and never sent.
let position = null;

const line = (stop) => arrivalLine(stop, { language, text });

function announce(sentence) {
  $("announcer").textContent = sentence;
}

function showText(id, value) {
  const element = $(id);
  if (element.textContent !== (value ?? "")) {
    element.textContent = value ?? "";
  }
  element.hidden = !value;
}

/** Route time now, and wall milliseconds until route time `route` (route time left when the clock is frozen). */
function routeNow() {
  return state.clock.routeTime(Date.now());
}

function wallUntil(route) {
  const { clock } = state;
  return clock.speed > 0 ? clock.wallUntil(route, Date.now()) : route - clock.routeAt;
}

function showYourZone(now, answer) {
  const minutes = Number(root.dataset.deadlineMinutes);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    return;
  }
  if (answer.revision == null) {
    // No route is published: there is no promise to make about anyone's time zone.
    showText("your-zone", null);
    return;
  }
  const rule = zoneDeadline({
    routeMs: now,
    night: root.dataset.night,
    deadlineMinutes: minutes,
    timeZone: viewerTimeZone(),
    santaZone: answer.current?.timezone ?? null,
  });
  const words = { time: wallHour(rule.deadline, language), date: wallDay(rule.deadline, language) };
  // Once Santa is home he has been through every time zone, even where it is not yet 10 pm (Hawaii).
  const kind = answer.status === "finished" ? "passed" : rule.kind;
  const sentence = { tonight: text.yourZoneTonight, on: text.yourZoneOn, passed: text.yourZonePassed }[kind];
  showText("your-zone", fill(sentence, words));
}

/** Everything on the card that moves between answers: countdowns, the stop's local time, the presents. */
function tick() {
  const { answer, clock } = state;
  if (answer === null || clock === null) {
    return;
  }
  const now = routeNow();
  showYourZone(now, answer);
  if (answer.status === "waiting" && answer.next_hop_at != null) {
    showText("card-note", fill(text.takesOffIn, { time: waitInWords(wallUntil(Date.parse(answer.next_hop_at)), language) }));
  }
  if (answer.status === "flying") {
    const stop = answer.current;
    const local = timeIn(now, stop.timezone, language);
    showText("card-local", local && fill(text.localTimeAt, { time: local, city: stop.city }));
    const left = wallUntil(Date.parse(answer.next_hop_at));
    showText("card-next", left > 0 ? fill(text.nextStopIn, { time: countdown(left, language) }) : text.nextStopSoon);
  }
  const presents = count(presentsAt(answer, now), language);
  if ($("presents").textContent !== presents) {
    $("presents").textContent = presents;
  }
}

// The list shows the newest stops only, so the page stays small however long the night; "Show all" opens the rest.
const LIST_LATEST = 10;
let listAll = false;

function listItem(stop) {
  const element = document.createElement("li");
  element.textContent = line(stop);
  return element;
}

/** The visited list after an answer: one item added (and the oldest shown one dropped) per hop, no layout read. */
function renderList(action) {
  const list = $("visited-list");
  const { stops } = state;
  const shown = listAll ? stops : stops.slice(-LIST_LATEST);
  // Only the whole list scrolls: the newest stop stays in sight unless the viewer has scrolled back through it.
  const atEnd = listAll && list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  if (action === "append" && list.children.length + 1 === shown.length) {
    list.append(listItem(stops[stops.length - 1]));
  } else if (action === "append" && list.children.length === shown.length && shown.length > 0) {
    list.firstElementChild.remove();
    list.append(listItem(stops[stops.length - 1]));
  } else {
    list.replaceChildren(...shown.map(listItem));
  }
  list.start = stops.length - shown.length + 1;
  const toggle = $("visited-all");
  toggle.hidden = stops.length <= LIST_LATEST;
  const label = listAll ? text.visitedLatest : fill(text.visitedAll, { count: count(stops.length, language) });
  if (toggle.textContent !== label) {
    toggle.textContent = label;
  }
  toggle.setAttribute("aria-expanded", String(listAll));
  list.classList.toggle("visited-list-all", listAll);
  if (atEnd) {
    list.scrollTop = list.scrollHeight;
  }
}

$("visited-all").addEventListener("click", () => {
  listAll = !listAll;
  renderList("rebuild");
  if (listAll) {
    const list = $("visited-list");
    list.scrollTop = list.scrollHeight;
  } else {
    // The list shrank under the button: bring the button back where the finger is, not a screen below it.
    $("visited-all").scrollIntoView({ block: "nearest" });
  }
});

function renderCard(answer) {
  for (const id of ["card-local", "card-fact", "card-note", "card-next"]) {
    showText(id, null);
  }
  if (answer.status === "waiting") {
    showText("card-place", answer.revision == null || answer.next_hop_at == null ? text.noRoute : text.waiting);
  } else if (answer.status === "finished") {
    showText("card-place", text.home);
    if (answer.current) {
      showText("card-note", fill(text.homeNote, { place: line(answer.current) }));
    }
  } else {
    showText("card-place", line(answer.current));
    showText("card-fact", factIn(answer.current, language));
  }
  $("stops").textContent = count(answer.visited, language);
  tick();
  showDistance();
}

function showDistance() {
  if (position === null || state.answer === null) {
    return;
  }
  const stop = state.answer.status === "flying" ? state.answer.current : null;
  const santa = stop ? [stop.lat, stop.lng] : NORTH_POLE;
  const distance = kilometres(distanceKm(position, santa), language);
  showText("distance", stop ? fill(text.distanceFrom, { distance, place: stop.city }) : fill(text.distanceFromPole, { distance }));
}

$("distance-button").addEventListener("click", () => {
  if (position !== null) {
    showDistance();
    return;
  }
  if (!navigator.geolocation) {
    showText("distance", text.distanceUnknown);
    return;
  }
  showText("distance", text.distanceAsking);
  navigator.geolocation.getCurrentPosition(
    (found) => {
      position = [found.coords.latitude, found.coords.longitude];
      showDistance();
    },
    () => showText("distance", text.distanceUnknown),
    { maximumAge: 600_000, timeout: 30_000 },
  );
});

$("share-button").addEventListener("click", async () => {
  const url = document.querySelector('meta[property="og:url"]')?.content || `${window.location.origin}/`;
  const outcome = await shareLink({ url, title: document.title, text: text.shareText });
  showText("share-note", { copied: text.linkCopied, manual: fill(text.copyThisLink, { url }) }[outcome] ?? null);
});

async function onAnswer(answer, clock) {
  state.clock = clock;
  const action = trailAction({ revision: state.revision, count: state.stops.length }, answer);
  const previous = state.stops[state.stops.length - 1];
  const firstAnswer = state.status === null;
  if (action === "fetch") {
    state.stops = (await fetchTrail(answer.revision, answer.visited)).stops;
  } else if (action === "append") {
    state.stops = [...state.stops, answer.current];
  } else if (action === "reset") {
    state.stops = [];
  }
  state.revision = answer.revision;
  state.answer = answer;
  showText("connection", null);

  if (action !== "none") {
    renderList(action);
    view.setTrail(state.stops);
  }
  const homecoming = answer.status === "finished" && state.status !== "finished";
  if (homecoming) {
    view.finish(state.stops);
  } else if (action === "append") {
    const untilNextHop = answer.next_hop_at == null ? Infinity : wallUntil(Date.parse(answer.next_hop_at));
    view.arrive(answer.current, previous, untilNextHop);
  } else if (action !== "none" || firstAnswer) {
    view.place(answer.current);
  }
  view.setBusy(answer.status === "flying");
  renderCard(answer);
  const sentences = [];
  if (!firstAnswer && answer.current && answer.visited > state.visited) {
    sentences.push(arrivalAnnouncement(answer.current, { language, text }));
  }
  if (!firstAnswer && homecoming) {
    sentences.push(text.announceFinished);
  }
  if (sentences.length > 0) {
    announce(sentences.join(" "));
  }
  state.visited = answer.visited;
  state.status = answer.status;
  // Written last: the page has shown this stop everywhere once these change (tests and screenshots wait on them).
  root.dataset.revision = answer.revision ?? "";
  root.dataset.visited = answer.visited;
  root.dataset.status = answer.status;
}

/** What the connection note says: "this is the last known stop" only when the page has shown one. */
function connectionNote() {
  return navigator.onLine === false && state.answer !== null ? text.offline : text.reconnecting;
}

const scheduler = new HopScheduler({
  fetchNow,
  sync: () => syncClock({ fetchTime }),
  onAnswer,
  onTrouble: () => {
    // The last known stop stays on the card and the map; only this note says the news may be old.
    showText("connection", connectionNote());
  },
  cap: Number(root.dataset.cacheCap) || undefined,
});

// Back from a hidden tab, sleep, the back-forward cache or a lost connection: resync and ask at once.
let hiddenAt = null;
document.addEventListener("visibilitychange", () => {
  if (document.hidden) {
    hiddenAt = Date.now();
  } else if (hiddenAt !== null && Date.now() - hiddenAt > 10_000) {
    hiddenAt = null;
    scheduler.wake();
  }
});
window.addEventListener("online", () => scheduler.wake());
window.addEventListener("offline", () => showText("connection", connectionNote()));
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    scheduler.wake();
  }
});

// The first Intl formatter a page makes loads the browser's locale data, a tenth of a second on a phone. A worker
// loads it off the main thread (static/js/locale-worker.js; the data is the whole process's), and then the card's
// formatters are made here one kind a task, so that the first answer is shown without one long task in between.
// Without the worker (blocked, offline, failed) they are made at once, still one kind a task.
const FORMATS_AHEAD = [
  () => count(0, language),
  () => countryName({ country: "AQ" }, language),
  () => localTime("2026-12-24T21:00:00", language),
  () => zoneDeadline({ routeMs: Date.now(), night: "", deadlineMinutes: 1320, timeZone: viewerTimeZone() }),
  () => wallHour(0, language) + wallDay(0, language),
];

function makeFormatsAhead(index = 0) {
  if (index < FORMATS_AHEAD.length) {
    FORMATS_AHEAD[index]();
    setTimeout(() => makeFormatsAhead(index + 1), 0);
  }
}

function loadLocaleData() {
  let started = false;
  const start = () => {
    if (!started) {
      started = true;
      setTimeout(makeFormatsAhead, 0);
    }
  };
  try {
    const worker = new Worker(root.dataset.localeWorker);
    worker.onmessage = start;
    worker.onerror = start;
    worker.postMessage(language);
  } catch {
    start();
  }
}

loadLocaleData();
setInterval(tick, TICK_MS);
scheduler.start();

// After the page has loaded, so that installing the worker finds every file already in the HTTP cache.
if ("serviceWorker" in navigator && root.dataset.serviceWorker) {
  window.addEventListener("load", () => {
    navigator.serviceWorker
      .register(root.dataset.serviceWorker)
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => registration.active?.postMessage({ keepPage: window.location.pathname }))
      .catch(() => {
        // Without a worker the map still works online; it only cannot open offline.
      });
  });
}
