"""The elves' admin: the inbox, claiming, replying as a persona with templates and preview, bulk replies."""

import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from letters import claims
from letters.intake import receive_web_letter
from letters.models import ElfPersona, Letter, Reply, ReplyTemplate
from letters.sending import deliver_reply

pytestmark = pytest.mark.django_db

INBOX = "/admin/letters/letter/"


def page(letter: Letter) -> str:
    """A letter's page in the admin."""
    return f"/admin/letters/letter/{letter.pk}/change/"


def act(letter: Letter) -> str:
    """Where the buttons on a letter's page post to."""
    return f"/admin/letters/letter/{letter.pk}/act/"


@pytest.fixture
def elf_client(client, elf):
    """The browser of an elf who is logged in."""
    client.force_login(elf)
    return client


def test_the_elves_group_has_exactly_the_mailroom_permissions():
    codenames = set(Group.objects.get(name="Elves").permissions.values_list("content_type__app_label", "codename"))

    assert codenames == {
        ("letters", "view_letter"),
        ("letters", "change_letter"),
        ("letters", "view_reply"),
        ("letters", "add_reply"),
        ("letters", "change_reply"),
        ("letters", "view_elfpersona"),
        ("letters", "view_replytemplate"),
        ("letters", "add_replytemplate"),
        ("letters", "change_replytemplate"),
        ("letters", "view_quarantinedmessage"),
        ("letters", "change_quarantinedmessage"),
        ("letters", "delete_quarantinedmessage"),
    }


def test_organisers_have_no_letters_permission():
    organisers = Group.objects.get(name="Organisers").permissions
    assert not organisers.filter(content_type__app_label="letters").exists()
    assert Permission.objects.filter(content_type__app_label="letters").count() > 9


def test_an_elf_cannot_touch_the_route(elf_client):
    assert elf_client.get("/admin/locations/revision/").status_code == 403
    assert elf_client.get("/admin/locations/stop/").status_code == 403
    assert "/admin/locations/" not in elf_client.get("/admin/").text


def test_an_organiser_cannot_read_letters(client, organiser, web_letter):
    client.force_login(organiser)

    assert client.get(INBOX).status_code == 403
    assert client.get(page(web_letter)).status_code == 403
    assert client.post(act(web_letter), {"action": "claim"}).status_code in (403, 404)
    web_letter.refresh_from_db()
    assert web_letter.status == Letter.Status.NEW


def test_the_inbox_filters_claimed_by_me_and_searches_the_text(elf_client, elf, second_elf, emailed_letter, web_letter):
    other = receive_web_letter("Liam", "liam@example.ca", "A red bike please", None, "CA", "en")
    claims.claim(emailed_letter.pk, elf)
    claims.claim(other.pk, second_elf)

    mine = elf_client.get(INBOX, {"claimed": "me"}).text
    kite = elf_client.get(INBOX, {"q": "kite"}).text
    new = elf_client.get(INBOX, {"status__exact": "new"}).text

    assert "Toronto is in Canada!" in mine and "A red bike" not in mine and "kite" not in mine
    assert "kite" in kite and "Toronto" not in kite
    assert "kite" in new and "Toronto" not in new and "red bike" not in new


def test_a_letters_page_shows_the_letter_and_only_the_personas_the_elf_may_sign_as(
    elf_client, second_elf, pamelfa, emailed_letter
):
    ElfPersona.objects.create(name="Snowflake", signature="Snowflake").signers.add(second_elf)

    html = elf_client.get(page(emailed_letter)).text

    assert "Your map says Toronto is in the US." in html
    persona_select = re.search(r'<select name="persona"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert "PamElfa" in persona_select and "Snowflake" not in persona_select
    assert 'value="claim"' in html
    assert 'name="_save"' not in html  # the letter itself is never edited


def test_claiming_on_the_page_keeps_the_second_elf_out(elf_client, client, elf, second_elf, web_letter):
    elf_client.post(act(web_letter), {"action": "claim"})
    client.force_login(second_elf)

    response = client.post(act(web_letter), {"action": "claim"}, follow=True)

    assert "Pepper claimed this letter" in response.text  # the admin capitalises messages
    web_letter.refresh_from_db()
    assert web_letter.claimed_by == elf


def test_use_template_then_preview_then_send_queues_one_reply_signed_by_the_persona(
    elf_client, elf, pamelfa, apology, emailed_letter, mailoutbox
):
    elf_client.post(act(emailed_letter), {"action": "claim"})
    used = elf_client.post(
        act(emailed_letter),
        {"action": "use_template", "persona": pamelfa.pk, "template": apology.pk, "body": ""},
        follow=True,
    )
    body = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', used.text, re.S).group(1).strip()
    assert body.startswith("Dear Mia,")

    preview = elf_client.post(
        act(emailed_letter),
        {"action": "preview", "persona": pamelfa.pk, "template": apology.pk, "body": body + "\nHo ho ho!"},
        follow=True,
    )
    assert "Preview" in preview.text
    assert "&quot;PamElfa&quot;" in preview.text or "PamElfa &lt;letters@northpole.example&gt;" in preview.text
    assert "Re: Toronto is in Canada!" in preview.text
    assert "Love from PamElfa" in preview.text
    assert Reply.objects.count() == 0

    sent = elf_client.post(
        act(emailed_letter),
        {"action": "send", "persona": pamelfa.pk, "template": apology.pk, "body": body + "\nHo ho ho!"},
        follow=True,
    )

    assert "Reply stored and queued" in sent.text
    reply = Reply.objects.get()
    assert (reply.persona, reply.author, reply.template, reply.status) == (pamelfa, elf, apology, "queued")
    assert reply.body.startswith("Dear Mia,\n\nYou were right")
    assert reply.body.endswith("Ho ho ho!\n\nLove from PamElfa\nThe North Pole\n")
    deliver_reply(reply.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].from_email == "PamElfa <letters@northpole.example>"


def test_sending_as_a_persona_the_elf_may_not_sign_as_is_refused(elf_client, second_elf, pamelfa, web_letter):
    snowflake = ElfPersona.objects.create(name="Snowflake", signature="Snowflake")
    snowflake.signers.add(second_elf)

    response = elf_client.post(
        act(web_letter), {"action": "send", "persona": snowflake.pk, "body": "Hello"}, follow=True
    )

    assert "Select a valid choice" in response.text
    assert Reply.objects.count() == 0


def test_an_empty_reply_is_refused_and_the_elf_keeps_what_they_chose(elf_client, pamelfa, web_letter):
    response = elf_client.post(act(web_letter), {"action": "send", "persona": pamelfa.pk, "body": "  "}, follow=True)

    assert "The reply is empty" in response.text
    assert Reply.objects.count() == 0


def test_mark_spam_and_close_from_the_page_and_the_inbox(elf_client, emailed_letter, web_letter):
    elf_client.post(act(emailed_letter), {"action": "spam"})
    elf_client.post(INBOX, {"action": "mark_closed", "_selected_action": [web_letter.pk]})

    emailed_letter.refresh_from_db()
    web_letter.refresh_from_db()
    assert (emailed_letter.status, web_letter.status) == ("spam", "closed")


def test_bulk_reply_from_a_template_confirms_then_answers_each_selected_letter(
    elf_client, elf, second_elf, pamelfa, apology, emailed_letter, web_letter
):
    taken = receive_web_letter("Liam", "liam@example.ca", "Toronto is in Canada", None, "CA", "en")
    claims.claim(taken.pk, second_elf)
    selected = [emailed_letter.pk, web_letter.pk, taken.pk]

    confirm = elf_client.post(INBOX, {"action": "reply_with_template", "_selected_action": selected})
    assert confirm.status_code == 200
    assert "Each of these 3 letters gets its own reply" in confirm.text
    assert Reply.objects.count() == 0

    done = elf_client.post(
        INBOX,
        {
            "action": "reply_with_template",
            "_selected_action": selected,
            "persona": pamelfa.pk,
            "template": apology.pk,
            "apply": "Queue the replies",
        },
        follow=True,
    )

    assert "Queued 2 replies from the template." in done.text
    assert "jingle claimed this letter" in done.text
    assert set(Reply.objects.values_list("letter", flat=True)) == {emailed_letter.pk, web_letter.pk}


def test_a_failed_reply_can_be_sent_again_from_the_replies_list(elf_client, elf, pamelfa, web_letter, mailoutbox):
    from letters.replies import reply_as

    reply = reply_as(pamelfa, web_letter, "Hello", author=elf)
    Reply.objects.filter(pk=reply.pk).update(status=Reply.Status.FAILED, attempts=7, last_error="550 no")

    elf_client.post("/admin/letters/reply/", {"action": "send_failed_again", "_selected_action": [reply.pk]})
    deliver_reply(reply.pk)

    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert len(mailoutbox) == 1
    assert elf_client.get(f"/admin/letters/reply/{reply.pk}/change/").status_code == 200
    assert 'name="_save"' not in elf_client.get(f"/admin/letters/reply/{reply.pk}/change/").text


def test_an_elf_reads_the_letter_as_written_in_paragraphs_without_tags(elf_client):
    from html.parser import HTMLParser

    letter = receive_web_letter(
        name="Mia",
        email="mia@example.net",
        message="Dear Santa,\n\nI want a <b>kite</b> & snow.\nLove, Mia",
        age=8,
        country="CA",
        language="en",
    )

    class LetterText(HTMLParser):
        """The paragraphs and line breaks inside the page's letter-text box, as a reader sees them."""

        def __init__(self) -> None:
            super().__init__()
            self.depth, self.paragraphs = 0, []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "div" and ("class", "letter-text") in attrs:
                self.depth = 1
            elif self.depth and tag == "p":
                self.paragraphs.append("")
            elif self.depth and tag == "br":
                self.paragraphs[-1] += "\n"

        def handle_endtag(self, tag: str) -> None:
            if tag == "div" and self.depth:
                self.depth = 0

        def handle_data(self, data: str) -> None:
            if self.depth and self.paragraphs:
                self.paragraphs[-1] += data

    reader = LetterText()
    reader.feed(elf_client.get(page(letter)).text)

    # Between paragraphs the page has only layout whitespace.
    assert [text.strip() for text in reader.paragraphs] == ["Dear Santa,", "I want a <b>kite</b> & snow.\nLove, Mia"]


def test_the_inbox_shows_the_letters_start_age_country_and_language_and_filters_by_them(elf_client, web_letter):
    receive_web_letter("Lena", "lena@example.de", "Lieber Weihnachtsmann,\nich wünsche mir ein Fahrrad.", 8, "DE", "de")

    inbox = elf_client.get(INBOX).text
    german = elf_client.get(INBOX, {"language": "de"}).text
    in_germany = elf_client.get(INBOX, {"country": "DE"}).text
    by_name = elf_client.get(INBOX, {"country": "germany"}).text

    assert "Lieber Weihnachtsmann, ich wünsche mir ein Fahrrad." in inbox  # one line, not one word per line
    assert '<td class="field-country_name">Germany</td>' in inbox
    assert '<td class="field-language_name">German</td>' in inbox
    assert '<td class="field-age_years">8<span class="on-phone"> years</span></td>' in inbox
    assert "Fahrrad" in german and "kite" not in german
    assert "Fahrrad" in in_germany and "kite" not in in_germany
    assert "Fahrrad" in by_name and "kite" not in by_name


def test_a_letters_page_puts_the_letter_and_the_reply_form_before_the_details(elf_client, pamelfa, web_letter):
    html = elf_client.get(page(web_letter)).text

    letter, form, details = (html.index(text) for text in ("please bring a kite", 'name="body"', "Details"))
    assert letter < form < details
    assert "<p>Dear Santa, please bring a kite. I have been good.</p>" in html  # paragraphs, not literal tags
    assert "&lt;p&gt;" not in html


def test_a_replied_letter_offers_no_close_or_spam_and_cannot_be_closed(elf_client, elf, pamelfa, web_letter):
    from letters.replies import reply_as

    reply_as(pamelfa, web_letter, "Hello Aroha!", author=elf)

    html = elf_client.get(page(web_letter)).text
    elf_client.post(INBOX, {"action": "mark_closed", "_selected_action": [web_letter.pk]})

    assert "Close without reply" not in html and "Mark as spam" not in html
    web_letter.refresh_from_db()
    assert web_letter.status == Letter.Status.REPLIED


def test_the_preview_shows_the_signature_in_the_letters_language(elf_client, elf, web_letter):
    call_command("add_elf", "pepper", "--persona", "PamElfa", stdout=io.StringIO())
    web_letter.language = "fr"
    web_letter.save()

    elf_client.post(act(web_letter), {"action": "preview", "persona": ElfPersona.objects.get().pk, "body": "Coucou"})
    html = elf_client.get(page(web_letter)).text

    assert "Coucou\n\nGrosses bises du pôle Nord,\nPamElfa, lutin du Père Noël" in html


def test_the_country_filter_is_the_typed_box_the_organisers_use_and_an_unknown_country_matches_none(elf_client):
    receive_web_letter("Yuki", "yuki@example.jp", "サンタさん", 6, "JP", "ja")

    inbox = elf_client.get(INBOX, {"country": "Narnia", "language": "ja"})

    assert 'type="search" id="typed-filter-country"' in inbox.text
    assert '<input type="hidden" name="language" value="ja">' in inbox.text  # the other filters are kept
    assert list(inbox.context["cl"].result_list) == []
    assert "admin-filters" in inbox.text  # its style, as on the organisers' pages


def test_a_templates_language_is_picked_from_the_sites_not_typed(admin_client):
    add = "/admin/letters/replytemplate/add/"
    page = admin_client.get(add).text
    assert '<option value="de">German (Deutsch)</option>' in page

    typed = admin_client.post(add, {"name": "Thanks", "language": "german", "body": "Danke, {name}!"})
    assert typed.status_code == 200 and "Select a valid choice" in typed.text
    picked = admin_client.post(add, {"name": "Thanks", "language": "de", "body": "Danke, {name}!"})
    assert picked.status_code == 302
    assert ReplyTemplate.objects.filter(name="Thanks", language="de").exists()


def test_a_grown_up_s_letter_says_whose_age_it_gives(elf_client):
    letter = receive_web_letter(
        "Katrin Müller", "katrin@example.de", "Mein Sohn wünscht sich ein Fahrrad.", 6, "DE", "de", "grown_up", "Jonas"
    )

    html = elf_client.get(page(letter)).text

    assert "From <strong>Katrin Müller</strong>, a grown-up writing for <strong>Jonas</strong>, 6 years old," in html


def test_another_elf_s_claim_offers_no_status_buttons_that_would_be_refused(
    elf_client, elf, second_elf, web_letter, admin_user
):
    claims.claim(web_letter.pk, second_elf)

    html = elf_client.get(page(web_letter)).text

    assert "Claimed by jingle at" in html
    for button in ("Release", "Mark as spam", "Close without reply", "Claim</button>", 'value="grown_up"'):
        assert button not in html, button
    # Who wrote it is jingle's to set too: a post anyway is refused, and the letter stays as it was.
    elf_client.post(act(web_letter), {"action": "grown_up", "child_name": "Anna"})
    web_letter.refresh_from_db()
    assert (web_letter.writer, web_letter.child_name) == ("", "")
    # A superuser may step in, so the buttons are there for one.
    elf_client.force_login(admin_user)
    assert "Close without reply" in elf_client.get(page(web_letter)).text


def test_a_settled_letter_says_so_in_words(elf_client, elf, pamelfa, web_letter):
    from letters.replies import reply_as

    reply_as(pamelfa, web_letter, "Hello Aroha!", author=elf)

    assert "This letter is answered." in elf_client.get(page(web_letter)).text
    with pytest.raises(claims.LetterRefused, match=r"^This letter is already answered; there is nothing to claim"):
        claims.claim(web_letter.pk, elf)
