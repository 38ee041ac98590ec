"""The great-circle distance between two points on the Earth, taken as a sphere of its mean radius.

Also where two hops of a path cross (the planner's and its benchmark's measure of a tangled trail).
The map's JavaScript has the same distance function, `distanceKm` in static/js/geo.js, with the same radius.
"""

import math
from collections.abc import Sequence

import numpy as np

# The Earth's mean radius R1 = (2a + b) / 3 of the GRS 80 ellipsoid, in kilometres (IUGG; H. Moritz,
# "Geodetic Reference System 1980", Journal of Geodesy 74 (2000) 128-133).
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Kilometres along the sphere between two points in decimal degrees (haversine; at most about 20,015 km).

    The haversine term is clamped to 1, so rounding near antipodal points never asks asin for more than 1.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def unit_vectors(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Points as (latitude, longitude) in decimal degrees to unit vectors from the Earth's centre: shape (n, 3)."""
    radians = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    latitude, longitude = radians[:, 0], radians[:, 1]
    return np.column_stack(
        (np.cos(latitude) * np.cos(longitude), np.cos(latitude) * np.sin(longitude), np.sin(latitude))
    )


def crossing_hops(points: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j - 1, of hops of a path that cross each other on the sphere, hop i being the
    shorter great-circle arc from points[i] to points[i + 1]; points as (latitude, longitude) in degrees.

    Two arcs cross when each one's ends lie strictly on opposite sides of the other's great circle and the
    point where the two circles meet lies on both arcs (not its antipode): the orientation test on the
    sphere, as in S2's CrossingSign (s2geometry.io, "S2EdgeCrosser"). Arcs that only touch at an end, or lie
    on one great circle, do not cross. Hops between adjacent stops share a stop and are never counted.
    """
    vectors = unit_vectors(points)
    if len(vectors) < 4:
        return []
    starts, ends = vectors[:-1], vectors[1:]
    normals = np.cross(starts, ends)  # each hop's great circle, as its pole
    # side[i, k]: on which side of hop i's circle point k lies.
    side = normals @ vectors.T
    pairs: list[tuple[int, int]] = []
    eps = 1e-12
    for i in range(len(normals) - 2):
        j = np.arange(i + 2, len(normals))
        # Hop j's ends on opposite sides of hop i's circle, and hop i's ends on opposite sides of hop j's.
        apart_j = side[i, j] * side[i, j + 1] < -eps
        apart_i = side[j, i] * side[j, i + 1] < -eps
        candidates = j[apart_j & apart_i]
        if not len(candidates):
            continue
        meet = np.cross(normals[i], normals[candidates])
        # The meeting point on hop i's side of the sphere; then it must lie on hop j's side too.
        meet *= np.sign(meet @ (starts[i] + ends[i]))[:, None]
        on_both = np.einsum("ij,ij->i", meet, starts[candidates] + ends[candidates]) > 0
        pairs.extend((i, int(k)) for k in candidates[on_both])
    return pairs
