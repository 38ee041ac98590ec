"""Who decides what is live: the sheet, through its syncs, or an organiser who pinned a revision.

One model, told in the same words by the night page, the revision list and pages, the sync runs and every
command (docs/operations.md, "Who decides what is live"):

- The sheet's revision is what the source said at its latest valid sync (`Revision.is_sheet`, at most one).
- While nobody has pinned the live revision, the sheet decides: a sync makes the sheet's revision live,
  unless it would take back what viewers saw; then it is held until an organiser decides.
- An organiser's make-live (a rollback, usually) pins that revision: syncs store the sheet's changes as the
  held revision and say so, until an organiser releases the pin, which makes the sheet's revision live.
- A revision is "held" exactly when it is the sheet's revision and not live: derived, never stored.
- Every diff is from what viewers see now, the live revision.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from locations.clock import route_now
from locations.diff import ChangeKind, RevisionDiff, Rewind, diff_revisions, rewind
from locations.live import forget_live_route, when_viewers_see
from locations.models import Decision, Revision
from locations.public_route import revision_route

# How an organiser lets the sheet decide again, named in every message that says a revision is held.
RELEASE_HOW = "Release the pin to let the sheet decide: the night page in the admin, or manage.py release_route."


@dataclass(frozen=True)
class Control:
    """Who decides what is live at one moment: the live revision, the sheet's revision and the latest decision."""

    live: Revision | None
    sheet: Revision | None
    decision: Decision | None

    @property
    def pinned(self) -> bool:
        """Whether an organiser pinned the live revision: syncs are held until a release."""
        return self.live is not None and self.decision is not None and self.decision.kind == Decision.Kind.PIN

    @property
    def held(self) -> Revision | None:
        """The sheet's revision when it is not live: it waits for an organiser (or, unpinned, for the next sync)."""
        if self.sheet is None or self.sheet.is_live:
            return None
        return self.sheet

    @property
    def releasable(self) -> bool:
        """Whether a release would change anything: a pin to lift, or a held revision of the sheet to make live."""
        return self.pinned or self.held is not None

    def state_of(self, revision: Revision) -> str:
        """'live, pinned', 'live', 'held' or 'not live' (any other): the words every list and page uses."""
        return state_words(is_live=revision.is_live, is_sheet=revision.is_sheet, pinned=self.pinned)

    def held_because(self, now: dt.datetime) -> str:
        """Why the held revision is not live, as a clause after "held: "; '' when nothing is held."""
        if self.held is None:
            return ""
        if self.pinned and self.decision is not None:
            return f"{self.live} is pinned by {self.decision.by}"
        if self.live is None:
            return "no revision is live yet"
        taken_back = rewind(self.live, self.held, now)
        if taken_back.is_empty:
            return "it took back what viewers saw, and no longer does: the next sync makes it live"
        return f"it would take back what viewers saw ({taken_back.summary().rstrip('.')})"

    def story(self, now: dt.datetime) -> str:
        """Who decides and what viewers see, in one or two sentences: the same words everywhere."""
        if self.live is None:
            return 'No revision is live: viewers see "not published yet". The next valid sync makes the sheet live.'
        if self.pinned and self.decision is not None:
            since = f"{self.decision.at.astimezone(dt.UTC):%H:%M:%S} UTC"
            first = f"An organiser decides: {self.live} is live, pinned by {self.decision.by} since {since}."
            if self.held is not None:
                return f"{first} The sheet's revision, {self.held}, is held until the pin is released."
            return f"{first} It matches the sheet; a change to the sheet will be held until the pin is released."
        if self.held is not None:
            return (
                f"The sheet decides, but its revision, {self.held}, is held: {self.held_because(now)}. "
                f"{self.live} stays live until an organiser makes a revision live or lets the sheet decide."
            )
        return f"The sheet decides: {self.live} is live and is the sheet's revision."


def state_words(*, is_live: bool, is_sheet: bool, pinned: bool) -> str:
    """A revision's state in words from its flags and whether the live revision is pinned (one home for them)."""
    if is_live:
        return "live, pinned" if pinned else "live"
    return "held" if is_sheet else "not live"


def latest_decision() -> "QuerySet[Decision]":
    """The latest decision as a one-row queryset, to read or to use as a subquery."""
    return Decision.objects.order_by("-at", "-pk")[:1]


def current_control() -> Control:
    """Read who decides now: three small queries."""
    return Control(
        live=Revision.objects.filter(is_live=True).first(),
        sheet=Revision.objects.filter(is_sheet=True).first(),
        decision=latest_decision().first(),
    )


def change_counts(diff: RevisionDiff) -> str:
    """'1 retimed, 2 added, 1 with new details' in the diff's order, or 'no stop changed'."""
    # Each count is of stops; "1 details changed" read wrong, so that kind is said of the stop.
    words = {ChangeKind.DETAILS_CHANGED: "with new details"}
    parts = [f"{count} {words.get(kind, kind.value)}" for kind, count in diff.counts.items() if count]
    return ", ".join(parts) if parts else "no stop changed"


def viewers_see(shown: Revision | None, new: Revision, now: dt.datetime) -> str | None:
    """'from the hop at 21:14:00 UTC' or 'within 121 s': when viewers see NEW once it replaces SHOWN (the live
    revision) at route time NOW; None when they would see no change. The words are locations.live's."""
    shown_route = revision_route(shown) if shown is not None else None
    return when_viewers_see(shown_route, revision_route(new), now)


def compared_with_live(live: Revision | None, revision: Revision, now: dt.datetime, *, went_live: bool) -> str:
    """One sentence comparing REVISION with what viewers see (or saw, when it just WENT_LIVE), with when they see it."""
    if live is not None and live.pk == revision.pk:
        return ""
    when = viewers_see(live, revision, now)
    timing = f"Viewers see it {when}." if when else ""
    if live is None:
        return f"Viewers saw no route before: all {revision.stops.count()} stops are new to them. {timing}".strip()
    diff = diff_revisions(live, revision, now)
    counts = change_counts(diff)
    if went_live:
        sentence = f"Compared with {live}, which viewers saw until now: {counts}."
        return f"{sentence} {timing}" if timing else sentence
    return f"Compared with what viewers see now ({live}): {counts}."


@transaction.atomic
def make_live(revision: Revision) -> None:
    """Swap which revision is live, nothing else: a sync and an organiser's decision both call it."""
    Revision.objects.select_for_update().filter(is_live=True).exclude(pk=revision.pk).update(is_live=False)
    Revision.objects.filter(pk=revision.pk).update(is_live=True)
    revision.is_live = True
    # This process serves the new revision from its next request after the commit (and at once when the
    # caller's transaction is a test's); other processes notice within a second.
    forget_live_route()
    transaction.on_commit(forget_live_route)


class TakesBack(Exception):
    """A decision would take back what viewers saw and the caller did not allow it (a command without
    --allow-rewind); nothing was changed. `rewind` names what viewers would lose."""

    def __init__(self, revision: Revision, taken_back: Rewind) -> None:
        self.revision, self.rewind = revision, taken_back
        super().__init__(f"Making {revision} live would take back what viewers saw: {taken_back.summary()}")


def _check_rewind(live: Revision | None, revision: Revision, allow_rewind: bool) -> None:
    if live is None or allow_rewind or live.pk == revision.pk:
        return
    taken_back = rewind(live, revision, route_now())
    if not taken_back.is_empty:
        raise TakesBack(revision, taken_back)


@transaction.atomic
def pin(revision: Revision, by: str, *, allow_rewind: bool = False) -> Decision:
    """An organiser makes REVISION live and pins it: syncs are held until a release. Returns the decision, whose
    message says what viewers see and when. Raises TakesBack unless allow_rewind (the admin's confirmation page
    has shown what viewers would lose)."""
    before = Revision.objects.select_for_update().filter(is_live=True).first()
    _check_rewind(before, revision, allow_rewind)
    make_live(revision)
    revision.refresh_from_db()
    now = route_now()
    decision = Decision(at=timezone.now(), by=by[:150], kind=Decision.Kind.PIN, revision=revision)
    after = Control(live=revision, sheet=Revision.objects.filter(is_sheet=True).first(), decision=decision)
    was = "" if before is None or before.pk != revision.pk else " (it was already live)"
    decision.message = " ".join(
        part for part in (f"{revision} is live{was}.", compared_with_live(before, revision, now, went_live=True),
                          after.story(now)) if part
    )  # fmt: skip
    decision.save()
    return decision


class NothingToRelease(Exception):
    """The sheet already decides and its revision is live: a release would change nothing."""


@transaction.atomic
def release(by: str, *, allow_rewind: bool = False) -> Decision:
    """Let the sheet decide again: lift the pin and make the sheet's revision live. Returns the decision.

    Raises NothingToRelease when nothing is pinned or held, and TakesBack when the sheet's revision would take
    back what viewers saw and allow_rewind is not given.
    """
    before = Revision.objects.select_for_update().filter(is_live=True).first()
    control = current_control()
    if not control.releasable:
        raise NothingToRelease(control.story(route_now()))
    target = control.sheet or before
    if target is not None:
        _check_rewind(before, target, allow_rewind)
    if target is not None and not target.is_live:
        make_live(target)
        target.refresh_from_db()
    now = route_now()
    decision = Decision(at=timezone.now(), by=by[:150], kind=Decision.Kind.RELEASE, revision=target)
    after = Control(live=target, sheet=control.sheet, decision=decision)
    went_live = before is None or target is None or before.pk != target.pk
    first = f"Released by {by}." + (f" {target} is live." if went_live and target is not None else "")
    decision.message = " ".join(
        part for part in (first, compared_with_live(before, target, now, went_live=True) if target else "",
                          after.story(now)) if part
    )  # fmt: skip
    decision.save()
    return decision
