"""The Organisers group, with exactly the permissions the organisers' admin needs."""

from django.db import migrations

from tracker.groups import create_group, remove_group

GROUP = "Organisers"
PERMISSIONS = (
    "view_revision",
    "view_stop",
    "view_syncrun",
    "sync_route",
    "make_live",
    "preview_route",
)


def create_organisers(apps, schema_editor):
    create_group(apps, schema_editor, "locations", GROUP, PERMISSIONS)


def remove_organisers(apps, schema_editor):
    remove_group(apps, schema_editor, GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_organisers, remove_organisers),
    ]
