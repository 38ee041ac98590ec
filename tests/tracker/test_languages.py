"""Language in the URL: / chooses once, every page and API answer is the same for everyone, links switch."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation import to_locale

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "tracker" / "locale", ROOT / "letters" / "locale"]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# {place}, %(count)s, %(speed)s: what code fills in, which every translation must keep.
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


@pytest.fixture(autouse=True)
def _plain_static_files(plain_static_files):
    """Pages here render without collectstatic."""


def test_ten_languages_one_right_to_left_one_cjk():
    codes = [code for code, _name in settings.LANGUAGES]
    assert len(codes) >= 10
    assert {"en", "de", "ja", "ar"} <= set(codes)


@pytest.mark.parametrize(
    ("header", "location"),
    [("de-DE,de;q=0.9,en;q=0.5", "/de/"), ("ja", "/ja/"), ("ar-EG", "/ar/"), ("pt-PT", "/pt-br/"), ("", "/en/")],
)
def test_the_front_door_sends_each_browser_to_its_language_and_no_shared_cache_keeps_the_choice(
    client, header, location
):
    response = client.get("/", headers={"accept-language": header})

    assert response.status_code == 302
    assert response["Location"] == location
    assert response["Vary"] == "Accept-Language"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_an_old_letters_address_without_a_language_is_sent_on_with_its_query(client):
    response = client.get("/letters/write/?from=email", headers={"accept-language": "nl"})

    assert (response.status_code, response["Location"]) == (302, "/nl/letters/write/?from=email")


@pytest.mark.parametrize("path", ["/nothing-here", "/xx/", "/de/nothing-here/"])
def test_an_address_that_is_no_page_in_any_language_is_not_found(client, path):
    assert client.get(path, headers={"accept-language": "de"}).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/time", "/api/v1/now", "/admin/login/"])
def test_the_api_and_admin_ignore_the_browsers_language_and_never_vary_on_it(client, path):
    german, japanese = (client.get(path, headers={"accept-language": lang}) for lang in ("de", "ja"))

    assert "Accept-Language" not in german.get("Vary", "")
    assert "Content-Language" not in german
    assert german.status_code == japanese.status_code
    if path == "/admin/login/":
        assert "Log in" in german.text and "Log in" in japanese.text


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("page", ["", "letters/write/", "letters/thanks/"])
def test_every_page_is_in_its_language_with_its_direction_and_links_to_itself_in_every_other(client, language, page):
    response = client.get(f"/{language}/{page}")

    assert response.status_code == 200
    assert response["Content-Language"] == language
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in response.text
    links = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang="[^"]+"( aria-current="page")?>', response.text)
    assert [(href, code) for href, code, _current in links] == [
        (f"/{code}/{page}", code) for code, _name in settings.LANGUAGES
    ]
    assert [code for _href, code, current in links if current] == [language]


def entries(catalog: object) -> dict[tuple[str, ...], tuple[str, ...]]:
    """A catalogue's translations as {(msgid[, msgid_plural]): (msgstr, ...)}, however it was read."""
    as_tuple = lambda value: tuple(value) if isinstance(value, list | tuple) else (value,)  # noqa: E731
    return {as_tuple(m.id): as_tuple(m.string) for m in catalog if m.id}


def catalogs(language: str) -> list[tuple[Path, object]]:
    """Each app's catalogue for `language`: (the .po path, the catalogue read from it)."""
    found = []
    for folder in CATALOGS:
        po = folder / to_locale(language) / "LC_MESSAGES" / "django.po"
        with po.open("rb") as file:
            found.append((po, read_po(file)))
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_keeping_its_placeholders(language):
    for po, catalog in catalogs(language):
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            assert all(strings), f"{po}: {ids[0]!r} is not translated"
            assert not message.fuzzy, f"{po}: {ids[0]!r} is marked fuzzy"
            wanted = set(PLACEHOLDER.findall(ids[-1]))
            for string in strings:
                # A form for exactly one ("one hour") may spell the number out, as English does.
                assert set(PLACEHOLDER.findall(string)) <= wanted, f"{po}: {string!r} has a placeholder {ids!r} lacks"
                if len(strings) == 1 or "%(count)s" in string:
                    assert set(PLACEHOLDER.findall(string)) == wanted, f"{po}: {string!r} lost a placeholder"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_has_the_same_strings_and_its_compiled_file_says_what_its_po_says(language):
    reference = {po.parents[2]: set(entries(catalog)) for po, catalog in catalogs("de")}
    for po, catalog in catalogs(language):
        assert set(entries(catalog)) == reference[po.parents[2]], po
        with po.with_suffix(".mo").open("rb") as file:
            compiled = read_mo(file)
        assert entries(compiled) == entries(catalog), f"{po.with_suffix('.mo')} is stale: run scripts/translations"


def test_the_po_files_hold_every_string_the_code_and_templates_mark_for_translation(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext is missing: scripts/ensure-system-packages.sh installs Debian's gettext")
    # makemessages rewrites the .po files it finds, so it runs on a copy of the sources.
    for name in ("tracker", "letters", "locations", "lib", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "manage.py", tmp_path)
    # What scripts/translations leaves out: the organisers' and elves' admin, which is in English.
    ignored = ("locations", "templates/admin/*", "letters/templates/admin/*", "letters/admin.py")
    done = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "de", "--extension", "html,py", "--no-obsolete"]
        + [f"--ignore={pattern}" for pattern in ignored],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for folder in CATALOGS:
        relative = folder.relative_to(ROOT) / "de" / "LC_MESSAGES" / "django.po"
        with (tmp_path / relative).open("rb") as file:
            fresh = read_po(file)
        untranslated = [m.id for m in fresh if m.id and not m.string]
        assert untranslated == [], f"new strings in {relative}: run scripts/translations and translate them"
