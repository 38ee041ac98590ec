"""The Organisers group, with exactly the permissions the organisers' admin needs."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GROUP = "Organisers"
# Each permission's codename, with its model and the name Django gives it (Meta.permissions for the custom ones).
PERMISSIONS = {
    "view_revision": ("revision", "Can view revision"),
    "view_stop": ("stop", "Can view stop"),
    "view_syncrun": ("syncrun", "Can view sync run"),
    "sync_route": ("revision", "Can sync the route from its source"),
    "make_live": ("revision", "Can make a revision live"),
    "preview_route": ("revision", "Can preview the route at any time"),
}


def create_organisers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The group and its permissions, made here: post_migrate creates permissions only after the whole migrate."""
    database = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for codename, (model, name) in PERMISSIONS.items():
        content_type, _ = ContentType.objects.using(database).get_or_create(app_label="locations", model=model)
        permission, _ = Permission.objects.using(database).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        permissions.append(permission)
    group, _ = apps.get_model("auth", "Group").objects.using(database).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_organisers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Remove the group; the permissions belong to the models and stay."""
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_organisers, remove_organisers),
    ]
