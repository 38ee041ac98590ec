// Drawing on the Leaflet map: the basemap, Santa's marker and its flight, the trail through visited stops.
// Leaflet is a classic script loaded before this module (window.L).
// Every element is created once and reused: a hop moves the marker, restarts a CSS sparkle and adds one arc and
// one dot to the trail (static/js/trail.js) on the map's one canvas, so it fetches nothing and creates no elements.

import { canvasLayer, landPainter, landRingsInSlices } from "./basemap.js";
import { greatCircle, trailArcs, wrapLongitude } from "./geo.js";
import { Trail, trailPainter } from "./trail.js";

const FLIGHT_MS = 1800;
// In a fast rehearsal the next hop comes within seconds: the flight takes at most this share of the wall time
// until it, so the page is still between hops, and below SHORTEST_FLIGHT_MS Santa is simply there (sparkling).
const FLIGHT_SHARE = 0.25;
const SHORTEST_FLIGHT_MS = 400;
const FOLLOW_ZOOM = 3;
// Before take-off Santa waits at the top of the map, in view (Mercator cannot show the pole itself).
const NORTH_POLE = [80, 0];
const NORTH_VIEW = [60, 0];
const TILE_PX = 256;
const ZOOM_SNAP = 0.5;
const SANTA_HTML =
  '<span class="santa" aria-hidden="true"></span>' +
  '<span class="present" aria-hidden="true"></span>' +
  '<span class="sparkle sparkle-1" aria-hidden="true"></span>' +
  '<span class="sparkle sparkle-2" aria-hidden="true"></span>' +
  '<span class="sparkle sparkle-3" aria-hidden="true"></span>' +
  '<span class="sparkle sparkle-4" aria-hidden="true"></span>';

function easeInOut(t) {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}

/**
 * The map in `element`; `reducedMotion()` is asked at each move so a change of setting applies at once.
 * `zoomTitles` names the + and - buttons in the page's language ({zoomInTitle, zoomOutTitle}).
 */
export function createMap(element, { tileUrl, tileAttribution, basemapCredit, zoomTitles = {}, reducedMotion }) {
  const L = window.L;
  const still = reducedMotion();
  const map = L.map(element, {
    zoomControl: false,
    worldCopyJump: true,
    minZoom: 0,
    maxZoom: tileUrl ? 12 : 7,
    zoomSnap: ZOOM_SNAP,
    zoomAnimation: !still,
    fadeAnimation: !still,
    markerZoomAnimation: !still,
  });
  L.control.zoom(zoomTitles).addTo(map);
  map.setView([25, 0], 2);
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 12 }).addTo(map);
  } else {
    map.attributionControl.addAttribution(basemapCredit);
  }

  // A gold line on a dark casing, and a dot per visited stop: the casing stands out on light land, the gold on
  // the dark sea.
  // The countries (once their shapes arrive) and the trail are painted on one canvas, under Santa.
  const trail = new Trail();
  const painters = [trailPainter(trail, () => map.getZoom())];
  const drawing = canvasLayer({ className: "trail", pane: "overlayPane", painters }).addTo(map);
  const santa = L.marker(NORTH_POLE, {
    icon: L.divIcon({ className: "santa-marker", html: SANTA_HTML, iconSize: [48, 48], iconAnchor: [24, 24] }),
    interactive: false,
    keyboard: false,
  }).addTo(map);

  let follow = true;
  let flight = null;
  map.on("dragstart", () => view.setFollow(false));
  const followers = new Set();

  function cancelFlight() {
    if (flight !== null) {
      cancelAnimationFrame(flight);
      flight = null;
    }
  }

  function sparkle() {
    const icon = santa.getElement();
    if (!icon || reducedMotion()) {
      return;
    }
    // Restart the CSS animation on the same elements: no new nodes, no requests, and no forced layout (the Web
    // Animations API rewinds the sparkles' own animations; before, reading offsetWidth laid out the page).
    icon.classList.add("sparkling");
    for (const animation of icon.getAnimations({ subtree: true })) {
      if (animation.animationName === "sparkle") {
        animation.currentTime = 0;
        animation.play();
      }
    }
  }

  /** The zoom at which one world is as wide as the map, snapped up: never two whole worlds side by side. */
  function oneWorldZoom() {
    const width = map.getSize().x || TILE_PX;
    return Math.max(0, Math.ceil(Math.log2(width / TILE_PX) / ZOOM_SNAP) * ZOOM_SNAP);
  }

  function limitZoomOut() {
    map.setMinZoom(oneWorldZoom());
  }
  limitZoomOut();
  map.on("resize", limitZoomOut);

  /** Santa along the great circle from `from` to `to` over `duration` ms, sparkling. */
  function fly(from, to, duration = FLIGHT_MS) {
    const path = greatCircle(from, to, 0.5);
    sparkle();
    const started = performance.now();
    const step = (time) => {
      const t = Math.min(1, (time - started) / duration);
      const exact = easeInOut(t) * (path.length - 1);
      const i = Math.min(path.length - 2, Math.floor(exact));
      const f = exact - i;
      const [lat1, lng1] = path[i];
      const [lat2, lng2] = path[i + 1] ?? path[i];
      santa.setLatLng([lat1 + (lat2 - lat1) * f, wrapLongitude(lng1 + (lng2 - lng1) * f)]);
      flight = t < 1 ? requestAnimationFrame(step) : null;
    };
    flight = requestAnimationFrame(step);
  }

  /** The North Pole at longitude `lng`, or the top of the map's view when the pole is above it. */
  function homeAt(lng) {
    // Below the row of buttons at the top of the map.
    const top = map.containerPointToLatLng([map.getSize().x / 2, 76]).lat;
    return [Math.min(NORTH_POLE[0], top), lng];
  }

  function centre(latlng, animate) {
    if (follow) {
      map.setView(latlng, Math.max(map.getZoom(), FOLLOW_ZOOM), { animate });
    }
  }

  const view = {
    map,

    /**
     * Paint Natural Earth's countries (static/map/countries-110m.json, projected ahead of time) under the trail,
     * once their paths are made, a slice a task.
     */
    async drawBasemap(projected) {
      painters.unshift(landPainter(await landRingsInSlices(projected)));
      const canvas = drawing.canvas();
      canvas.classList.add("land");
      // `canvas.land[data-painted]` means the countries are on it: counted again from their first paint.
      delete canvas.dataset.painted;
      drawing.repaint();
    },

    /** The trail through `stops`: when they continue the stops shown (a hop), only the new ones are added. */
    setTrail(stops) {
      trail.show(stops);
      drawing.repaint();
    },

    /** Santa busy at his stop (a CSS animation on the marker's own elements) or not. */
    setBusy(on) {
      santa.getElement()?.classList.toggle("busy", on);
    },

    /** The night is over: Santa flies home to the North Pole and the map shows the whole trail once. */
    finish(stops) {
      cancelFlight();
      view.setBusy(false);
      const last = stops[stops.length - 1];
      const points = trailArcs(stops).flat();
      let home = NORTH_POLE;
      if (points.length > 0) {
        const bounds = L.latLngBounds(points).extend([NORTH_POLE[0], points[0][1]]);
        const zoom = Math.max(map.getBoundsZoom(bounds, false, L.point(24, 24)), oneWorldZoom());
        // The trail's longitudes run on past ±180; the stops' dots and Santa sit within it, as the copies do.
        const middle = [bounds.getCenter().lat, wrapLongitude(bounds.getCenter().lng)];
        map.setView(middle, zoom, { animate: false });
        home = homeAt(middle[1]);
      }
      if (last && !reducedMotion() && !document.hidden) {
        fly([last.lat, wrapLongitude(last.lng)], home);
      } else {
        santa.setLatLng(home);
      }
    },

    /** Put Santa on `stop` at once (first load, a corrected route, or waiting at the North Pole). */
    place(stop) {
      cancelFlight();
      if (!stop) {
        if (follow) {
          map.setView(NORTH_VIEW, 2, { animate: false });
        }
        santa.setLatLng(homeAt(NORTH_POLE[1]));
        return;
      }
      const latlng = [stop.lat, wrapLongitude(stop.lng)];
      santa.setLatLng(latlng);
      centre(latlng, false);
    },

    /**
     * Fly Santa from `previous` (or the North Pole) to `stop` along the great circle, unless motion is reduced;
     * `untilNextHop` is the wall ms until the hop after this one (Infinity when none is due), which a flight never
     * fills more than a quarter of.
     */
    arrive(stop, previous, untilNextHop = Infinity) {
      cancelFlight();
      const to = [stop.lat, stop.lng];
      const duration = Math.min(FLIGHT_MS, untilNextHop * FLIGHT_SHARE);
      if (reducedMotion() || document.hidden || duration < SHORTEST_FLIGHT_MS) {
        santa.setLatLng([to[0], wrapLongitude(to[1])]);
        centre([to[0], wrapLongitude(to[1])], false);
        if (!document.hidden) {
          sparkle();
        }
        return;
      }
      const from = previous ? [previous.lat, wrapLongitude(previous.lng)] : [NORTH_POLE[0], wrapLongitude(stop.lng)];
      centre([to[0], wrapLongitude(to[1])], true);
      fly(from, to, duration);
    },

    /** Whether the map keeps Santa in view; dragging the map turns it off. */
    setFollow(on) {
      follow = on;
      for (const listener of followers) {
        listener(on);
      }
      if (on) {
        centre(santa.getLatLng(), !reducedMotion());
      }
    },

    onFollowChange(listener) {
      followers.add(listener);
    },
  };
  return view;
}
