// The world's countries drawn cheaply: projected once to Web Mercator into one Path2D, then painted on one
// canvas per view. A move or zoom repaints that single path three times (the worlds either side of ±180°)
// under a transform, so the basemap costs no DOM elements and no per-country work after the first paint.
// Leaflet (window.L) and topojson-client (window.topojson) are classic scripts loaded before this module.

// At zoom 0 Leaflet's Web Mercator world is one 256-pixel tile.
const WORLD_PX = 256;
// Country borders, in screen pixels at every zoom.
const BORDER_PX = 0.6;

/** Make a ring's longitudes run on (179, 181) rather than jump (179, -179), in place. */
export function unwrapRing(ring) {
  for (let i = 1; i < ring.length; i += 1) {
    ring[i][0] += Math.round((ring[i - 1][0] - ring[i][0]) / 360) * 360;
  }
}

/**
 * Every ring of every country in `features` (GeoJSON), unwrapped across the antimeridian, as lists of [x, y]
 * world pixels at zoom 0 from `project([lat, lng])`. Natural Earth draws Fiji and Russia across ±180°:
 * unwrapped, they are not smeared over the whole map, and the copies either side show the part beyond.
 */
export function projectedRings(features, project) {
  const rings = [];
  for (const feature of features) {
    const { type, coordinates } = feature.geometry ?? {};
    const polygons = type === "Polygon" ? [coordinates] : type === "MultiPolygon" ? coordinates : [];
    for (const polygon of polygons) {
      for (const ring of polygon) {
        const copy = ring.map(([lng, lat]) => [lng, lat]);
        unwrapRing(copy);
        rings.push(copy.map(([lng, lat]) => project([lat, lng])));
      }
    }
  }
  return rings;
}

/** One Path2D through `rings` of world pixels (closed; even-odd holes are left to the fill rule). */
function pathOf(rings) {
  const path = new Path2D();
  for (const ring of rings) {
    ring.forEach(([x, y], i) => (i === 0 ? path.moveTo(x, y) : path.lineTo(x, y)));
    path.closePath();
  }
  return path;
}

/** A Leaflet layer (a renderer, so it follows moves and zoom animations) painting the countries of `topology`. */
export function basemapLayer(topology) {
  const L = window.L;
  const features = window.topojson.feature(topology, topology.objects.countries).features;
  const project = ([lat, lng]) => {
    const point = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lng), 0);
    return [point.x, point.y];
  };
  const land = pathOf(projectedRings(features, project));

  const Basemap = L.Renderer.extend({
    _initContainer() {
      const canvas = document.createElement("canvas");
      canvas.className = "land";
      canvas.setAttribute("aria-hidden", "true");
      this._container = canvas;
      this._ctx = canvas.getContext("2d");
    },

    _destroyContainer() {
      this._container.remove();
      delete this._ctx;
    },

    _update() {
      // During a zoom animation the canvas is scaled by CSS; it is painted anew when the zoom ends.
      if (this._map._animatingZoom && this._bounds) {
        return;
      }
      L.Renderer.prototype._update.call(this);
      const bounds = this._bounds;
      const size = bounds.getSize();
      const ratio = window.devicePixelRatio || 1;
      const canvas = this._container;
      L.DomUtil.setPosition(canvas, bounds.min);
      canvas.width = Math.round(ratio * size.x);
      canvas.height = Math.round(ratio * size.y);
      canvas.style.width = `${size.x}px`;
      canvas.style.height = `${size.y}px`;
      this._paint(bounds.min, ratio);
      this.fire("update");
    },

    _paint(min, ratio) {
      const ctx = this._ctx;
      const scale = this._map.getZoomScale(this._zoom, 0);
      const origin = this._map.getPixelOrigin();
      // The colours come from the stylesheet (.land), like the trail's.
      const style = getComputedStyle(this._container);
      ctx.fillStyle = style.color;
      ctx.strokeStyle = style.borderTopColor;
      ctx.lineWidth = BORDER_PX / scale;
      ctx.lineJoin = "round";
      for (const shift of [-1, 0, 1]) {
        const x = -origin.x - min.x + shift * WORLD_PX * scale;
        ctx.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * x, ratio * (-origin.y - min.y));
        ctx.fill(land, "evenodd");
        ctx.stroke(land);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      this._container.dataset.painted = String(Number(this._container.dataset.painted ?? 0) + 1);
    },
  });
  return new Basemap({ pane: "tilePane", padding: 0.1 });
}
