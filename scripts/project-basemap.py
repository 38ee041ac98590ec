#!/usr/bin/env python3
"""Project the map's country shapes ahead of time, so a phone only paints them (static/js/basemap.js).

    .venv/bin/python scripts/project-basemap.py [--check]

Reads Natural Earth's 110m countries from world-atlas (node_modules, package-lock.json pins it), decodes the
TopoJSON arcs into each country's rings, unwraps the rings that cross ±180° (Fiji, Russia) so they run on
past 180 rather than smear across the map, projects every point to Leaflet's Web Mercator at zoom 0 (the
world is 256 px wide) and writes static/map/countries-110m.json: {"scale": 100, "rings": [[x0, y0, dx1,
dy1, ...], ...]}, whole hundredths of a pixel, each point after the first as the step from the one before.
The browser then builds one Path2D with no TopoJSON decoding and no projection. --check writes nothing and
exits 1 when the committed file differs from a fresh projection (run it again after updating world-atlas).
"""

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
OUTPUT = ROOT / "static" / "map" / "countries-110m.json"
WORLD_PX = 256
# Hundredths of a pixel at zoom 0: at the map's closest zoom (7, x128) a point is within 1.3 px of its place.
SCALE = 100
# Leaflet's Web Mercator stops here (L.Projection.SphericalMercator.MAX_LATITUDE).
MAX_LATITUDE = 85.0511287798


def decoded_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as (longitude, latitude) points, undoing TopoJSON's quantisation and delta encoding."""
    (scale_x, scale_y), (translate_x, translate_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """One ring from its arc indexes (~i is arc i reversed); each arc's first point repeats the last one's end."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrapped(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes that run on (179, 181) rather than jump (179, -179)."""
    result = [points[0]]
    for lng, lat in points[1:]:
        previous = result[-1][0]
        result.append((lng + round((previous - lng) / 360) * 360, lat))
    return result


def projected(lng: float, lat: float) -> tuple[int, int]:
    """Leaflet's EPSG:3857 pixel at zoom 0, in hundredths of a pixel."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lng + 180) / 360 * WORLD_PX
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * WORLD_PX
    return round(x * SCALE), round(y * SCALE)


def projected_rings(topology: dict) -> list[list[int]]:
    """Every ring of every country, projected and delta-encoded: [x0, y0, dx1, dy1, ...]."""
    arcs = decoded_arcs(topology)
    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs")], "MultiPolygon": geometry.get("arcs")}.get(geometry["type"], [])
        for polygon in polygons:
            for ring in polygon:
                points = [projected(lng, lat) for lng, lat in unwrapped(ring_points(ring, arcs))]
                encoded = list(points[0])
                for (x0, y0), (x1, y1) in itertools.pairwise(points):
                    if (x1, y1) != (x0, y0):
                        encoded += [x1 - x0, y1 - y0]
                rings.append(encoded)
    return rings


def main() -> None:
    """Write static/map/countries-110m.json, or with --check say whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when the file is not current")
    options = parser.parse_args()
    text = json.dumps({"scale": SCALE, "rings": projected_rings(json.loads(SOURCE.read_text()))}, separators=(",", ":"))
    if options.check:
        current = OUTPUT.exists() and OUTPUT.read_text() == text + "\n"
        verdict = "current" if current else "NOT current: run scripts/project-basemap.py"
        print(f"{OUTPUT.relative_to(ROOT)} is {verdict}")
        sys.exit(0 if current else 1)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text + "\n")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}: {len(text) // 1024} KB.")


if __name__ == "__main__":
    main()
