"""The right voice: who wrote a letter, the child's first name, and templates that speak to the right person."""

import re

import pytest

from letters.forms import BulkReplyForm
from letters.intake import ingest_message, receive_web_letter
from letters.models import Letter, ReplyTemplate, Writer
from letters.replies import fill_template, reply_from_template
from letters.voice import first_name, suggest_writer
from tests.letters.conftest import emailed_letter_bytes

pytestmark = pytest.mark.django_db

INBOX = "/admin/letters/letter/"
MAP_MISTAKE = "Thank you for spotting a mistake on the map"
MAP_REPORT = "Thank you for reporting a mistake on the map"


@pytest.fixture
def elf_client(client, elf):
    client.force_login(elf)
    return client


def angry_father() -> Letter:
    """The German father who wrote after Toronto was shown in the US, by email (who wrote it is not set)."""
    raw = emailed_letter_bytes("<vater@example.de>", "Klaus-Dieter Hoffmann <kd.hoffmann@example.de>")
    raw = raw.replace(
        b"Dear Santa,\n\nYour map says Toronto is in the US. It is in Canada!\n\nMia, 8\n",
        "Sehr geehrte Damen und Herren,\n\nIhre Karte zeigt Toronto in den USA. Mein Sohn Jonas hat es sofort "
        "gesehen und war sehr enttäuscht. Bitte korrigieren Sie das.\n\nK.-D. Hoffmann\n".encode(),
    )
    letter = ingest_message(raw).letter
    letter.language = "de"
    letter.save()
    return letter


@pytest.mark.parametrize(
    ("text", "phrase", "name"),
    [
        ("Hello Santa, my daughter Lily wants a pony.", "my daughter", "Lily"),
        ("Lieber Weihnachtsmann, mein Sohn Jonas wünscht sich ein Fahrrad.", "mein Sohn", "Jonas"),
        ("Cher Père Noël, notre fils rêve d'un train.", "notre fils", ""),
        ("Querido Papá Noel: mi hija Lucía quiere una muñeca.", "mi hija", "Lucía"),
        ("Drogi Mikołaju, piszę w imieniu mojej córki Zosi.", "w imieniu", ""),
        ("サンタさんへ、娘がプレゼントを楽しみにしています。", "娘", ""),
    ],
)
def test_a_grown_up_is_recognised_by_the_child_they_name_in_any_of_the_sites_languages(text, phrase, name):
    suggestion = suggest_writer(text)
    assert (suggestion.writer, suggestion.phrase, suggestion.child_name) == (Writer.GROWN_UP, phrase, name)


def test_a_childs_own_letter_reads_as_a_childs():
    assert suggest_writer("Dear Santa, your map says Toronto is in the US! I am 8. My sister wants a doll.").writer == (
        Writer.CHILD
    )


def test_greetings_use_the_first_name_except_where_the_family_name_comes_first():
    assert first_name("Emma  Schmidt", "de") == "Emma"
    assert first_name("山田 花子", "ja") == "山田 花子"
    assert first_name("", "en") == ""


def test_the_german_map_template_never_greets_an_angry_father_by_his_full_name_in_a_childs_voice(elf, pamelfa):
    father = angry_father()
    child_voice = ReplyTemplate.objects.get(name=MAP_MISTAKE, language="de")
    grown_up = ReplyTemplate.objects.get(name=MAP_REPORT, language="de")

    refused = reply_from_template([father], child_voice, pamelfa, author=elf)
    assert refused.replies == []
    [(_, reason)] = refused.skipped
    assert "written by a grown-up (it says 'Mein Sohn')" in reason

    answered = reply_from_template([father], grown_up, pamelfa, author=elf)
    [reply] = answered.replies
    assert reply.body.startswith("Guten Tag,\n\nvielen Dank für Ihren Hinweis")
    assert "Klaus" not in reply.body and "Hoffmann" not in reply.body and " du " not in reply.body


def test_a_mother_writing_for_her_daughter_gets_a_reply_that_greets_the_daughter(elf, pamelfa):
    mother = receive_web_letter(
        "Sarah Jones", "sarah@example.org", "My daughter would love a pony.", None, "GB", "en", Writer.GROWN_UP, "Lily"
    )
    thanks = ReplyTemplate.objects.get(name="Thank you for your letter", language="en")

    [reply] = reply_from_template([mother], thanks, pamelfa, author=elf).replies

    assert reply.body.startswith("Dear Lily,\n\nThank you so much for your letter!")
    assert "Sarah" not in reply.body


def test_a_template_for_grown_ups_is_not_sent_to_a_child(elf, pamelfa, web_letter):
    report = ReplyTemplate.objects.get(name=MAP_REPORT, language="en")

    result = reply_from_template([web_letter], report, pamelfa, author=elf)

    assert result.replies == []
    assert "written by a child" in result.skipped[0][1]


def test_country_is_named_in_the_letters_language_and_writer_is_the_name_as_given(pamelfa):
    letter = receive_web_letter("Lena Müller", "lena@example.de", "Hallo!", 7, "CA", "de", Writer.CHILD)
    english = "Dear {name} ({writer}) in {country}"
    assert fill_template(english, letter, pamelfa, "en") == "Dear Lena (Lena Müller) in Kanada"


def test_the_bulk_reply_form_picks_no_template_for_the_elf(elf, elf_client, pamelfa, web_letter):
    form = BulkReplyForm(user=elf)
    assert form.fields["template"].initial is None
    assert not BulkReplyForm({"persona": ""}, user=elf).is_valid()

    page = elf_client.post(INBOX, {"action": "reply_with_template", "_selected_action": [web_letter.pk]})
    select = re.search(r'<select name="template"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    assert re.search(r'<option value="" selected>\(choose a template\)</option>', select)
    assert select.count("selected") == 1


def test_an_elf_sets_who_wrote_an_email_with_one_click_suggested_from_its_words(elf_client):
    father = angry_father()
    page = f"/admin/letters/letter/{father.pk}/change/"
    html = elf_client.get(page).text
    assert "It reads as written by <strong>a grown-up</strong>: it says “Mein Sohn”" in html
    assert 'name="child_name" id="id_child_name" maxlength="100" dir="auto" value="Jonas"' in html

    elf_client.post(f"/admin/letters/letter/{father.pk}/act/", {"action": "grown_up", "child_name": "Jonas"})

    father.refresh_from_db()
    assert (father.writer, father.child_name) == (Writer.GROWN_UP, "Jonas")


def test_the_form_asks_who_is_writing_and_a_grown_up_names_the_child(client):
    data = {"name": "Sarah Jones", "email": "sarah@example.org", "message": "My daughter wants a pony.", "age": ""}
    page = client.get("/de/letters/write/").text
    assert "Wer schreibt dem Weihnachtsmann?" in page and "Für Erwachsene: der Vorname des Kindes" in page

    missing = client.post("/en/letters/write/", data | {"writer": "grown_up", "child_name": ""})
    assert missing.status_code == 400
    assert "Please write the child&#x27;s first name, so Santa can greet them." in missing.text

    client.post("/en/letters/write/", data | {"writer": "grown_up", "child_name": " Lily "})
    client.post("/en/letters/write/", data | {"writer": "child", "child_name": "ignored", "email": "kid@example.org"})
    assert list(Letter.objects.order_by("pk").values_list("writer", "child_name")) == [
        ("grown_up", "Lily"),
        ("child", ""),
    ]


def test_the_bulk_reply_menu_names_each_template_once_without_a_language(elf, elf_client, pamelfa, web_letter):
    page = elf_client.post(INBOX, {"action": "reply_with_template", "_selected_action": [web_letter.pk]})
    select = re.search(r'<select name="template"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    labels = re.findall(r"<option value=\"\d+\">([^<]*)</option>", select)

    assert len(labels) == len(set(labels)) == ReplyTemplate.objects.values("name").distinct().count()
    assert labels == sorted(labels)  # by name, not Arabic first
    assert "Thank you for your letter (to a child)" in labels
    assert "Thank you for reporting a mistake on the map (to a grown-up)" in labels
