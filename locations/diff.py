"""What changed between two revisions: stops added, removed, renamed, moved, retimed, given another country,
or another region, fact or number of presents."""

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import ngettext

from lib.great_circle import distance_km
from locations.geography import describe
from locations.models import Revision, Stop

# Below this a coordinate fix cannot be seen on the map, and float round-trips must not count as moves.
MOVE_TOLERANCE_KM = 1.0
# A stop matched only by (city, region) across countries, with no region to go on, must stay this close.
RECOUNTRY_RADIUS_KM = 100.0


class ChangeKind(enum.StrEnum):
    """The kinds of change organisers review, in the order they are shown."""

    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    RETIMED = "retimed"
    COUNTRY_CHANGED = "country changed"
    RENAMED = "renamed"
    # What the card says beside the name: the region, the fact (in any language) and the presents.
    DETAILS_CHANGED = "details changed"


KIND_ORDER = {kind: position for position, kind in enumerate(ChangeKind)}


@dataclass(frozen=True)
class StopState:
    """The fields of one stop that a diff compares, read without building model instances."""

    index: int
    row: int
    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    arrival: dt.datetime
    presents: int | None = None
    fact: str = ""
    facts: dict[str, str] = field(default_factory=dict, compare=False)

    def details(self) -> tuple[object, ...]:
        """The fields the card shows beside the name and place."""
        return (self.region, self.presents, self.fact, sorted(self.facts.items()))


@dataclass(frozen=True)
class StopChange:
    """One change to one stop; `visible` when viewers can already see the old or the new version."""

    kind: ChangeKind
    old: StopState | None
    new: StopState | None
    visible: bool
    distance_km: float | None = None

    @property
    def stop(self) -> StopState:
        """The version to name the stop by: the new one unless the stop was removed."""
        stop = self.new or self.old
        if stop is None:
            raise ValueError("A stop change needs the stop before or after it.")
        return stop

    @property
    def index(self) -> int:
        return self.stop.index

    @property
    def shown_from(self) -> dt.datetime:
        """The route time viewers first meet the change: the earlier arrival of its old and new versions."""
        return min(state.arrival for state in (self.old, self.new) if state is not None)

    @property
    def place(self) -> str:
        """'Toronto, Ontario, CA', as an organiser would name the stop."""
        stop = self.stop
        return ", ".join(part for part in (stop.city, stop.region, stop.country) if part)

    @property
    def summary(self) -> str:
        """One line for the organiser saying what changed."""
        old, new = self.old, self.new
        if self.kind is ChangeKind.ADDED or old is None:
            return f"new stop, arrives {_utc(self.stop.arrival)}"
        if self.kind is ChangeKind.REMOVED or new is None:
            return f"no longer on the route (was due {_utc(old.arrival)})"
        if self.kind is ChangeKind.MOVED:
            return (
                f"moved {self.distance_km:.1f} km, from {old.latitude:.4f}, {old.longitude:.4f}"
                f" to {new.latitude:.4f}, {new.longitude:.4f}"
            )
        if self.kind is ChangeKind.RETIMED:
            minutes = (new.arrival - old.arrival).total_seconds() / 60
            return f"arrival {_utc(old.arrival)} → {_utc(new.arrival)} ({minutes:+.0f} min)"
        if self.kind is ChangeKind.RENAMED:
            return f"named {old.city!r} → {new.city!r}"
        if self.kind is ChangeKind.DETAILS_CHANGED:
            return _details_summary(old, new)
        return f"{describe(old.country)} → {describe(new.country)}"


@dataclass
class RevisionDiff:
    """Every change from `old_number` (None for the first revision) to `new_number`, judged at route time `now`."""

    old_number: int | None
    new_number: int
    now: dt.datetime
    changes: list[StopChange] = field(default_factory=list)
    unchanged: int = 0

    def of_kind(self, kind: ChangeKind) -> list[StopChange]:
        return [change for change in self.changes if change.kind is kind]

    @property
    def counts(self) -> dict[ChangeKind, int]:
        """How many changes of each kind, every kind present (zero when none)."""
        counts = dict.fromkeys(ChangeKind, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    @property
    def visible(self) -> list[StopChange]:
        """The changes that touch stops viewers can already see."""
        return [change for change in self.changes if change.visible]

    @property
    def is_empty(self) -> bool:
        return not self.changes


def diff_revisions(old: Revision | None, new: Revision, now: dt.datetime) -> RevisionDiff:
    """Compare two revisions stop by stop; a change is visible when its stop is due at route time `now`."""
    old_stops = stop_states(old) if old is not None else []
    new_stops = stop_states(new)
    diff = RevisionDiff(old.number if old is not None else None, new.number, now)
    pairs, removed, added = match_stops(old_stops, new_stops)
    for before, after in pairs:
        changes = compare(before, after, now)
        diff.changes.extend(changes)
        diff.unchanged += not changes
    diff.changes.extend(StopChange(ChangeKind.REMOVED, stop, None, stop.arrival <= now) for stop in removed)
    diff.changes.extend(StopChange(ChangeKind.ADDED, None, stop, stop.arrival <= now) for stop in added)
    diff.changes.sort(key=lambda change: (change.index, KIND_ORDER[change.kind]))
    return diff


@dataclass(frozen=True)
class Rewind:
    """What viewers would lose at route time `now` if one revision replaced another: nothing when `is_empty`.

    `lost` are stops viewers have seen that would be gone or not yet due again; `reordered` says the
    stops they have seen would come in another order. A correction that keeps a seen stop seen (a
    country fix, a small move, a retime that stays in the past and in order) takes nothing back.
    """

    due_before: int
    due_after: int
    lost: tuple[StopState, ...]
    reordered: bool

    @property
    def is_empty(self) -> bool:
        return self.due_after >= self.due_before and not self.lost and not self.reordered

    def summary(self) -> str:
        """One sentence for the organiser, naming what viewers would lose."""
        parts = []
        if self.due_after < self.due_before:
            parts.append(f"the stops visited now would drop from {self.due_before} to {self.due_after}")
        if self.lost:
            names = ", ".join(f"{stop.city} ({stop.country})" for stop in self.lost[:5])
            more = f" and {len(self.lost) - 5} more" if len(self.lost) > 5 else ""
            seen = ngettext(
                "stop viewers have seen would disappear", "stops viewers have seen would disappear", len(self.lost)
            )
            parts.append(f"{len(self.lost)} {seen}: {names}{more}")
        if self.reordered:
            parts.append("the stops viewers have seen would come in another order")
        return "; ".join(parts) + "." if parts else "Viewers lose nothing."


def rewind(old: Revision | None, new: Revision, now: dt.datetime) -> Rewind:
    """What replacing OLD (the live revision) by NEW at route time `now` would take back from viewers."""
    old_stops = stop_states(old) if old is not None else []
    new_stops = stop_states(new)
    seen = [stop for stop in old_stops if stop.arrival <= now]
    pairs, _removed, _added = match_stops(seen, new_stops)
    kept = {before.index: after for before, after in pairs if after.arrival <= now}
    lost = tuple(stop for stop in seen if stop.index not in kept)
    # The seen stops that stay seen must keep their order among the new revision's due stops.
    order = [kept[stop.index].arrival for stop in seen if stop.index in kept]
    return Rewind(
        due_before=len(seen),
        due_after=sum(stop.arrival <= now for stop in new_stops),
        lost=lost,
        reordered=order != sorted(order),
    )


def stop_states(revision: Revision) -> list[StopState]:
    """A revision's stops in route order, as plain values (one query, no model instances)."""
    rows = (
        Stop.objects.filter(revision=revision)
        .order_by("index")
        .values_list(
            "index", "row", "city", "region", "country", "latitude", "longitude", "arrival", "presents", "fact", "facts"
        )
    )
    return [StopState(*row) for row in rows]


def match_stops(
    old: list[StopState], new: list[StopState]
) -> tuple[list[tuple[StopState, StopState]], list[StopState], list[StopState]]:
    """Pair each old stop with its new version; the rest were removed or added.

    A stop is known by its city and country; duplicates (three Springfields) pair by region first and then
    in route order. What is left pairs by city and region, so a country fix (Toronto US to CA) is one stop
    whose country changed rather than one removed and one added.
    """
    pairs: list[tuple[StopState, StopState]] = []
    passes: list[tuple[Callable[[StopState], tuple], Callable[[StopState, StopState], bool]]] = [
        (lambda s: (_fold(s.city), s.country, _fold(s.region)), _always),
        (lambda s: (_fold(s.city), s.country), _always),
        (lambda s: (_fold(s.city), _fold(s.region)), _plausible_country_fix),
        # A stop whose name was corrected (Berlin to Berlin-Mitte) stays where it was, in its country.
        (lambda s: (s.country,), _same_place),
    ]
    for key, accept in passes:
        found, old, new = _pair_by(old, new, key, accept)
        pairs.extend(found)
    return pairs, old, new


def compare(old: StopState, new: StopState, now: dt.datetime) -> list[StopChange]:
    """The changes between two versions of one stop."""
    visible = old.arrival <= now or new.arrival <= now
    changes = []
    distance = distance_km(old.latitude, old.longitude, new.latitude, new.longitude)
    if distance > MOVE_TOLERANCE_KM:
        changes.append(StopChange(ChangeKind.MOVED, old, new, visible, distance))
    if old.arrival != new.arrival:
        changes.append(StopChange(ChangeKind.RETIMED, old, new, visible))
    if old.country != new.country:
        changes.append(StopChange(ChangeKind.COUNTRY_CHANGED, old, new, visible))
    if _fold(old.city) != _fold(new.city):
        changes.append(StopChange(ChangeKind.RENAMED, old, new, visible))
    if old.details() != new.details():
        changes.append(StopChange(ChangeKind.DETAILS_CHANGED, old, new, visible))
    return changes


def _pair_by(
    old: list[StopState],
    new: list[StopState],
    key: Callable[[StopState], tuple],
    accept: Callable[[StopState, StopState], bool],
) -> tuple[list[tuple[StopState, StopState]], list[StopState], list[StopState]]:
    """Pair stops with equal keys in route order; return the pairs and the unpaired of each side."""
    waiting: dict[tuple, list[StopState]] = defaultdict(list)
    for stop in new:
        waiting[key(stop)].append(stop)
    pairs, unpaired_old = [], []
    for stop in old:
        candidates = waiting.get(key(stop), [])
        # Groups are duplicates of one name, so this scan is short even on a 10,000-stop route.
        match = next((c for c in candidates if accept(stop, c)), None)
        if match is None:
            unpaired_old.append(stop)
        else:
            candidates.remove(match)
            pairs.append((stop, match))
    paired_new = {id(after) for _, after in pairs}
    unpaired_new = [stop for stop in new if id(stop) not in paired_new]
    return pairs, unpaired_old, unpaired_new


def _always(_old: StopState, _new: StopState) -> bool:
    return True


def _plausible_country_fix(old: StopState, new: StopState) -> bool:
    """Same city and region in another country: the same place, unless there is no region and it is far away."""
    if old.region.strip():
        return True
    return distance_km(old.latitude, old.longitude, new.latitude, new.longitude) <= RECOUNTRY_RADIUS_KM


def _same_place(old: StopState, new: StopState) -> bool:
    return distance_km(old.latitude, old.longitude, new.latitude, new.longitude) <= MOVE_TOLERANCE_KM


def _details_summary(old: StopState, new: StopState) -> str:
    """'presents 370 → 400; fact changed' for the fields the card shows beside the name."""
    parts = []
    if old.region != new.region:
        parts.append(f"region {old.region or '(none)'!r} → {new.region or '(none)'!r}")
    if old.presents != new.presents:
        parts.append(f"presents {old.presents} → {new.presents}")
    if old.fact != new.fact:
        parts.append("fact changed")
    changed = sorted(code for code in old.facts.keys() | new.facts.keys() if old.facts.get(code) != new.facts.get(code))
    if changed:
        parts.append(f"fact in {', '.join(changed)} changed")
    return "; ".join(parts)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
