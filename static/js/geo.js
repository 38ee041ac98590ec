// Great circles for Santa's flights and trail, drawn on a flat map whose edge is the antimeridian.

const RADIANS = Math.PI / 180;
const DEGREES = 180 / Math.PI;
// The Earth's mean radius (IUGG, Moritz 2000, "Geodetic Reference System 1980"), in kilometres.
export const EARTH_RADIUS_KM = 6371.0088;

/** A longitude moved into [-180, 180). */
export function wrapLongitude(lng) {
  if (lng >= -180 && lng < 180) {
    return lng;
  }
  return ((((lng + 180) % 360) + 360) % 360) - 180;
}

function vector([lat, lng]) {
  const phi = lat * RADIANS;
  const lambda = lng * RADIANS;
  return [Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)];
}

/** The angle between two points on the sphere, in degrees. */
export function angularDistance(a, b) {
  const [x1, y1, z1] = vector(a);
  const [x2, y2, z2] = vector(b);
  const cross = Math.hypot(y1 * z2 - z1 * y2, z1 * x2 - x1 * z2, x1 * y2 - y1 * x2);
  return Math.atan2(cross, x1 * x2 + y1 * y2 + z1 * z2) * DEGREES;
}

/** The great-circle distance between two [lat, lng] points, in kilometres. */
export function distanceKm(a, b) {
  return angularDistance(a, b) * RADIANS * EARTH_RADIUS_KM;
}

/**
 * Points along the great circle from `a` to `b` ([lat, lng] pairs), one every `spacing` degrees or so.
 * Longitudes run on without jumping: they start at `a`'s and may leave [-180, 180] when the flight crosses
 * the antimeridian, so the line is drawn straight across the map's edge rather than back across the world.
 */
export function greatCircle(a, b, spacing = 2) {
  const distance = angularDistance(a, b);
  const steps = Math.max(1, Math.ceil(distance / spacing));
  const [x1, y1, z1] = vector(a);
  const [x2, y2, z2] = vector(b);
  const sine = Math.sin(distance * RADIANS);
  const points = [];
  let previous = a[1];
  for (let i = 0; i <= steps; i += 1) {
    const t = i / steps;
    let lat;
    let lng;
    if (i === 0) {
      [lat, lng] = a;
    } else if (i === steps) {
      // Exactly the stop, so the next flight's line joins this one.
      [lat, lng] = b;
    } else if (sine < 1e-9) {
      // The same place, or the far side of the globe where every great circle would do: go straight.
      lat = a[0] + (b[0] - a[0]) * t;
      lng = a[1] + (b[1] - a[1]) * t;
    } else {
      const wa = Math.sin((1 - t) * distance * RADIANS) / sine;
      const wb = Math.sin(t * distance * RADIANS) / sine;
      const x = wa * x1 + wb * x2;
      const y = wa * y1 + wb * y2;
      const z = wa * z1 + wb * z2;
      lat = Math.atan2(z, Math.hypot(x, y)) * DEGREES;
      lng = Math.atan2(y, x) * DEGREES;
    }
    // Unwrap: each longitude within 180 degrees of the one before.
    lng += Math.round((previous - lng) / 360) * 360;
    previous = lng;
    points.push([lat, lng]);
  }
  return points;
}

/** The trail through `stops` ({lat, lng}) as great circles joined where they meet, longitudes unwrapped. */
export function trailArcs(stops, spacing = 2) {
  const lines = [];
  let line = [];
  for (let i = 1; i < stops.length; i += 1) {
    const from = [stops[i - 1].lat, wrapLongitude(stops[i - 1].lng)];
    const to = [stops[i].lat, stops[i].lng];
    const arc = greatCircle(from, to, spacing);
    const last = line[line.length - 1];
    if (last && last[0] === arc[0][0] && last[1] === arc[0][1]) {
      line.push(...arc.slice(1));
    } else {
      if (line.length > 1) {
        lines.push(line);
      }
      line = arc;
    }
  }
  if (line.length > 1) {
    lines.push(line);
  }
  return lines;
}

/**
 * The trail through `stops` as lines for a flat map: trailArcs, and any line that runs past the
 * antimeridian also drawn shifted by 360 degrees on the other side.
 */
export function trailLines(stops, spacing = 2) {
  const lines = trailArcs(stops, spacing);
  const copies = [];
  for (const each of lines) {
    const lngs = each.map(([, lng]) => lng);
    if (Math.max(...lngs) > 180) {
      copies.push(each.map(([lat, lng]) => [lat, lng - 360]));
    }
    if (Math.min(...lngs) < -180) {
      copies.push(each.map(([lat, lng]) => [lat, lng + 360]));
    }
  }
  return [...lines, ...copies];
}
