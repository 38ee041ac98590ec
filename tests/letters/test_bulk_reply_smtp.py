"""End to end: an elf answers 100 letters in three languages with one bulk reply, through the admin, the real
tasks worker and a real SMTP server on loopback; each email greets the right person in the right voice and
language, and says it was sent automatically (RFC 3834)."""

import re

import pytest

from letters.desk import add_elf
from letters.intake import receive_web_letter
from letters.models import ElfPersona, Letter, Reply, ReplyTemplate, Writer
from tests.letters.conftest import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("elves_group")]

INBOX = "/admin/letters/letter/"

# For each language: children's first names with a family name, grown-ups' names and their child's name,
# a letter's text, and what the reply must say: its greeting and words from the template and the signature.
LANGUAGES = {
    "en": {
        "children": ["Emma Smith", "Noah Brown", "Olivia Taylor", "Jack Wilson"],
        "grown_ups": [("Sarah Jones", "Lily"), ("David Evans", "Oscar")],
        "letter": "Dear Santa, I would love a red bike. I have been good all year!",
        "greeting": "Dear {name},\n\n",
        "words": ["Thank you so much for your letter!", "Love from PamElfa, one of Santa's elves"],
        "count": 34,
    },
    "de": {
        "children": ["Lena Müller", "Paul Schmidt", "Marie Fischer", "Felix Weber"],
        "grown_ups": [("Andrea Wagner", "Mia"), ("Thomas Becker", "Jonas")],
        "letter": "Lieber Weihnachtsmann, ich wünsche mir ein Fahrrad. Ich war das ganze Jahr brav!",
        "greeting": "Hallo {name},\n\n",
        "words": ["vielen Dank für deinen Brief!", "Herzliche Grüße vom Nordpol"],
        "count": 33,
    },
    "fr": {
        "children": ["Léa Martin", "Hugo Bernard", "Chloé Dubois", "Louis Moreau"],
        "grown_ups": [("Claire Laurent", "Jade"), ("Nicolas Simon", "Gabriel")],
        "letter": "Cher Père Noël, je voudrais un vélo rouge. J'ai été très sage cette année !",
        "greeting": "Bonjour {name},\n\n",
        "words": ["Merci beaucoup pour ta lettre !", "Grosses bises du pôle Nord"],
        "count": 33,
    },
}


def write_letters() -> dict[str, tuple[str, str]]:
    """100 letters from the form: {address: (language, the first name the reply must greet)}."""
    expected = {}
    for language, spec in LANGUAGES.items():
        for n in range(spec["count"]):
            address = f"{language}{n}@example.org"
            if n % 3 == 2:  # a grown-up writing for a child
                grown_up, child = spec["grown_ups"][n % len(spec["grown_ups"])]
                receive_web_letter(grown_up, address, spec["letter"], None, "", language, Writer.GROWN_UP, child)
                expected[address] = (language, child)
            else:
                child = spec["children"][n % len(spec["children"])]
                receive_web_letter(child, address, spec["letter"], 8, "", language, Writer.CHILD)
                expected[address] = (language, child.split()[0])
    return expected


def test_an_elf_answers_100_letters_in_three_languages_with_one_bulk_reply_over_smtp(client, elf, smtp_mailer):
    smtp_mailer.start()
    add_elf(elf.username, "PamElfa")  # the persona with a signature in each language
    persona = ElfPersona.objects.get(name="PamElfa")
    expected = write_letters()
    assert len(expected) == 100
    english = ReplyTemplate.objects.get(name="Thank you for your letter", language="en")
    client.force_login(elf)
    selected = list(Letter.objects.values_list("pk", flat=True))

    confirm = client.post(INBOX, {"action": "reply_with_template", "_selected_action": selected})
    assert 'value="" selected' in confirm.text  # no template is picked for the elf
    done = client.post(
        INBOX,
        {
            "action": "reply_with_template",
            "_selected_action": selected,
            "persona": persona.pk,
            "template": english.pk,
            "apply": "Queue the replies",
        },
        follow=True,
    )
    messages = re.findall(r"<li class=\"(?:success|warning|error)\">(.*?)</li>", done.text, re.S)
    assert "Queued 100 replies from the template." in done.text, messages
    run_worker()

    assert Reply.objects.filter(status=Reply.Status.SENT).count() == 100
    assert len(smtp_mailer.received) == 100
    for message in smtp_mailer.received:
        language, first_name = expected[message["To"]]
        spec = LANGUAGES[language]
        text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(preferencelist=("html",)).get_content()
        assert text.startswith(spec["greeting"].format(name=first_name)), (message["To"], text[:60])
        for words in spec["words"]:
            assert words in text
        # The child is greeted, never the grown-up who wrote, and never by a family name.
        for grown_up, _child in spec["grown_ups"]:
            assert grown_up.split()[0] not in text
        assert not any(child.split()[1] in text for child in spec["children"])
        assert message["Auto-Submitted"] == "auto-replied"
        assert message["Content-Language"] == language
        assert f'lang="{language}"' in html
