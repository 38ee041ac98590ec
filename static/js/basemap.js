// The world's countries drawn cheaply. scripts/project-basemap.py projects Natural Earth's shapes to Web
// Mercator ahead of time (static/map/countries-110m.json), so the page only turns each ring into a Path2D once
// and paints them on one canvas: a move or zoom repaints, under a transform, the rings whose box is in view,
// once per world copy in view (the worlds either side of ±180°). No DOM element per country, no projection.
// Leaflet (window.L) is a classic script loaded before this module.

// At zoom 0 Leaflet's Web Mercator world is one 256-pixel tile.
export const WORLD_PX = 256;
// Country borders, in screen pixels at every zoom.
const BORDER_PX = 0.6;

/**
 * The projected rings ({scale, rings: [[x0, y0, dx1, dy1, ...]]}) as paths in zoom-0 pixels, each with its
 * bounding box, so a paint skips every country outside the view. `newPath` makes an empty Path2D.
 */
export function landRings({ scale, rings }, newPath = () => new Path2D()) {
  return rings.map((ring) => {
    const path = newPath();
    let x = ring[0] / scale;
    let y = ring[1] / scale;
    const box = { left: x, top: y, right: x, bottom: y };
    path.moveTo(x, y);
    for (let i = 2; i < ring.length; i += 2) {
      x += ring[i] / scale;
      y += ring[i + 1] / scale;
      path.lineTo(x, y);
      box.left = Math.min(box.left, x);
      box.right = Math.max(box.right, x);
      box.top = Math.min(box.top, y);
      box.bottom = Math.max(box.bottom, y);
    }
    path.closePath();
    return { path, box };
  });
}

// Points turned into paths per task by landRingsInSlices: about 5 ms of a phone's main thread at a time.
const POINTS_PER_TASK = 1500;

/**
 * landRings a slice of rings at a time (about POINTS_PER_TASK points each), awaiting `pause()` between slices, so
 * that turning the shapes into paths never holds the page for long (all at once it was one long task on a phone):
 * resolves with the same rings. `pause` resolves in a later task by default.
 */
export async function landRingsInSlices(
  { scale, rings },
  { newPath = () => new Path2D(), pause = () => new Promise((done) => setTimeout(done, 0)) } = {},
) {
  const land = [];
  let start = 0;
  while (start < rings.length) {
    let end = start;
    let points = 0;
    while (end < rings.length && (end === start || points + rings[end].length / 2 <= POINTS_PER_TASK)) {
      points += rings[end].length / 2;
      end += 1;
    }
    land.push(...landRings({ scale, rings: rings.slice(start, end) }, newPath));
    start = end;
    if (start < rings.length) {
      await pause();
    }
  }
  return land;
}

/** The world copies (-1, 0, 1) whose x range [left, left + width) meets a canvas `width` pixels wide. */
export function copiesInView(left, worldWidth, width) {
  return [-1, 0, 1].filter((shift) => {
    const start = left + shift * worldWidth;
    return start < width && start + worldWidth > 0;
  });
}

/**
 * A Leaflet layer with one canvas (a renderer, so it follows moves and zoom animations) that `painters` paint, in
 * order, after each move or zoom, and after `layer.repaint()`, at most once a frame; the list may grow later. Each
 * is called as `paint(ctx, view)`, `view` saying where the world is: `scale` (canvas css px per zoom-0 px), `left`
 * and `top` (where zoom-0 pixel 0, 0 of the middle world copy is on the canvas, css px), `width` and `height` (css
 * px), `ratio` (device px per css px), and `style(property)` (the canvas's computed style, read once: reading it
 * forces a style recalculation of the whole page); the context starts untransformed. The canvas gets `className`
 * (its colours come from the stylesheet) and counts its paints in `data-painted`; `layer.canvas()` is the element.
 * The live map has one, painting the countries and the trail (static/js/trail.js): a browser handles every canvas
 * again on every frame it draws (a tick of the card's counter is one), so one canvas costs half what two do.
 */
export function canvasLayer({ className, pane, painters }) {
  const L = window.L;

  const CanvasLayer = L.Renderer.extend({
    _initContainer() {
      const canvas = document.createElement("canvas");
      canvas.className = className;
      canvas.setAttribute("aria-hidden", "true");
      this._container = canvas;
      this._ctx = canvas.getContext("2d");
      this._style = null;
    },

    _destroyContainer() {
      cancelAnimationFrame(this._frame);
      this._frame = null;
      this._container.remove();
      delete this._ctx;
    },

    _update() {
      // During a zoom animation the canvas is scaled by CSS; it is painted anew when the zoom ends.
      if (this._map._animatingZoom && this._bounds) {
        return;
      }
      L.Renderer.prototype._update.call(this);
      this.repaint();
    },

    /** The canvas element. */
    canvas() {
      return this._container;
    },

    /** Paint in the next frame: several moves or changes in one frame (a page setting its view) make one paint. */
    repaint() {
      if (this._frame == null && this._map && this._bounds) {
        this._frame = requestAnimationFrame(() => {
          this._frame = null;
          this._redraw();
        });
      }
    },

    _redraw() {
      const bounds = this._bounds;
      const size = bounds.getSize();
      const ratio = window.devicePixelRatio || 1;
      const canvas = this._container;
      const ctx = this._ctx;
      L.DomUtil.setPosition(canvas, bounds.min);
      const width = Math.round(ratio * size.x);
      const height = Math.round(ratio * size.y);
      // A canvas given its size again gets a new backing store, which costs more than the paint: only when it changed.
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
        canvas.style.width = `${size.x}px`;
        canvas.style.height = `${size.y}px`;
      } else {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, width, height);
      }
      const origin = this._map.getPixelOrigin();
      const view = {
        scale: this._map.getZoomScale(this._zoom, 0),
        left: -origin.x - bounds.min.x,
        top: -origin.y - bounds.min.y,
        width: size.x,
        height: size.y,
        ratio,
        style: (property) => {
          this._style ??= new Map();
          if (!this._style.has(property)) {
            this._style.set(property, getComputedStyle(canvas).getPropertyValue(property).trim());
          }
          return this._style.get(property);
        },
      };
      for (const paint of painters) {
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        paint(ctx, view);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      canvas.dataset.painted = String(Number(canvas.dataset.painted ?? 0) + 1);
      this.fire("update");
    },
  });
  return new CanvasLayer({ pane, padding: 0.1 });
}

/**
 * A painter (for canvasLayer) of the countries, `land` as landRings makes them, filled in the canvas's `color` with
 * borders in its `border-color` (the stylesheet's `.land`).
 */
export function landPainter(land) {
  return (ctx, { scale, left, top, width, height, ratio, style }) => {
    ctx.fillStyle = style("color");
    ctx.strokeStyle = style("border-top-color");
    ctx.lineWidth = BORDER_PX / scale;
    for (const shift of copiesInView(left, WORLD_PX * scale, width)) {
      const x = left + shift * WORLD_PX * scale;
      // The canvas in this copy's zoom-0 pixels: only the countries whose box meets it are painted.
      const view = {
        left: -x / scale,
        right: (width - x) / scale,
        top: -top / scale,
        bottom: (height - top) / scale,
      };
      ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * x, ratio * top);
      for (const { path, box } of land) {
        if (box.right >= view.left && box.left <= view.right && box.bottom >= view.top && box.top <= view.bottom) {
          ctx.fill(path);
          ctx.stroke(path);
        }
      }
    }
  };
}

/** A layer of its own painting the projected countries in the tile pane (the staff map's, under its SVG trail). */
export function basemapLayer(projected) {
  return canvasLayer({ className: "land", pane: "tilePane", painters: [landPainter(landRings(projected))] });
}
