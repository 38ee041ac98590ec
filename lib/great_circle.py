"""The great-circle distance between two points on the Earth, taken as a sphere of its mean radius.

The map's JavaScript has the same function, `distanceKm` in static/js/geo.js, with the same radius.
"""

import math

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
