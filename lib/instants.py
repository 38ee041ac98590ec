"""An instant written as ISO 8601 in UTC with Z: the one way the API, the pages and the sheets write one."""

import datetime as dt
from typing import Literal


def iso_z(moment: dt.datetime, timespec: Literal["auto", "seconds"] = "auto") -> str:
    """`moment` (aware) as ISO 8601 UTC with Z, e.g. "2026-12-24T21:14:00Z".

    "auto" writes milliseconds only when the instant has a fraction ("...:00.250Z"); "seconds" drops any
    fraction (the sheets', findings' and staff map's to-the-second instants). Raises ValueError for a naive
    `moment`, which names no instant.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone, so it names no instant")
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if timespec == "seconds":
        utc = utc.replace(microsecond=0)
    return utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds") + "Z"
