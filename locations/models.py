"""The route: immutable revisions of checked stops, exactly one of them live, and who decided so."""

from django.db import models

# The stop fields the public sees, each by the name the API gives it, in the API's order: the one list that both
# the query (locations.public_route.load_route) and the JSON (stop_json) use. `notes` is private and never here.
PUBLIC_STOP_FIELDS = {
    "index": "index",
    "city": "city",
    "region": "region",
    "country": "country",
    "latitude": "lat",
    "longitude": "lng",
    "arrival": "arrival",
    "timezone": "timezone",
    "presents": "presents",
    "fact": "fact",
}


class SheetPosition(models.Model):
    """Where a Google Sheet source's findings sit: the sheet's key, the worksheet and the header row."""

    sheet_key = models.CharField(max_length=200, blank=True, help_text="The Google Sheet's key; blank for files.")
    worksheet_id = models.BigIntegerField(null=True, blank=True, help_text="The worksheet's gid.")
    headers = models.JSONField(default=list, blank=True, help_text="The header row as read, in sheet order.")

    class Meta:
        abstract = True


class Revision(SheetPosition):
    """One published, checked copy of the route; never edited after it is created."""

    number = models.PositiveIntegerField(unique=True)
    created = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=500, help_text="Where the rows came from: a path or a sheet URL.")
    source_kind = models.CharField(max_length=20)
    checksum = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the source rows.")
    findings = models.JSONField(default=dict, help_text="The validation report: errors and warnings.")
    synced_by = models.CharField(max_length=150, help_text="Who or what published it.")
    night = models.DateField()
    deadline = models.CharField(max_length=5)
    is_live = models.BooleanField(default=False)
    is_sheet = models.BooleanField(
        default=False,
        help_text="The sheet's revision: what the source said at its latest valid sync (at most one). "
        "It is live unless an organiser pinned another revision or it would take back what viewers saw: "
        "then it is held (locations/control.py).",
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_live"], condition=models.Q(is_live=True), name="one_live_revision"),
            models.UniqueConstraint(fields=["is_sheet"], condition=models.Q(is_sheet=True), name="one_sheet_revision"),
        ]
        permissions = [
            ("sync_route", "Can sync the route from its source"),
            ("make_live", "Can make a revision live"),
            ("preview_route", "Can preview the route at any time"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number}"

    @property
    def warning_count(self) -> int:
        return len(self.findings.get("warnings", []))


class Stop(models.Model):
    """A checked stop of one revision, in arrival order."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="stops")
    index = models.PositiveIntegerField(help_text="Position on the route, from 0.")
    row = models.PositiveIntegerField(help_text="The sheet's own row number.")
    city = models.TextField()
    region = models.TextField(blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    latitude = models.FloatField()
    longitude = models.FloatField()
    arrival = models.DateTimeField()
    timezone = models.CharField(max_length=64, help_text="IANA zone at the coordinates.")
    presents = models.BigIntegerField(null=True, blank=True)
    fact = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Private: never leaves the server.")

    class Meta:
        ordering = ["revision", "index"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "index"], name="one_stop_per_index"),
        ]
        indexes = [models.Index(fields=["revision", "arrival"])]

    def __str__(self) -> str:
        return f"{self.city}, {self.country}"


class SyncRun(SheetPosition):
    """One attempt to sync the route, kept so organisers see rejected sheets and failures too."""

    class Outcome(models.TextChoices):
        PUBLISHED = "published", "published: the sheet's revision went live"
        UNCHANGED = "unchanged", "unchanged: the live route stays as it was"
        HELD = "held", "held: the sheet's revision waits for an organiser"
        INVALID = "invalid", "rejected: the sheet has errors"
        FAILED = "failed", "failed: the source could not be read"

    started = models.DateTimeField()
    finished = models.DateTimeField()
    source = models.CharField(max_length=500)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    message = models.TextField(blank=True)
    findings = models.JSONField(default=dict)
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL)
    synced_by = models.CharField(max_length=150)
    every_seconds = models.FloatField(
        null=True,
        blank=True,
        help_text="The --every interval of the sync_route loop that made this run, in seconds; "
        "blank for a single sync. The night page's heartbeat reads it.",
    )

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.started:%Y-%m-%d %H:%M:%S}"


class Decision(models.Model):
    """An organiser's decision about what is live: a pin (a make-live, usually a rollback) or a release.

    The latest decision says who decides now: after a pin, the organiser (syncs are held); after a release,
    or before any decision, the sheet.
    """

    class Kind(models.TextChoices):
        PIN = "pin", "pinned a revision"
        RELEASE = "release", "released: the sheet decides"

    at = models.DateTimeField()
    by = models.CharField(max_length=150, help_text="Who decided: admin:USERNAME or the command.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, help_text="The revision live after it."
    )
    message = models.TextField(help_text="What the organiser was told, word for word.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M:%S}"
