"""The Elves group, with exactly the permissions the mailroom needs and nothing of the route."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GROUP = "Elves"
# Each permission's codename, with its model and the name Django gives it.
PERMISSIONS = {
    "view_letter": ("letter", "Can view letter"),
    # claim, release, close, mark spam (the letter's words are never editable)
    "change_letter": ("letter", "Can change letter"),
    "view_reply": ("reply", "Can view reply"),
    "add_reply": ("reply", "Can add reply"),
    # send a failed reply again (a sent reply is never editable)
    "change_reply": ("reply", "Can change reply"),
    "view_elfpersona": ("elfpersona", "Can view elf persona"),
    "view_replytemplate": ("replytemplate", "Can view reply template"),
    "add_replytemplate": ("replytemplate", "Can add reply template"),
    "change_replytemplate": ("replytemplate", "Can change reply template"),
}


def create_elves(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The group and its permissions, made here: post_migrate creates permissions only after the whole migrate."""
    database = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for codename, (model, name) in PERMISSIONS.items():
        content_type, _ = ContentType.objects.using(database).get_or_create(app_label="letters", model=model)
        permission, _ = Permission.objects.using(database).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    group, _ = apps.get_model("auth", "Group").objects.using(database).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_elves(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Remove the group; the permissions belong to the models and stay."""
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_elves, remove_elves),
    ]
