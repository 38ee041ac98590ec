"""The Elves group, with exactly the permissions the mailroom needs and nothing of the route."""

from django.db import migrations

from tracker.groups import create_group, remove_group

GROUP = "Elves"
PERMISSIONS = (
    "view_letter",
    "change_letter",  # claim, release, close, mark spam (the letter's words are never editable)
    "view_reply",
    "add_reply",
    "change_reply",  # send a failed reply again (a sent reply is never editable)
    "view_elfpersona",
    "view_replytemplate",
    "add_replytemplate",
    "change_replytemplate",
)


def create_elves(apps, schema_editor):
    create_group(apps, schema_editor, "letters", GROUP, PERMISSIONS)


def remove_elves(apps, schema_editor):
    remove_group(apps, schema_editor, GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_elves, remove_elves),
    ]
