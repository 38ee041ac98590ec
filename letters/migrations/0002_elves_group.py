"""The Elves group, with exactly the permissions the mailroom needs and nothing of the route."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    """Create the permissions now (post_migrate only runs after the whole migrate), then the group."""
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("letters")
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
        Permission.objects.using(database).filter(content_type__app_label="letters", codename__in=PERMISSIONS)
    )
    if len(permissions) != len(PERMISSIONS):
        missing = set(PERMISSIONS) - {permission.codename for permission in permissions}
        raise RuntimeError(f"Permissions missing for the {GROUP} group: {sorted(missing)}")
    group, _ = Group.objects.using(database).get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_elves(apps, schema_editor):
    """Remove the group; the permissions belong to the models and stay."""
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_elves, remove_elves),
    ]
