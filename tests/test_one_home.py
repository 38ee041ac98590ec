"""One home per concept: each concept's telltale is written in exactly its one home, and everything else calls it.

Each row names a concept, the pattern that writes it by hand, the files to look in, and its one home. A new copy
anywhere else fails here; the home's own tests check that it does the job.
"""

import re
from pathlib import Path

import pytest

from locations.models import PUBLIC_STOP_FIELDS
from locations.public_route import revision_route
from locations.sync import publish_table
from tests.conftest import route_table

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ("tracker", "locations", "letters", "lib", "serve.py", "bench", "scripts")
JAVASCRIPT = ("static/js", "templates")


def files_under(places: tuple[str, ...], suffixes: tuple[str, ...]) -> list[Path]:
    found = []
    for place in places:
        path = ROOT / place
        candidates = [path] if path.is_file() else path.rglob("*")
        found += [item for item in candidates if item.is_file() and item.suffix in suffixes]
    return found


# (concept, the pattern that writes it by hand, where to look, its one home)
HOMES = [
    (
        "an instant as ISO 8601 with Z, in Python",
        r'%SZ|\+ "Z"|"\+00:00", "Z"|replace\("\+00:00", "Z"\)',
        files_under(PYTHON, (".py",)),
        "lib/instants.py",
    ),
    (
        "an instant as ISO 8601 with Z, in the map's JavaScript",
        r"toISOString\(",
        files_under(JAVASCRIPT, (".js", ".mjs", ".html")),
        "static/js/instants.js",
    ),
    (
        "the public name of a stop's field (the API's lat and lng)",
        r"""["'](?:lat|lng)["']\s*[:,]""",
        files_under(PYTHON, (".py",)),
        "locations/models.py",
    ),
    (
        "the admin site's header and titles",
        r"\b(?:site_header|site_title|index_title)\s*=",
        files_under(PYTHON, (".py",)),
        "tracker/admin_site.py",
    ),
]


@pytest.mark.parametrize(("concept", "pattern", "files", "home"), HOMES, ids=[row[0] for row in HOMES])
def test_each_concept_is_written_in_its_one_home_only(concept, pattern, files, home):
    writers = sorted(
        str(path.relative_to(ROOT)) for path in files if re.search(pattern, path.read_text(encoding="utf-8"))
    )
    assert writers == [home], f"{concept} is written by hand in {writers}; call {home} instead"


@pytest.mark.django_db
def test_a_stops_public_json_is_the_public_fields_by_their_public_names(small_route):
    result = publish_table(route_table(small_route), "test")
    route = revision_route(result.revision)

    for stop in route.stops:
        # The two derived names sit right after the field they come from; nothing else is added or left out.
        assert [name for name in stop if name not in ("country_name", "local_arrival")] == list(
            PUBLIC_STOP_FIELDS.values()
        )
    assert "notes" not in PUBLIC_STOP_FIELDS


@pytest.mark.django_db
def test_the_admin_index_shows_the_sites_header_and_title(admin_client, plain_static_files):
    page = admin_client.get("/admin/").content.decode()

    assert "Santa tracker" in page and "Route and letters" in page
