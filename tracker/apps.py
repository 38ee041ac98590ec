from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"
    default = True


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the tracker's default site (tracker/admin_site.py); named in INSTALLED_APPS."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"
