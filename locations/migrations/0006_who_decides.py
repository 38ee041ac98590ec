"""Who decides what is live: the sheet's revision is marked, an organiser's rollback becomes a recorded pin, and
`is_held` is derived (the sheet's revision when it is not live) instead of stored, so it can never go stale."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def mark_the_sheet_and_pin_rollbacks(apps, schema_editor):
    """The newest revision was what the sheet said; a live one older than a newest that was not held
    was a rollback, which the old model kept until the sheet changed: that is a pin now."""
    Revision = apps.get_model("locations", "Revision")
    Decision = apps.get_model("locations", "Decision")
    newest = Revision.objects.order_by("-number").first()
    if newest is None:
        return
    Revision.objects.filter(pk=newest.pk).update(is_sheet=True)
    live = Revision.objects.filter(is_live=True).first()
    if live is not None and live.pk != newest.pk and not newest.is_held:
        Decision.objects.create(
            at=timezone.now(),
            by="migration 0006",
            kind="pin",
            revision=live,
            message=f"Revision {live.number} was rolled back to before pins were recorded; it stays pinned "
            "until an organiser releases it.",
        )


def organisers_see_decisions(apps, schema_editor):
    """Organisers read the decisions list, as they read sync runs (the permission is made here, as in 0002)."""
    database = schema_editor.connection.alias
    group = apps.get_model("auth", "Group").objects.using(database).filter(name="Organisers").first()
    if group is None:
        return
    content_type, _ = (
        apps.get_model("contenttypes", "ContentType")
        .objects.using(database)
        .get_or_create(app_label="locations", model="decision")
    )
    permission, _ = (
        apps.get_model("auth", "Permission")
        .objects.using(database)
        .get_or_create(content_type=content_type, codename="view_decision", defaults={"name": "Can view decision"})
    )
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0005_syncrun_every_seconds"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="Decision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                ("by", models.CharField(help_text="Who decided: admin:USERNAME or the command.", max_length=150)),
                (
                    "kind",
                    models.CharField(
                        choices=[("pin", "pinned a revision"), ("release", "released: the sheet decides")],
                        max_length=10,
                    ),
                ),
                ("message", models.TextField(help_text="What the organiser was told, word for word.")),
                (
                    "revision",
                    models.ForeignKey(
                        blank=True,
                        help_text="The revision live after it.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="locations.revision",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="revision",
            name="is_sheet",
            field=models.BooleanField(
                default=False,
                help_text="The sheet's revision: what the source said at its latest valid sync (at most one). It is live unless an organiser pinned another revision or it would take back what viewers saw: then it is held (locations/control.py).",
            ),
        ),
        migrations.RunPython(mark_the_sheet_and_pin_rollbacks, migrations.RunPython.noop),
        migrations.RunPython(organisers_see_decisions, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="revision",
            name="is_held",
        ),
        migrations.AlterField(
            model_name="syncrun",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("published", "published: the sheet's revision went live"),
                    ("unchanged", "unchanged: the live route stays as it was"),
                    ("held", "held: the sheet's revision waits for an organiser"),
                    ("invalid", "rejected: the sheet has errors"),
                    ("failed", "failed: the source could not be read"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="revision",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_sheet", True)), fields=("is_sheet",), name="one_sheet_revision"
            ),
        ),
    ]
