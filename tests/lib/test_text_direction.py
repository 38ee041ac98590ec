import json

import pytest

from lib.text_direction import text_direction


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        *[("ar", "rtl"), ("ar-eg", "rtl"), ("AR-MA", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("ur", "rtl")],
        *[("en", "ltr"), ("de", "ltr"), ("pt-br", "ltr"), ("ja", "ltr"), ("", "ltr")],
    ],
)
def test_a_language_is_written_the_way_djangos_bidi_list_says(language, direction):
    assert text_direction(language) == direction


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("de", "ltr")])
def test_the_web_app_manifest_and_the_page_agree_on_the_direction(client, plain_static_files, language, direction):
    manifest = json.loads(client.get(f"/{language}/manifest.webmanifest").content)
    page = client.get(f"/{language}/").text

    assert manifest["dir"] == direction
    assert f'<html lang="{language}" dir="{direction}">' in page
