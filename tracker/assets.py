"""How the map's front-end files are collected: npm packages trimmed, ES module imports hashed."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesConfig(DjangoStaticFilesConfig):
    """Django's staticfiles, skipping the npm files the map never loads."""

    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "leaflet-src*",
        "package.json",
        "README.md",
    ]


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage that also hashes ES module imports (`from "./clock.js"`)."""

    # Without this a module's `import ... from "./clock.js"` would load the unhashed file, which no deploy
    # ever invalidates; with it every module the map loads is hashed and cached for a year, immutable.
    support_js_module_import_aggregation = True
