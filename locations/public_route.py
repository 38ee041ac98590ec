"""A revision's route as the public sees it: its stops as the API's JSON, in arrival order, read once."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytz

from lib.instants import iso_z
from locations.geography import local_wall_time, public_country_name
from locations.models import PUBLIC_STOP_FIELDS, Revision, Stop

# The fields the API adds to a stop, each written right after the field it comes from.
_DERIVED_AFTER = {"country": "country_name", "timezone": "local_arrival"}


def _local_arrival(arrival: dt.datetime, zone: str) -> str | None:
    """The contract's local_arrival: the local wall time, ISO without an offset; None for an unknown zone."""
    try:
        return local_wall_time(arrival, zone).isoformat(timespec="seconds")
    except pytz.UnknownTimeZoneError:
        return None


def _derived(name: str, row: dict[str, Any]) -> str | None:
    if name == "country_name":
        return public_country_name(row["country"])
    return _local_arrival(row["arrival"], row["timezone"])


def stop_json(row: dict[str, Any]) -> dict[str, Any]:
    """One stop as the public API shows it, from a row holding the model's PUBLIC_STOP_FIELDS."""
    stop: dict[str, Any] = {}
    for field, name in PUBLIC_STOP_FIELDS.items():
        value = row[field]
        stop[name] = iso_z(value) if isinstance(value, dt.datetime) else value
        if field in _DERIVED_AFTER:
            stop[_DERIVED_AFTER[field]] = _derived(_DERIVED_AFTER[field], row)
    return stop


@dataclass(frozen=True)
class LiveRoute:
    """A revision's stops in arrival order, ready to serve without touching the database.

    `identity` is (pk, number, created): it tells one revision from another, also across a database reset.
    `delivered[n]` is the presents delivered once n stops are due.
    """

    revision: int
    identity: tuple[Any, ...]
    stops: tuple[dict[str, Any], ...]
    arrivals: tuple[dt.datetime, ...]
    delivered: tuple[int, ...]


def load_route(identity: tuple[Any, ...]) -> LiveRoute:
    """Read one revision's stops, identified by (pk, number, created), into a LiveRoute. Raises DatabaseError."""
    pk, number = identity[0], identity[1]
    rows = list(Stop.objects.filter(revision_id=pk).order_by("arrival", "index").values(*PUBLIC_STOP_FIELDS))
    delivered = [0]
    for row in rows:
        delivered.append(delivered[-1] + (row["presents"] or 0))
    return LiveRoute(
        revision=number,
        identity=identity,
        stops=tuple(stop_json(row) for row in rows),
        arrivals=tuple(row["arrival"] for row in rows),
        delivered=tuple(delivered),
    )


def revision_route(revision: Revision) -> LiveRoute:
    """Any revision's route exactly as the live route would serve it were it live (the staff map's preview)."""
    return load_route((revision.pk, revision.number, revision.created))
