"""Writing replies: who may sign as which persona, filling templates, and storing a reply to be sent."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import make_msgid

from babel import UnknownLocaleError
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import normalize_newlines
from django.utils.translation import gettext

from letters.addresses import check_reply_address
from letters.claims import LetterRefused, check_may_work_on, locked_letter
from letters.languages import reply_language
from letters.mail_text import one_line
from letters.models import ElfPersona, Letter, Reply, ReplyTemplate, check_template_body
from letters.sending import schedule_send
from letters.voice import child_first_name, voice_refusal
from locations.geography import country_names_in, public_country_name

MAX_REPLY_LENGTH = 10_000


def fill_template(body: str, letter: Letter, persona: ElfPersona, language: str = "") -> str:
    """The template's text for one letter: the child's first name, the writer's name as given, the country's
    name in the letter's language (CLDR's, through Babel), and the persona's name.

    The words for a missing name or country ("friend", "your country") are in LANGUAGE, the template's own
    (the letter's when not given), so they read as part of the template.
    """
    check_template_body(body)
    language = language or reply_language(letter)
    with translation.override(language):
        return body.format_map(
            {
                "name": child_first_name(letter) or gettext("friend"),
                "writer": letter.sender_name or gettext("friend"),
                "country": (
                    _country_name(letter.country, reply_language(letter)) if letter.country else gettext("your country")
                ),
                "persona": persona.name,
            }
        )


def _country_name(alpha_2: str, language: str) -> str:
    """The country's name in LANGUAGE as CLDR gives it ('Kanada' in de); the English one for an unknown language."""
    try:
        names = dict(country_names_in(translation.to_locale(language)))
    except (UnknownLocaleError, ValueError):
        return public_country_name(alpha_2)
    return names.get(alpha_2) or public_country_name(alpha_2)


def personas_for(user: User) -> QuerySet[ElfPersona]:
    """The personas this user may sign as (a superuser may sign as any)."""
    if user.is_superuser:
        return ElfPersona.objects.all()
    return ElfPersona.objects.filter(signers=user)


def reply_subject(letter: Letter) -> str:
    """'Re: ' and the letter's subject (one line, at most 300 characters) for email; for the web form a fixed
    one in the letter's language.

    The subject came from a stranger: a line break in it (an encoded CR LF) would make every send fail.
    """
    subject = one_line(letter.subject, 290)
    if letter.source == Letter.Source.EMAIL and subject:
        return subject if subject.lower().startswith("re:") else f"Re: {subject}"
    with translation.override(reply_language(letter)):
        return gettext("A letter from the North Pole")


def compose(body: str, persona: ElfPersona, language: str) -> str:
    """The text the child receives: the elf's words, then the persona's signature in the letter's language.

    Browsers send a textarea's lines ending in CR LF; the stored text has plain newlines, as every mailer expects.
    """
    return normalize_newlines(f"{body.strip()}\n\n{persona.signature_for(language).strip()}\n")


def templates_by_language(letter: Letter) -> tuple[list[ReplyTemplate], list[ReplyTemplate]]:
    """The reply templates in the reply's language (and those for any language), then all the others."""
    language = reply_language(letter)
    first: list[ReplyTemplate] = []
    others: list[ReplyTemplate] = []
    for template in ReplyTemplate.objects.all():
        (first if template.language in (language, "") else others).append(template)
    return first, others


def in_language_of(template: ReplyTemplate, letter: Letter) -> ReplyTemplate:
    """The template of the same name in the reply's language when there is one, else TEMPLATE itself."""
    language = reply_language(letter)
    if template.language == language:
        return template
    return ReplyTemplate.objects.filter(name=template.name, language=language).first() or template


def reply_as(
    persona: ElfPersona, letter: Letter, body: str, *, author: User, template: ReplyTemplate | None = None
) -> Reply:
    """Store a reply (queued) and its send task in one transaction, holding the letter's row lock.

    The lock makes two elves answering at once queue up: the second finds the letter replied and is refused.
    The task is stored in the same database transaction, so a stored reply always has a task to send it.
    """
    if not body.strip():
        raise LetterRefused("The reply is empty: write something, or pick a template.")
    if len(body) > MAX_REPLY_LENGTH:
        raise LetterRefused(f"The reply has {len(body)} characters; keep it under {MAX_REPLY_LENGTH}.")
    if not personas_for(author).filter(pk=persona.pk).exists():
        raise LetterRefused(f"You may not sign as {persona.name}; ask an admin to add you to it.")
    with transaction.atomic():
        letter = locked_letter(letter.pk)
        check_may_work_on(letter, author)
        if letter.status not in (Letter.Status.NEW, Letter.Status.CLAIMED):
            raise LetterRefused(f"This letter is already {letter.status_words()}; it gets no second reply.")
        try:
            check_reply_address(letter.sender_email)
        except ValueError as exc:
            raise LetterRefused(f"This letter cannot be answered: {exc} Close it or mark it as spam.") from None
        reply = Reply.objects.create(
            letter=letter,
            persona=persona,
            author=author,
            template=template,
            to_email=letter.sender_email,
            subject=reply_subject(letter),
            body=compose(body, persona, reply_language(letter)),
            message_id=make_msgid(domain=settings.LETTERS_FROM_EMAIL.rpartition("@")[2] or "localhost"),
        )
        letter.status = Letter.Status.REPLIED
        letter.claimed_by = author
        update_fields = ["status", "claimed_by"]
        if letter.claimed_at is None:
            letter.claimed_at = reply.created
            update_fields.append("claimed_at")
        letter.save(update_fields=update_fields)
        schedule_send(reply)
    return reply


@dataclass
class BulkResult:
    """What a bulk reply did: replies queued, and letters skipped with the reason."""

    replies: list[Reply] = field(default_factory=list)
    skipped: list[tuple[Letter, str]] = field(default_factory=list)


def reply_from_template(
    letters: Iterable[Letter], template: ReplyTemplate, persona: ElfPersona, *, author: User
) -> BulkResult:
    """Answer many letters with one template, each in its own language where the template has it.

    A letter the template does not speak to (a child's words to a grown-up, or the reverse) is skipped with
    the reason, as is one an elf may not answer.
    """
    result = BulkResult()
    for letter in letters:
        try:
            localized = in_language_of(template, letter)
            if refusal := voice_refusal(localized, letter):
                raise LetterRefused(refusal)
            body = fill_template(localized.body, letter, persona, localized.language)
            result.replies.append(reply_as(persona, letter, body, author=author, template=localized))
        except (LetterRefused, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            result.skipped.append((letter, message))
    return result
