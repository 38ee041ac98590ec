"""The language a letter is written in: detected for email, named for the elves, used for the reply."""

from functools import cache

import pycountry
from django.conf import settings
from django.utils.translation import get_language_info
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from letters.models import Letter, base_language

# Languages children commonly write to Santa in. Limiting the model to these makes short letters
# far more reliable (a three-word English letter otherwise scores under 0.2 among py3langid's 140).
DETECTABLE = (
    *("ar", "bg", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fi", "fr", "ga", "gl", "he", "hi"),
    *("hr", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nl", "no", "pl", "pt", "ro", "ru", "sk"),
    *("sl", "sq", "sr", "sv", "th", "tr", "uk", "vi", "zh"),
)
# Below this probability the text says too little (a greeting, a name) and the language stays unknown.
MIN_CONFIDENCE = 0.3


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model (about 1.7 s to load), limited to DETECTABLE; loaded once per process."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(DETECTABLE))
    return identifier


def detect_language(text: str) -> str:
    """The base language code of TEXT ('de'), or '' when it is too short or unclear to tell."""
    if sum(character.isalpha() for character in text) < 3:
        return ""
    language, probability = _identifier().classify(text)
    return language if probability >= MIN_CONFIDENCE else ""


def language_name(tag: str, *, in_itself: bool = True) -> str:
    """A language's name for the elves, in English and (IN_ITSELF) in itself: 'German (Deutsch)'; '' for ''."""
    base = base_language(tag)
    if not base:
        return ""
    try:
        info = get_language_info(base)
    except KeyError:
        known = pycountry.languages.get(alpha_2=base)
        return known.name if known else base
    if not in_itself or info["name_local"] == info["name"]:
        return info["name"]
    return f"{info['name']} ({info['name_local']})"


def reply_language(letter: Letter) -> str:
    """The base language to answer in: the letter's own, or the site's default when it is unknown."""
    return base_language(letter.language) or base_language(settings.LANGUAGE_CODE)
