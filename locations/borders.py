"""Country boundaries from Natural Earth's 1:10m countries (world-atlas's countries-10m.json, TopoJSON).

The time-zone polygons and the nearest city decide a point's country everywhere but on a border, where both
can be wrong by a few kilometres (Hekou, China sits in the Asia/Bangkok polygon; Mount Everest in
Asia/Shanghai). There the country boundaries decide. Natural Earth's 1:10m boundaries are quantised in
world-atlas to 0.0036 degrees of longitude and 0.0017 of latitude, about 400 m and 190 m at the equator.
"""

import json
from functools import cache
from typing import Any

import numpy as np
import pycountry
import shapely
from django.conf import settings

from lib.great_circle import distance_km

# How close to a country's boundary a point may lie and still be in that country. Natural Earth draws for
# 1:10,000,000, where half a millimetre on the map is 5 km; measured against GeoNames, its line lies 2.3 km
# from Hekou, China and 4.8 km from Google's Mount Everest, Nepal, both on the wrong side.
BORDER_KM = 5.0
COUNTRIES_FILE = "world-atlas/countries-10m.json"


@cache
def _topology() -> dict[str, Any]:
    """The topology file's arcs and transform, and each country's polygons (lists of rings of arc indexes)."""
    path = settings.NODE_MODULES / COUNTRIES_FILE
    topology = json.loads(path.read_text(encoding="utf-8"))
    countries: dict[str, list[list[list[int]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=geometry.get("id") or "")
        if country is not None:
            polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
            countries.setdefault(country.alpha_2, []).extend(polygons)
    return {"arcs": topology["arcs"], "transform": topology["transform"], "countries": countries}


def _arc(index: int) -> np.ndarray:
    """One arc as (longitude, latitude) rows; TopoJSON 1.0 quantises and delta-encodes its positions."""
    topology = _topology()
    scale, shift = topology["transform"]["scale"], topology["transform"]["translate"]
    return np.cumsum(np.array(topology["arcs"][index], dtype=float), axis=0) * scale + shift


def _ring(indexes: list[int]) -> np.ndarray:
    """One ring from its arcs; a negative index ~i is arc i reversed; shared end points are kept once."""
    parts = [_arc(index) if index >= 0 else _arc(~index)[::-1] for index in indexes]
    return np.concatenate([parts[0], *(part[1:] for part in parts[1:])])


@cache
def boundary(country: str) -> shapely.Geometry | None:
    """A country's land as one prepared shapely geometry in (longitude, latitude) degrees; None for a code the
    dataset does not hold (Natural Earth's entries with no ISO code, such as Kosovo, are left out, as the
    brief's ISO policy leaves them). Reads node_modules (npm ci) once per process."""
    topology = _topology()
    polygons = []
    for polygon in topology["countries"].get(country, []):
        rings = [_ring(indexes) for indexes in polygon]
        # Quantising collapses some islets to fewer than four points: no area left to hold a stop.
        if len(rings[0]) >= 4:
            polygons.append(shapely.Polygon(rings[0], [ring for ring in rings[1:] if len(ring) >= 4]))
    if not polygons:
        return None
    # Natural Earth's polygons of one country never overlap, so the collection needs no repair (make_valid
    # would take seconds for the United States).
    shape = shapely.MultiPolygon(polygons)
    shapely.prepare(shape)
    return shape


def km_outside(country: str, latitude: float, longitude: float) -> float | None:
    """How far in km a point lies outside a country's boundary: 0.0 inside it, None for a country the
    dataset does not hold."""
    shape = boundary(country)
    if shape is None:
        return None
    point = shapely.Point(longitude, latitude)
    if shape.contains(point):
        return 0.0
    nearest = shapely.shortest_line(point, shape).coords[-1]
    return distance_km(latitude, longitude, nearest[1], nearest[0])


def on_boundary_of(country: str, latitude: float, longitude: float) -> bool:
    """Whether a point lies in `country` by its Natural Earth boundary, within BORDER_KM."""
    distance = km_outside(country, latitude, longitude)
    return distance is not None and distance <= BORDER_KM
