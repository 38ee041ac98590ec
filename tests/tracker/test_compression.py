"""Pages go out gzip-compressed when the browser accepts it, except a page with a CSRF token (BREACH); the
API's answers are never touched, so the hot path and full Django still give the same bytes."""

import gzip


def test_the_map_page_is_compressed_for_a_browser_that_accepts_gzip(client, plain_static_files):
    plain = client.get("/en/")
    packed = client.get("/en/", headers={"accept-encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    # Still cacheable by anyone; a cache keys only on the encoding, which every CDN normalises.
    assert packed["Cache-Control"] == "public, max-age=60"
    assert packed["Vary"] == "Accept-Encoding"


def test_the_letter_form_with_its_csrf_token_is_never_compressed(client, plain_static_files):
    response = client.get("/en/letters/write/", headers={"accept-encoding": "gzip"})
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "Content-Encoding" not in response


def test_the_api_answers_keep_their_bytes_and_headers(client, live):
    for path in ("/api/v1/now", "/api/v1/time"):
        response = client.get(path, headers={"accept-encoding": "gzip"})
        assert "Content-Encoding" not in response, path
        assert "Accept-Encoding" not in response.get("Vary", ""), path
