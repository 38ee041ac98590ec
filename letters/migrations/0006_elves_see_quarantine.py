"""The Elves group also sees quarantined emails and may retry (change) or delete them."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GROUP = "Elves"
# Each permission's codename, with its model and the name Django gives it.
PERMISSIONS = {
    "view_quarantinedmessage": ("quarantinedmessage", "Can view quarantined email"),
    # retry reading it (its bytes are never editable)
    "change_quarantinedmessage": ("quarantinedmessage", "Can change quarantined email"),
    "delete_quarantinedmessage": ("quarantinedmessage", "Can delete quarantined email"),
}


def create_elves(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Add the permissions to the group, made here: post_migrate creates them only after the whole migrate."""
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
    group.permissions.add(*permissions)


def remove_quarantine(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Take the quarantine's permissions from the group; the permissions belong to the model and stay."""
    database = schema_editor.connection.alias
    group = apps.get_model("auth", "Group").objects.using(database).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0005_original_email_quarantine_and_forwarded_letters"),
        ("letters", "0002_elves_group"),
    ]

    operations = [
        migrations.RunPython(create_elves, remove_quarantine),
    ]
