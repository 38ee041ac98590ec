"""The page language: named by the URL (/de/...), chosen once from the browser at /, offered as links."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from lib.text_direction import text_direction

# The choice at / is the browser's; a family's own browser may keep it briefly, no shared cache may.
CHOICE_MAX_AGE = 600
# "fr-CA;q=0.8": a language range and its optional weight.
_ACCEPT_LANGUAGE = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def page_language(accept_language: str) -> str:
    """The best of settings.LANGUAGES for an Accept-Language header; LANGUAGE_CODE when none fits."""
    weighted = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        match = _ACCEPT_LANGUAGE.fullmatch(item)
        if match is None or match[1] == "*":
            continue
        try:
            weight = float(match[2]) if match[2] else 1.0
        except ValueError:
            continue
        if weight > 0:
            weighted.append((-weight, position, match[1].lower()))
    for _weight, _position, code in sorted(weighted):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class UrlLanguageMiddleware:
    """Speak the language the URL names, and send a page address without one to the browser's best language.

    Django's LocaleMiddleware also reads the browser's language for every unprefixed path and adds
    `Vary: Accept-Language` to every such answer, the API's included: a CDN would then keep one copy of
    /api/v1/now per browser language. Here only the URL decides, so every page and API answer is the same
    for everyone who asks for it, and only the redirect from an address without a language varies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        named = translation.get_language_from_path(request.path_info)
        language = named or settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            if named is None and response.status_code == 404:
                return language_redirect(request) or response
        if named is not None:
            response.headers.setdefault("Content-Language", named)
        return response


def language_redirect(request: HttpRequest) -> HttpResponse | None:
    """A redirect from a page address without a language (/, /letters/write/) to it in the browser's; else None."""
    language = page_language(request.headers.get("Accept-Language", ""))
    # i18n_patterns match only the active language's prefix, so the path is checked in the chosen one.
    with translation.override(language):
        valid = is_valid_path(f"/{language}{request.path_info}")
    if request.method not in ("GET", "HEAD") or not valid:
        return None
    prefix = get_script_prefix()
    response = HttpResponseRedirect(request.get_full_path().replace(prefix, f"{prefix}{language}/", 1))
    patch_vary_headers(response, ["Accept-Language"])
    patch_cache_control(response, private=True, max_age=CHOICE_MAX_AGE)
    return response


def language_links(request: HttpRequest) -> dict[str, object]:
    """Template context: this page in every language ({code, name, url, current}), its language and direction."""
    current = translation.get_language()
    links = []
    for code, _english in settings.LANGUAGES:
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.path, code),
                "current": code == current,
            }
        )
    return {"language_links": links, "language": current, "direction": text_direction(current)}
