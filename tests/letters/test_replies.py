"""Claiming and replying: one reply per letter, personas only for their signers, templates filled safely."""

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from letters import claims
from letters.claims import LetterRefused
from letters.intake import receive_web_letter
from letters.models import ElfPersona, Letter, Reply, ReplyTemplate
from letters.replies import fill_template, personas_for, reply_as, reply_from_template
from letters.sending import deliver_reply

pytestmark = pytest.mark.django_db


def test_claiming_a_new_letter_keeps_other_elves_off_it(emailed_letter, elf, second_elf):
    claims.claim(emailed_letter.pk, elf)

    with pytest.raises(LetterRefused, match="pepper claimed this letter"):
        claims.claim(emailed_letter.pk, second_elf)
    emailed_letter.refresh_from_db()
    assert emailed_letter.status == Letter.Status.CLAIMED
    assert emailed_letter.claimed_by == elf
    assert emailed_letter.claimed_at is not None


def test_a_released_letter_can_be_claimed_by_another_elf(emailed_letter, elf, second_elf):
    claims.claim(emailed_letter.pk, elf)
    with pytest.raises(LetterRefused):
        claims.release(emailed_letter.pk, second_elf)

    claims.release(emailed_letter.pk, elf)
    claims.claim(emailed_letter.pk, second_elf)

    emailed_letter.refresh_from_db()
    assert emailed_letter.claimed_by == second_elf


def test_spam_and_closed_letters_cannot_be_claimed_or_answered(emailed_letter, web_letter, elf, pamelfa):
    claims.set_outcome(emailed_letter.pk, elf, Letter.Status.SPAM)
    claims.set_outcome(web_letter.pk, elf, Letter.Status.CLOSED)

    with pytest.raises(LetterRefused, match="already marked as spam"):
        claims.claim(emailed_letter.pk, elf)
    with pytest.raises(LetterRefused, match="already closed without a reply"):
        reply_as(pamelfa, web_letter, "Hello!", author=elf)
    assert Reply.objects.count() == 0


def test_reply_as_stores_a_queued_reply_with_its_send_task_and_sends_nothing_yet(
    emailed_letter, elf, pamelfa, mailoutbox
):
    reply = reply_as(pamelfa, emailed_letter, "Thank you, Mia! You are right.", author=elf)

    assert reply.status == Reply.Status.QUEUED
    assert reply.attempts == 0
    assert reply.author == elf
    assert reply.to_email == "mia@example.net"
    assert reply.subject == "Re: Toronto is in Canada!"
    assert reply.body == "Thank you, Mia! You are right.\n\nLove from PamElfa\nThe North Pole\n"
    assert reply.message_id.startswith("<") and reply.message_id.endswith("@northpole.example>")
    task = DBTaskResult.objects.get()
    assert task.task_path == "letters.sending.send_reply"
    assert task.args_kwargs == {"args": [reply.pk], "kwargs": {}}
    emailed_letter.refresh_from_db()
    assert emailed_letter.status == Letter.Status.REPLIED
    assert mailoutbox == []


def test_delivering_sends_one_message_with_the_persona_in_from_and_the_threading_headers(
    emailed_letter, elf, pamelfa, mailoutbox
):
    reply = reply_as(pamelfa, emailed_letter, "Thank you, Mia!", author=elf)

    assert deliver_reply(reply.pk) == Reply.Status.SENT
    assert deliver_reply(reply.pk) == Reply.Status.SENT  # a second task for the same reply sends nothing

    assert len(mailoutbox) == 1
    sent = mailoutbox[0].message()
    assert sent["From"].addresses[0].display_name == "PamElfa"
    assert sent["From"].addresses[0].addr_spec == "letters@northpole.example"
    assert sent["To"] == "mia@example.net"
    assert sent["Message-ID"] == reply.message_id
    assert sent["In-Reply-To"] == "<first-letter@mail.example.net>"
    assert sent["References"] == "<earlier@mail.example.net> <first-letter@mail.example.net>"
    reply.refresh_from_db()
    assert (reply.status, reply.attempts, reply.last_error) == (Reply.Status.SENT, 1, "")
    assert reply.sent_at is not None


def test_a_reply_to_a_web_letter_has_no_threading_headers(web_letter, elf, pamelfa, mailoutbox):
    reply = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)
    deliver_reply(reply.pk)

    sent = mailoutbox[0].message()
    assert sent["In-Reply-To"] is None and sent["References"] is None
    assert sent["Subject"] == "A letter from the North Pole"


def test_a_persona_name_that_needs_quoting_survives_in_from(web_letter, elf, mailoutbox):
    persona = ElfPersona.objects.create(name='Jingle, "the" Elf', signature="Jingle")
    persona.signers.add(elf)

    deliver_reply(reply_as(persona, web_letter, "Hello!", author=elf).pk)

    sender = mailoutbox[0].message()["From"].addresses[0]
    assert sender.display_name == 'Jingle, "the" Elf'
    assert sender.addr_spec == "letters@northpole.example"


def test_an_elf_may_only_sign_as_a_persona_they_are_a_signer_of(web_letter, elf, second_elf, pamelfa):
    other = ElfPersona.objects.create(name="Snowflake", signature="Snowflake")
    other.signers.add(second_elf)

    assert list(personas_for(elf)) == [pamelfa]
    with pytest.raises(LetterRefused, match="You may not sign as Snowflake"):
        reply_as(other, web_letter, "Hello!", author=elf)
    assert Reply.objects.count() == 0


def test_a_letter_gets_no_second_reply(emailed_letter, elf, pamelfa):
    reply_as(pamelfa, emailed_letter, "First", author=elf)

    with pytest.raises(LetterRefused, match="already answered"):
        reply_as(pamelfa, emailed_letter, "Second", author=elf)
    assert Reply.objects.count() == 1


def test_an_elf_cannot_answer_a_letter_another_elf_claimed(emailed_letter, elf, second_elf, pamelfa):
    pamelfa.signers.add(second_elf)
    claims.claim(emailed_letter.pk, second_elf)

    with pytest.raises(LetterRefused, match="jingle claimed this letter"):
        reply_as(pamelfa, emailed_letter, "Mine!", author=elf)


def test_templates_fill_the_name_country_and_persona(web_letter, pamelfa):
    body = "Dear {name} in {country}, love {persona}. {{braces}} stay."

    assert fill_template(body, web_letter, pamelfa) == "Dear Aroha in New Zealand, love PamElfa. {braces} stay."


@pytest.mark.parametrize(
    ("language", "filled", "subject"),
    [
        ("de", "Hallo liebes Kind aus Kanada, dein PamElfa.", "Ein Brief vom Nordpol"),
        ("ja", "Hallo おともだち aus カナダ, dein PamElfa.", "北極からのおてがみ"),
        ("en", "Hallo friend aus Canada, dein PamElfa.", "A letter from the North Pole"),
    ],
)
def test_placeholders_and_the_subject_are_in_the_letters_language(pamelfa, elf, mailoutbox, language, filled, subject):
    letter = receive_web_letter("Kim", "kim@example.org", "Lieber Weihnachtsmann", 8, "CA", language)
    # A letter whose writer gave no name (an email from a bare address) is addressed with a friendly word.
    Letter.objects.filter(pk=letter.pk).update(sender_name="")
    letter.refresh_from_db()

    assert fill_template("Hallo {name} aus {country}, dein {persona}.", letter, pamelfa) == filled
    deliver_reply(reply_as(pamelfa, letter, "Frohe Weihnachten!", author=elf).pk)
    assert mailoutbox[0].subject == subject


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {child}", "{child}, which is not a placeholder"),
        ("Dear {name.__class__}", "not a placeholder"),
        ("Dear {name!r}", "writes {name!r}; placeholders take nothing after the name. Write {name}."),
        ("Dear {name:>30}", "writes {name:>30}; placeholders take nothing after the name. Write {name}."),
        ("Dear {name", "stray"),
    ],
)
def test_a_template_with_an_unknown_or_tricky_placeholder_is_refused(body, message):
    template = ReplyTemplate(name="Bad", body=body)

    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        template.full_clean()


def test_bulk_reply_answers_each_open_letter_and_skips_the_rest_with_reasons(
    db, elf, second_elf, pamelfa, apology, emailed_letter, web_letter
):
    liam = receive_web_letter("Liam", "liam@example.ca", "Toronto is in Canada", None, "CA", "en")
    claimed_by_other = claims.claim(liam.pk, second_elf)
    bot = receive_web_letter("Bot", "bot@example.com", "cheap pills", None, "", "en")
    spam = claims.set_outcome(bot.pk, elf, Letter.Status.SPAM)

    result = reply_from_template(Letter.objects.order_by("pk"), apology, pamelfa, author=elf)

    assert [reply.letter for reply in result.replies] == [emailed_letter, web_letter]
    assert [letter for letter, _ in result.skipped] == [claimed_by_other, spam]
    assert "jingle claimed this letter" in result.skipped[0][1]
    assert "already marked as spam" in result.skipped[1][1]
    assert result.replies[0].body.startswith("Dear Mia,\n\nYou were right: Toronto is in Canada")
    assert result.replies[1].body.startswith("Dear Aroha,")
    assert all(reply.template == apology for reply in result.replies)
