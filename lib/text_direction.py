"""Which way a language is written, for a page, a manifest or a reply: Django's LANGUAGES_BIDI decides."""

from typing import Literal

from django.conf import settings


def text_direction(language: str) -> Literal["rtl", "ltr"]:
    """'rtl' or 'ltr' for a language code ('ar', 'ar-eg', 'pt-br'): 'rtl' when its base language is in
    settings.LANGUAGES_BIDI (Django's: ar, ckb, fa, he, ug, ur), as Django's own get_language_bidi() reads it."""
    return "rtl" if language.split("-")[0].lower() in settings.LANGUAGES_BIDI else "ltr"
