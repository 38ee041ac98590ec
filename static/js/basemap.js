// The world's countries drawn cheaply. scripts/project-basemap.py projects Natural Earth's shapes to Web
// Mercator ahead of time (static/map/countries-110m.json), so the page only turns each ring into a Path2D once
// and paints them on one canvas: a move or zoom repaints, under a transform, the rings whose box is in view,
// once per world copy in view (the worlds either side of ±180°). No DOM element per country, no projection.
// Leaflet (window.L) is a classic script loaded before this module.

// At zoom 0 Leaflet's Web Mercator world is one 256-pixel tile.
const WORLD_PX = 256;
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

/** The world copies (-1, 0, 1) whose x range [left, left + width) meets a canvas `width` pixels wide. */
export function copiesInView(left, worldWidth, width) {
  return [-1, 0, 1].filter((shift) => {
    const start = left + shift * worldWidth;
    return start < width && start + worldWidth > 0;
  });
}

/** A Leaflet layer (a renderer, so it follows moves and zoom animations) painting the projected countries. */
export function basemapLayer(projected) {
  const L = window.L;
  const land = landRings(projected);

  const Basemap = L.Renderer.extend({
    _initContainer() {
      const canvas = document.createElement("canvas");
      canvas.className = "land";
      canvas.setAttribute("aria-hidden", "true");
      this._container = canvas;
      this._ctx = canvas.getContext("2d");
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
      // Several moves in one frame (a page setting its view as it loads) make one paint, in the next frame.
      if (this._frame == null) {
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
      L.DomUtil.setPosition(canvas, bounds.min);
      canvas.width = Math.round(ratio * size.x);
      canvas.height = Math.round(ratio * size.y);
      canvas.style.width = `${size.x}px`;
      canvas.style.height = `${size.y}px`;
      this._paint(bounds.min, size, ratio);
      this.fire("update");
    },

    _paint(min, size, ratio) {
      const ctx = this._ctx;
      const scale = this._map.getZoomScale(this._zoom, 0);
      const origin = this._map.getPixelOrigin();
      // The colours come from the stylesheet (.land), like the trail's; read once, as reading them forces a style
      // recalculation of the whole page.
      if (!this._colours) {
        const style = getComputedStyle(this._container);
        this._colours = { fill: style.color, border: style.borderTopColor };
      }
      ctx.fillStyle = this._colours.fill;
      ctx.strokeStyle = this._colours.border;
      ctx.lineWidth = BORDER_PX / scale;
      const left = -origin.x - min.x;
      const top = -origin.y - min.y;
      for (const shift of copiesInView(left, WORLD_PX * scale, size.x)) {
        const x = left + shift * WORLD_PX * scale;
        // The canvas in this copy's zoom-0 pixels: only the countries whose box meets it are painted.
        const view = {
          left: -x / scale,
          right: (size.x - x) / scale,
          top: -top / scale,
          bottom: (size.y - top) / scale,
        };
        ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * x, ratio * top);
        for (const { path, box } of land) {
          if (box.right >= view.left && box.left <= view.right && box.bottom >= view.top && box.top <= view.bottom) {
            ctx.fill(path);
            ctx.stroke(path);
          }
        }
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      this._container.dataset.painted = String(Number(this._container.dataset.painted ?? 0) + 1);
    },
  });
  return new Basemap({ pane: "tilePane", padding: 0.1 });
}
