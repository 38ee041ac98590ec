"""The Organisers group, with exactly the permissions the organisers' admin needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    """Create the permissions now (post_migrate only runs after the whole migrate), then the group."""
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("locations")
    # create_permissions skips app configs without a models module, which historical ones lack.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, using=database, apps=apps)
    finally:
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(database).filter(content_type__app_label="locations", codename__in=PERMISSIONS)
    )
    if len(permissions) != len(PERMISSIONS):
        missing = set(PERMISSIONS) - {permission.codename for permission in permissions}
        raise RuntimeError(f"Permissions missing for the {GROUP} group: {sorted(missing)}")
    group, _ = Group.objects.using(database).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_organisers(apps, schema_editor):
    """Remove the group; the permissions belong to the models and stay."""
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("locations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_organisers, remove_organisers),
    ]
