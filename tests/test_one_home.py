"""One home per concept: each is defined in one Python file and one JavaScript file, and its old copies are gone.

A row names the concept, the names a copy of it would be defined under (functions, classes, module constants;
old names too, so a copy brought back under its old name fails), the one file allowed to define them ('' when
a library's own is used and no project file may), and text only a copy would carry (a constant, the library
call doing the work), which must appear in the home alone. Python and JavaScript rows are separate rows.
"""

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from locations.public_route import revision_route
from locations.sync import publish_table
from tests.conftest import route_table

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve()
PYTHON_FOLDERS = ("tracker", "locations", "letters", "lib", "bench", "scripts", "tests")
JS_FOLDERS = ("static", "templates", "tracker", "locations", "letters", "tests")


@dataclass(frozen=True)
class Home:
    concept: str
    language: str  # "py" or "js"
    names: tuple[str, ...]
    home: str  # the one file (relative to the root) that may define NAMES; '' for none
    marks: tuple[str, ...] = ()  # text that may appear in the home alone

    def __str__(self) -> str:
        return f"{self.concept} ({self.language})"


HOMES = [
    Home(
        "right-to-left",
        "py",
        ("text_direction", "is_right_to_left", "RIGHT_TO_LEFT"),
        "lib/text_direction.py",
        ("LANGUAGES_BIDI", "get_language_bidi", '"bidi"'),
    ),
    Home(
        "great-circle distance",
        "py",
        ("distance_km", "_distance_km", "distance_km", "EARTH_RADIUS_KM"),
        "lib/great_circle.py",
        ("6371", "asin("),
    ),
    Home("great-circle distance", "js", ("distanceKm", "EARTH_RADIUS_KM"), "static/js/geo.js", ("6371",)),
    Home(
        "a local wall time to an instant",
        "py",
        ("wall_time_instant", "UnclearWallTime"),
        "locations/geography.py",
        (".localize(", "NonExistentTimeError", "AmbiguousTimeError"),
    ),
    Home("the route's columns", "py", ("ROUTE_COLUMNS",), "locations/table.py"),
    Home("the country list filter", "py", ("CountryFilter", "TypedFilter"), "lib/admin_filters.py"),
    Home("a sheet's column letters (openpyxl's get_column_letter)", "py", ("column_letter",), "", ('chr(ord("A")',)),
    Home("the --every loop", "py", ("add_every_option", "repeat_every"), "lib/every.py", ("sleep(every",)),
    Home("an instant as ISO 8601 with Z", "py", ("iso_z", "iso_utc"), "lib/instants.py", ("%SZ", '+ "Z"')),
    Home("an instant as ISO 8601 with Z", "js", ("isoSeconds",), "static/js/instants.js", (r"\d{3}Z$",)),
    Home("the public fields of a stop", "py", ("PUBLIC_STOP_FIELDS",), "locations/models.py", ('"lng",',)),
    Home(
        "the admin site's header and titles",
        "py",
        ("TrackerAdminSite",),
        "tracker/admin_site.py",
        ("site_header =", "site_title =", "index_title ="),
    ),
]


@cache
def python_files() -> tuple[Path, ...]:
    return tuple(sorted(path for folder in PYTHON_FOLDERS for path in (ROOT / folder).rglob("*.py") if path != THIS))


@cache
def js_files() -> tuple[Path, ...]:
    return tuple(
        sorted(
            path
            for folder in JS_FOLDERS
            for pattern in ("*.js", "*.mjs")
            for path in (ROOT / folder).rglob(pattern)
            if "node_modules" not in path.parts
        )
    )


@cache
def python_definitions(path: Path) -> frozenset[str]:
    """Functions and classes defined anywhere in a file, and names assigned at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = {
        node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return frozenset(names)


def js_definitions(path: Path) -> set[str]:
    """Functions, classes and variables a JavaScript module declares."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"\b(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)", text))


def places(home: Home) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Where each of a row's names is defined, and where each of its marks is written (relative paths)."""
    files, definitions = (python_files(), python_definitions) if home.language == "py" else (js_files(), js_definitions)
    defined: dict[str, set[str]] = {name: set() for name in home.names}
    written: dict[str, set[str]] = {mark: set() for mark in home.marks}
    for path in files:
        relative = path.relative_to(ROOT).as_posix()
        for name in set(home.names) & definitions(path):
            defined[name].add(relative)
        text = path.read_text(encoding="utf-8")
        for mark in home.marks:
            if mark in text:
                written[mark].add(relative)
    return defined, written


@pytest.mark.parametrize("home", HOMES, ids=str)
def test_each_concept_is_defined_in_its_home_alone(home):
    defined, written = places(home)
    expected = {home.home} if home.home else set()

    assert {name: files for name, files in defined.items() if files - expected} == {}
    assert {mark: files for mark, files in written.items() if files - expected} == {}
    if home.home:
        assert any(home.home in files for files in defined.values()), f"{home.home} defines none of {home.names}"


def test_the_maps_modules_import_the_distance_from_geo_js():
    users = [path for path in js_files() if "distanceKm" in path.read_text() and path.name != "geo.js"]
    assert users, "nothing measures a distance: the JS row above would pass vacuously"
    for path in users:
        assert re.search(r'import \{[^}]*\bdistanceKm\b[^}]*\} from "[./]*(static/js/)?geo\.js"', path.read_text()), (
            path
        )


def test_the_every_loop_is_no_longer_under_locations():
    assert not (ROOT / "locations" / "management" / "every.py").exists()


def test_the_finder_sees_a_copy_made_under_an_old_name(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text(
        "EARTH_RADIUS_KM = 6371.0\n\n"
        "def _distance_km(a, b):\n    return 0.0\n\n"
        "class StopChange:\n    distance_km: float = 0\n"
    )
    js = tmp_path / "copy.js"
    js.write_text("export function distanceKm(a, b) {}\nconst EARTH_RADIUS_KM = 6371;\n")

    assert python_definitions(copy) == {"EARTH_RADIUS_KM", "_distance_km", "StopChange"}  # a field is no copy
    assert js_definitions(js) == {"distanceKm", "EARTH_RADIUS_KM"}


@pytest.mark.django_db
def test_a_stops_public_json_is_the_public_fields_by_their_public_names(small_route):
    from locations.models import PUBLIC_STOP_FIELDS

    route = revision_route(publish_table(route_table(small_route), "test").revision)

    for stop in route.stops:
        # The two derived names sit right after the field they come from; nothing else is added or left out.
        assert [name for name in stop if name not in ("country_name", "local_arrival")] == list(
            PUBLIC_STOP_FIELDS.values()
        )
    assert "notes" not in PUBLIC_STOP_FIELDS


def test_the_staff_map_imports_the_instant_from_instants_js():
    assert 'import { isoSeconds } from "./instants.js";' in (ROOT / "static/js/staff-map.js").read_text()


@pytest.mark.django_db
def test_the_admin_index_shows_the_sites_header_and_title(admin_client, plain_static_files):
    page = admin_client.get("/admin/").content.decode()

    assert "Santa tracker" in page and "Route and letters" in page
