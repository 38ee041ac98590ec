// Wiring: read the page's settings, sync the clock, ask `now` at each hop and show the answer.

import { syncClock } from "./clock.js";
import { arrivalLine, count, countdown, fill } from "./format.js";
import { HopScheduler, maxAgeOf, trailAction } from "./hops.js";
import { createMap } from "./map.js";

const root = document.getElementById("tracker");
const language = document.documentElement.lang || "en";
const countryNames = JSON.parse(document.getElementById("country-names").textContent);
const text = JSON.parse(document.getElementById("map-text").textContent);
const motion = window.matchMedia("(prefers-reduced-motion: reduce)");
const $ = (id) => document.getElementById(id);

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
  reducedMotion: () => motion.matches,
});

if (!root.dataset.tileUrl) {
  get(root.dataset.world)
    .then((response) => response.json())
    .then((topology) => view.drawBasemap(topology))
    .catch(() => {
      // Without shapes the map is plain sea; the card and the list still tell the whole story.
    });
}

const follow = $("follow");
follow.addEventListener("click", () => view.setFollow(follow.getAttribute("aria-pressed") !== "true"));
view.onFollowChange((on) => follow.setAttribute("aria-pressed", String(on)));

const state = { revision: undefined, stops: [], status: null, visited: 0, clock: null, nextHop: null };
let countdownTimer = null;

const line = (stop) => arrivalLine(stop, { language, countryNames, text });

function announce(sentence) {
  $("announcer").textContent = sentence;
}

function showText(id, value) {
  const element = $(id);
  element.textContent = value ?? "";
  element.hidden = !value;
}

function tick() {
  if (state.nextHop === null || state.clock === null) {
    return;
  }
  const { clock } = state;
  // A frozen rehearsal clock never takes off: show the route time left instead of waiting forever.
  const left = clock.speed > 0 ? clock.wallUntil(state.nextHop, Date.now()) : state.nextHop - clock.routeAt;
  showText("card-place", text.waiting);
  showText("card-note", fill(text.takesOffIn, { time: countdown(left, language) }));
}

function showCountdown(on) {
  if (on && countdownTimer === null) {
    countdownTimer = setInterval(tick, 1000);
  } else if (!on && countdownTimer !== null) {
    clearInterval(countdownTimer);
    countdownTimer = null;
  }
  if (on) {
    tick();
  }
}

function renderList(action) {
  const list = $("visited-list");
  // The newest stop stays in sight unless the viewer has scrolled back through the list.
  const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  const item = (stop) => {
    const element = document.createElement("li");
    element.textContent = line(stop);
    return element;
  };
  if (action === "append") {
    list.append(item(state.stops[state.stops.length - 1]));
  } else {
    list.replaceChildren(...state.stops.map(item));
  }
  if (atEnd || action !== "append") {
    list.scrollTop = list.scrollHeight;
  }
}

function renderCard(answer) {
  showCountdown(false);
  showText("card-fact", null);
  showText("card-note", null);
  if (answer.status === "waiting") {
    if (answer.revision == null || answer.next_hop_at == null) {
      showText("card-place", text.noRoute);
    } else {
      state.nextHop = Date.parse(answer.next_hop_at);
      showCountdown(true);
    }
  } else if (answer.status === "finished") {
    showText("card-place", text.finished);
    if (answer.current) {
      showText("card-note", fill(text.lastStop, { place: line(answer.current) }));
    }
  } else {
    showText("card-place", line(answer.current));
    showText("card-fact", answer.current.fact);
  }
  $("presents").textContent = count(answer.presents_delivered, language);
  $("stops").textContent = count(answer.visited, language);
}

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
  $("connection").hidden = true;

  if (action !== "none") {
    renderList(action);
    view.setTrail(state.stops);
  }
  if (action === "append") {
    view.arrive(answer.current, previous);
  } else if (action !== "none" || firstAnswer) {
    view.place(answer.current);
  }
  renderCard(answer);
  const sentences = [];
  if (!firstAnswer && answer.current && answer.visited > state.visited) {
    sentences.push(fill(text.announceArrival, { place: line(answer.current) }));
  }
  if (!firstAnswer && answer.status === "finished" && state.status !== "finished") {
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

const scheduler = new HopScheduler({
  fetchNow,
  sync: () => syncClock({ fetchTime }),
  onAnswer,
  onTrouble: () => {
    showText("connection", text.reconnecting);
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
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    scheduler.wake();
  }
});

scheduler.start();
