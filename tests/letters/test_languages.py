"""The language of a letter: detected for email, and the one its reply is written and signed in."""

import pytest
from django.conf import settings

from letters.forms import template_choices
from letters.intake import ingest_message
from letters.languages import detect_language, language_name, reply_language
from letters.models import ElfPersona, PersonaSignature, ReplyTemplate
from letters.replies import in_language_of, reply_as, reply_from_template
from tests.letters.conftest import emailed_letter_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Lieber Weihnachtsmann, ich wünsche mir ein Fahrrad und einen Hund.", "de"),
        ("Cher Père Noël, je voudrais un vélo rouge pour Noël.", "fr"),
        ("サンタさん、じてんしゃがほしいです。いいこにしていました。", "ja"),
        ("عزيزي بابا نويل، أريد دراجة حمراء في عيد الميلاد.", "ar"),
        ("Drogi Mikołaju, chciałbym dostać rower na święta.", "pl"),
        ("Dear Santa, could I have a kite please?", "en"),
    ],
)
def test_a_letters_language_is_detected_from_its_words(text, language):
    assert detect_language(text) == language


def test_a_greeting_alone_is_too_little_to_tell():
    assert detect_language("Hi") == ""
    assert detect_language("!!") == ""


def test_an_emailed_letter_in_german_is_german_whatever_the_mail_program_says():
    raw = emailed_letter_bytes().replace(
        b"Dear Santa,\n\nYour map says Toronto is in the US. It is in Canada!\n\nMia, 8\n",
        b"Lieber Weihnachtsmann,\n\nauf deiner Karte liegt Toronto in den USA. Es liegt aber in Kanada!\n",
    )
    raw = raw.replace(b"Subject:", b"Content-Language: en-US\nSubject:")

    letter = ingest_message(raw).letter

    assert letter.language == "de"


def test_an_emailed_letter_too_short_to_tell_keeps_its_content_language_header():
    raw = emailed_letter_bytes().replace(
        b"Dear Santa,\n\nYour map says Toronto is in the US. It is in Canada!\n\nMia, 8\n", b"Hi!\n"
    )
    raw = raw.replace(b"Subject:", b"Content-Language: fr-CA\nSubject:")

    assert ingest_message(raw).letter.language == "fr-CA"


def test_languages_are_named_for_the_elves_in_english_and_in_themselves():
    assert language_name("de-AT") == "German (Deutsch)"
    assert language_name("en") == "English"
    assert language_name("ja") == "Japanese (日本語)"
    assert language_name("") == ""


def test_a_letter_of_unknown_language_is_answered_in_the_sites_language(web_letter):
    web_letter.language = ""
    assert reply_language(web_letter) == settings.LANGUAGE_CODE


def test_the_signature_follows_the_letters_language_and_falls_back_to_the_default(web_letter, elf):
    persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa")
    PersonaSignature.objects.create(persona=persona, language="de", signature="Liebe Grüße, PamElfa")
    persona.signers.add(elf)
    web_letter.language = "de-CH"
    web_letter.save()

    reply = reply_as(persona, web_letter, "Hallo Aroha!", author=elf)

    assert reply.body == "Hallo Aroha!\n\nLiebe Grüße, PamElfa\n"
    assert persona.signature_for("sv") == "Love from PamElfa"


def test_the_template_menu_puts_the_letters_language_first(web_letter):
    web_letter.language = "fr"

    groups = template_choices(web_letter)

    assert groups[0] == ("", "(no template)")
    label, french = groups[1]
    assert label == "In French (français)"
    assert {name for _, name in french} == {str(t) for t in ReplyTemplate.objects.filter(language="fr")}
    assert groups[2][0] == "Other languages"


def test_a_bulk_reply_gives_each_letter_the_template_in_its_own_language(web_letter, emailed_letter, elf):
    persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa")
    persona.signers.add(elf)
    web_letter.language = "es"
    web_letter.save()
    english = ReplyTemplate.objects.get(name="Thank you for your letter", language="en")

    result = reply_from_template([web_letter, emailed_letter], english, persona, author=elf)

    by_letter = {reply.letter_id: reply for reply in result.replies}
    assert by_letter[web_letter.pk].body.startswith("¡Hola, Aroha!\n\n¡Muchas gracias por tu carta!")
    assert by_letter[web_letter.pk].template.language == "es"
    assert by_letter[emailed_letter.pk].body.startswith("Dear Mia,\n\nThank you so much")
    assert in_language_of(english, emailed_letter) == english
