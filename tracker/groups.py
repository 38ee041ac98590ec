"""Staff groups with exactly the permissions their admin needs, created by data migrations."""

from django.contrib.auth.management import create_permissions


def create_group(apps: object, schema_editor: object, app_label: str, name: str, codenames: tuple[str, ...]) -> None:
    """Create an app's permissions now (post_migrate only runs after the whole migrate), then the group."""
    database = schema_editor.connection.alias
    app_config = apps.get_app_config(app_label)
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
        Permission.objects.using(database).filter(content_type__app_label=app_label, codename__in=codenames)
    )
    if len(permissions) != len(codenames):
        missing = set(codenames) - {permission.codename for permission in permissions}
        raise RuntimeError(f"Permissions missing for the {name} group: {sorted(missing)}")
    group, _ = Group.objects.using(database).get_or_create(name=name)
    group.permissions.set(permissions)


def remove_group(apps: object, schema_editor: object, name: str) -> None:
    """Remove a group; the permissions belong to the models and stay."""
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=name).delete()
