// Santa's trail and the visited stops' dots, painted on the map's one canvas over the countries. Each flight's great
// circle is projected to zoom-0 Web Mercator pixels once, when its stop is visited, into one growing path; a move
// or zoom repaints that path under a transform, once per world copy it shows in, and the dots at their screen
// positions. No element per stop and nothing re-projected after a move: a hop adds one arc and one dot.
// Leaflet (window.L) is a classic script loaded before this module.

import { WORLD_PX } from "./basemap.js";
import { greatCircle, wrapLongitude } from "./geo.js";

// Leaflet's Web Mercator stops at this latitude (L.Projection.SphericalMercator.MAX_LATITUDE).
const MAX_LATITUDE = 85.0511287798;
// Degrees between the points of a flight's great circle.
const SPACING = 2;
// Below this zoom (the whole world in view) the trail is finer and solid and the dots are left out, so four
// hundred stops stay readable.
export const FAR_ZOOM = 2.5;
// Widths in screen pixels: a dotted gold line (dashes of 2 with gaps of 6, round caps) on a dark casing.
const NEAR = { casing: 6, core: 3, dash: [2, 6] };
const FAR = { casing: 3.5, core: 1.5, dash: [] };
const DOT_RADIUS = 3;
const DOT_BORDER = 2;

/** The zoom-0 Web Mercator pixel [x, y] of [lat, lng], as Leaflet projects it; longitudes past ±180 run on. */
export function worldPixel([lat, lng]) {
  const sin = Math.sin((Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat)) * Math.PI) / 180);
  return [(lng / 360 + 0.5) * WORLD_PX, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * WORLD_PX];
}

/**
 * The trail through the visited stops in zoom-0 pixels, grown a stop at a time: `line` one path of great
 * circles (joined where one ends at the next one's start, as geo.trailArcs joins them), `dots` each stop's
 * [x, y] within the middle world, `box` {left, right, top, bottom} around both. `newPath` makes an empty Path2D.
 */
export class Trail {
  constructor(newPath = () => new Path2D()) {
    this.newPath = newPath;
    this.clear();
  }

  clear() {
    this.stops = [];
    this.line = this.newPath();
    this.dots = [];
    this.end = null;
    this.box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
  }

  /** Show `stops` ({lat, lng}): the ones after those shown are added when the shown ones are its start. */
  show(stops) {
    const known = this.stops.length;
    if (stops.length < known || (known > 0 && stops[known - 1] !== this.stops[known - 1])) {
      this.clear();
    }
    for (const stop of stops.slice(this.stops.length)) {
      this.add(stop);
    }
  }

  /** The next visited stop: its dot and the great circle to it from the one before. */
  add(stop) {
    const previous = this.stops[this.stops.length - 1];
    this.stops.push(stop);
    const dot = worldPixel([stop.lat, wrapLongitude(stop.lng)]);
    this.dots.push(dot);
    this.extend(dot);
    if (previous === undefined) {
      return;
    }
    const arc = greatCircle([previous.lat, wrapLongitude(previous.lng)], [stop.lat, stop.lng], SPACING);
    const points = arc.map(worldPixel);
    const joined = this.end !== null && this.end[0] === arc[0][0] && this.end[1] === arc[0][1];
    if (!joined) {
      this.line.moveTo(...points[0]);
      this.extend(points[0]);
    }
    for (const point of points.slice(1)) {
      this.line.lineTo(...point);
      this.extend(point);
    }
    this.end = arc[arc.length - 1];
  }

  extend([x, y]) {
    const { box } = this;
    box.left = Math.min(box.left, x);
    box.right = Math.max(box.right, x);
    box.top = Math.min(box.top, y);
    box.bottom = Math.max(box.bottom, y);
  }

  /** The world copies (-1, 0, 1) in which the trail, `margin` css px around it, meets a canvas `width` wide. */
  copiesInView(left, scale, width, margin) {
    return [-1, 0, 1].filter((shift) => {
      const x = left + shift * WORLD_PX * scale;
      return x + this.box.left * scale - margin < width && x + this.box.right * scale + margin > 0;
    });
  }
}

/**
 * A painter (for basemap.js's canvasLayer) of `trail` at the map's `zoom()`, in the stylesheet's colours: the line
 * and the dots in `--trail-line` on `--trail-casing` (`.trail`). Repaint the layer after the trail changes.
 */
export function trailPainter(trail, zoom) {
  return (ctx, { scale, left, top, width, height, ratio, style }) => {
    if (trail.stops.length === 0) {
      return;
    }
    const colours = { core: style("--trail-line"), casing: style("--trail-casing") };
    const far = zoom() < FAR_ZOOM;
    const widths = far ? FAR : NEAR;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    const copies = trail.copiesInView(left, scale, width, widths.casing);
    for (const shift of copies) {
      const x = left + shift * WORLD_PX * scale;
      // Under the transform a zoom-0 pixel is `scale` css px: widths and dashes are given in zoom-0 pixels.
      ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * x, ratio * top);
      ctx.strokeStyle = colours.casing;
      ctx.lineWidth = widths.casing / scale;
      ctx.setLineDash([]);
      ctx.stroke(trail.line);
      ctx.strokeStyle = colours.core;
      ctx.lineWidth = widths.core / scale;
      ctx.setLineDash(widths.dash.map((length) => length / scale));
      ctx.stroke(trail.line);
    }
    if (far) {
      return;
    }
    // The dots keep their size on screen: drawn in device pixels, only those on the canvas.
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.setLineDash([]);
    const dots = new Path2D();
    const reach = DOT_RADIUS + DOT_BORDER;
    for (const shift of copies) {
      const x0 = left + shift * WORLD_PX * scale;
      for (const [dx, dy] of trail.dots) {
        const x = x0 + dx * scale;
        const y = top + dy * scale;
        if (x > -reach && x < width + reach && y > -reach && y < height + reach) {
          dots.moveTo(x + DOT_RADIUS, y);
          dots.arc(x, y, DOT_RADIUS, 0, 2 * Math.PI);
        }
      }
    }
    ctx.fillStyle = colours.core;
    ctx.strokeStyle = colours.casing;
    ctx.lineWidth = DOT_BORDER;
    ctx.fill(dots);
    ctx.stroke(dots);
  };
}
