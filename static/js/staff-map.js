// The organisers' staff map: every stop of a revision, and, for the slider's route time, what viewers see.
// What viewers see is never computed here: each slider value asks the staff endpoint, which calls the same
// answer code as /api/v1/now. Leaflet and topojson-client are classic scripts loaded before this module.

import { distanceKm, trailLines, wrapLongitude } from "./geo.js";
import { isoSeconds } from "./instants.js";
import { drawCountries } from "./map.js";

const ASK_DELAY_MS = 120;

/** The hop that brought Santa to stop number `visited` (1-based), in words: km, seconds and km/h. */
function hopWords(stops, visited) {
  if (visited < 2) {
    return "";
  }
  const [from, to] = [stops[visited - 2], stops[visited - 1]];
  const km = distanceKm([from.lat, from.lng], [to.lat, to.lng]);
  const seconds = (Date.parse(to.arrival) - Date.parse(from.arrival)) / 1000;
  const speed = seconds > 0 ? `${Math.round((km / seconds) * 3600).toLocaleString("en")} km/h` : "at the same instant";
  return `The hop from ${from.city}: ${Math.round(km).toLocaleString("en")} km in ${seconds} s, ${speed}.`;
}

function describe(answer, total, stops) {
  const time = answer.at.replace("T", " ").replace("Z", " UTC");
  const parts = [
    `At ${time}: ${answer.status}, ${answer.visited} of ${total} stop${total === 1 ? "" : "s"} visible, ` +
      `${answer.presents_delivered.toLocaleString("en")} presents delivered.`,
  ];
  const current = answer.current;
  if (current) {
    const place = [current.city, current.region, current.country_name].filter(Boolean).join(", ");
    const local = current.local_arrival ? current.local_arrival.replace("T", " ").slice(0, 16) : "?";
    parts.push(`Santa is in ${place} (arrived ${local} local time).`);
    const hop = hopWords(stops, answer.visited);
    if (hop) {
      parts.push(hop);
    }
  }
  const hop = answer.next_hop_at?.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC");
  parts.push(hop ? `Next hop at ${hop}.` : "No more hops.");
  return parts.join(" ");
}

function start(root) {
  const L = window.L;
  const stops = JSON.parse(document.getElementById("staff-stops").textContent);
  const slider = document.getElementById("staff-map-slider");
  const output = document.getElementById("staff-map-time");
  const said = document.getElementById("staff-map-answer");
  const first = Date.parse(root.dataset.start);
  const last = Date.parse(root.dataset.end);
  const nowUrl = new URL(root.dataset.nowUrl, window.location.href);

  const map = L.map(document.getElementById("staff-map-canvas"), { worldCopyJump: true, minZoom: 1, maxZoom: 7 });
  map.setView([20, 0], 1);
  map.attributionControl.addAttribution("Country shapes: Natural Earth");
  fetch(root.dataset.world)
    .then((response) => response.json())
    .then((topology) => {
      drawCountries(map, topology);
      trail.bringToFront();
      for (const dot of dots) {
        dot.bringToFront();
      }
      santa.bringToFront();
    })
    .catch(() => {});

  const trail = L.polyline([], { className: "staff-trail", interactive: false }).addTo(map);
  const dots = stops.map((stop) =>
    L.circleMarker([stop.lat, wrapLongitude(stop.lng)], { className: "staff-stop", radius: 3, interactive: false }).addTo(
      map,
    ),
  );
  const santa = L.circleMarker([80, 0], { className: "staff-santa", radius: 7, interactive: false }).addTo(map);
  if (stops.length) {
    map.fitBounds(L.latLngBounds(stops.map((stop) => [stop.lat, wrapLongitude(stop.lng)])), { padding: [10, 10] });
  }

  let shown = 0;
  function show(answer) {
    const visited = answer.visited;
    for (let i = Math.min(shown, visited); i < Math.max(shown, visited); i += 1) {
      dots[i].getElement()?.classList.toggle("staff-stop-seen", i < visited);
    }
    shown = visited;
    trail.setLatLngs(trailLines(stops.slice(0, visited)));
    const current = answer.current;
    santa.setLatLng(current ? [current.lat, wrapLongitude(current.lng)] : [80, 0]);
    said.textContent = describe(answer, stops.length, stops);
  }

  let pending = null;
  let timer = null;
  function ask(ms) {
    nowUrl.searchParams.set("at", isoSeconds(ms));
    pending?.abort();
    const controller = new AbortController();
    pending = controller;
    fetch(nowUrl, { signal: controller.signal, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then(show)
      .catch((error) => {
        if (error.name !== "AbortError") {
          said.textContent = `Could not ask the server (${error.message}); try again.`;
        }
      });
  }

  const at = Math.min(last, Math.max(first, Date.parse(root.dataset.at)));
  slider.max = String(Math.round((last - first) / 1000));
  slider.value = String(Math.round((at - first) / 1000));
  slider.disabled = false;
  slider.addEventListener("input", () => {
    const ms = first + Number(slider.value) * 1000;
    output.textContent = isoSeconds(ms).replace("T", " ").replace("Z", " UTC");
    clearTimeout(timer);
    timer = setTimeout(() => ask(ms), ASK_DELAY_MS);
  });
  ask(Date.parse(root.dataset.at));
}

const root = document.getElementById("staff-map");
if (root && root.dataset.start) {
  start(root);
}
