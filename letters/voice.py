"""The right voice of a reply: who wrote a letter (a child, or a grown-up for a child), the child's first name,
and whether a template speaks to the right person.
"""

import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from letters.claims import check_may_work_on, locked_letter
from letters.models import Letter, ReplyTemplate, Writer, base_language

# Words by which a grown-up names the child they write for, in the site's languages, lower case. A letter
# that says "my daughter" or "notre fils" was written by a grown-up. Kept to phrases a child would not write
# about themselves; a match only suggests, and the elf decides with one click.
GROWN_UP_PHRASES = {
    "en": (
        "my daughter", "my son", "my child", "my children", "my kids", "our daughter", "our son", "our child",
        "our children", "our kids", "my little one", "my grandson", "my granddaughter", "writing on behalf of",
        "writing for my", "as a parent",
    ),
    "de": (
        "meine tochter", "mein sohn", "mein kind", "meine kinder", "unsere tochter", "unser sohn", "unser kind",
        "unsere kinder", "meiner tochter", "meinem sohn", "meines sohnes", "unserer tochter", "unserem sohn",
        "mein enkel", "meine enkelin", "im namen",
    ),
    "fr": (
        "ma fille", "mon fils", "mon enfant", "mes enfants", "notre fille", "notre fils", "notre enfant",
        "nos enfants", "mon petit-fils", "ma petite-fille", "au nom de",
    ),
    "es": (
        "mi hija", "mi hijo", "mis hijos", "mis hijas", "nuestra hija", "nuestro hijo", "nuestros hijos",
        "mi nieto", "mi nieta", "en nombre de",
    ),
    "it": (
        "mia figlia", "mio figlio", "i miei figli", "le mie figlie", "nostra figlia", "nostro figlio",
        "i nostri figli", "mio nipote", "mia nipote", "a nome di",
    ),
    "nl": (
        "mijn dochter", "mijn zoon", "mijn kind", "mijn kinderen", "onze dochter", "onze zoon", "ons kind",
        "onze kinderen", "mijn kleinzoon", "mijn kleindochter", "namens",
    ),
    "pt": (
        "minha filha", "meu filho", "meus filhos", "minhas filhas", "nossa filha", "nosso filho", "nossos filhos",
        "meu neto", "minha neta", "em nome de",
    ),
    "pl": (
        "moja córka", "mój syn", "moje dziecko", "moje dzieci", "nasza córka", "nasz syn", "nasze dziecko",
        "nasze dzieci", "mojej córki", "mojego syna", "naszej córki", "naszego syna", "mój wnuk", "moja wnuczka",
        "w imieniu",
    ),
    "ja": ("娘", "息子", "うちの子", "子供のかわりに", "子どものかわりに"),
    "ar": ("ابنتي", "ابني", "أطفالي", "أولادي", "ابنتنا", "ابننا", "أطفالنا", "نيابة عن"),
}  # fmt: skip

# Languages that write the family name first ("山田 花子"): the whole name is used, never its first word.
FAMILY_NAME_FIRST = {"ja", "zh", "ko", "hu", "vi"}

# After "my daughter" a name often follows: "meine Tochter Emma", "my son, Leo,".
_NAME_AFTER = re.compile(r"[\s,:]*([^\W\d_]+(?:[-'\u2019][^\W\d_]+)?)")


@dataclass(frozen=True)
class Suggestion:
    """Who probably wrote a letter, the phrase in it that says so ('' for none), and a child's name found."""

    writer: str
    phrase: str = ""
    child_name: str = ""


def suggest_writer(text: str) -> Suggestion:
    """A guess from the letter's words: a grown-up when it names 'my daughter', 'mein Sohn', 'notre fils'...
    in any of the site's languages (and the name after it, when there is one); otherwise a child."""
    lowered = text.casefold()
    found: tuple[int, str] | None = None
    for phrases in GROWN_UP_PHRASES.values():
        for phrase in phrases:
            position = _find_phrase(lowered, phrase)
            if position >= 0 and (found is None or position < found[0]):
                found = (position, phrase)
    if found is None:
        return Suggestion(Writer.CHILD)
    position, phrase = found
    after = text[position + len(phrase) :]
    match = _NAME_AFTER.match(after)
    name = match.group(1) if match and match.group(1)[:1].isupper() else ""
    return Suggestion(Writer.GROWN_UP, text[position : position + len(phrase)], name)


def _find_phrase(lowered: str, phrase: str) -> int:
    """Where PHRASE stands as whole words in LOWERED (any position for scripts without spaces), else -1."""
    if not phrase.isascii() and not any(character == " " for character in phrase) and len(phrase) <= 4:
        return lowered.find(phrase)  # 娘, ابني: no word boundaries to look for
    match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)
    return match.start() if match else -1


def first_name(name: str, language: str) -> str:
    """The first word of a name as given ('Emma Schmidt' is 'Emma'); the whole name in languages that put the
    family name first (ja, zh, ko, hu, vi), where its first word would be the family name."""
    name = " ".join(name.split())
    if not name or base_language(language) in FAMILY_NAME_FIRST:
        return name
    return name.split(" ")[0].strip(",;")


def child_first_name(letter: Letter) -> str:
    """The name a reply greets the child by: the child's name when set, else the first name of a writer who is
    (or may be) the child; '' when the letter was written by a grown-up and the child's name is not known."""
    if letter.child_name:
        return first_name(letter.child_name, letter.language)
    if writer_of(letter) == Writer.GROWN_UP:
        return ""
    return first_name(letter.sender_name, letter.language)


def writer_of(letter: Letter) -> str:
    """Who wrote LETTER: as set (the form, an elf), else what its words suggest."""
    return letter.writer or suggest_writer(letter.text).writer


def voice_refusal(template: ReplyTemplate, letter: Letter) -> str:
    """Why TEMPLATE must not answer LETTER ('' when it may).

    A template for children greets the child by first name: it may answer a child's letter, or a grown-up's
    written for a child whose name is known (the grown-up reads it to the child); never a grown-up's letter
    with no child's name (the angry parent, "my son saw the map"). A template for grown-ups never answers a
    child's letter.
    """
    writer = writer_of(letter)
    if template.audience == Writer.CHILD:
        if writer == Writer.CHILD or letter.child_name:
            return ""
        said = f" (it says '{suggest_writer(letter.text).phrase}')" if not letter.writer else ""
        return (
            f"written by a grown-up{said} and no child's name is known, and '{template.name}' speaks to a child: "
            "set the child's name on its page, or use a template for grown-ups"
        )
    if writer == Writer.GROWN_UP:
        return ""
    return f"written by a child, and '{template.name}' speaks to a grown-up: use a template for children"


def set_writer(letter_id: int, writer: str, child_name: str, user: User) -> Letter:
    """Record who wrote a letter and the child's first name (USER's click on the letter's page).

    Raises ValueError for a writer that is not a Writer choice, and letters.claims.LetterRefused when another
    elf holds the letter (as for every other change to it).
    """
    if writer not in Writer.values:
        raise ValueError(f"{writer!r} is not one of {', '.join(Writer.values)}")
    child_name = " ".join(child_name.split())[:100]
    with transaction.atomic():
        letter = locked_letter(letter_id)
        check_may_work_on(letter, user)
        letter.writer, letter.child_name = writer, child_name
        letter.save(update_fields=["writer", "child_name"])
    return letter
