"""The elves' desk on the first morning: add_elf, the starter templates, and the admin's home page."""

import importlib
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from letters.languages import detect_language
from letters.models import ElfPersona, Letter, ReplyTemplate, base_language, check_template_body
from tests.letters.conftest import rerun_data_migration

pytestmark = pytest.mark.django_db


def add_elf(*args: str) -> str:
    """Run manage.py add_elf with ARGS; what it printed."""
    out = io.StringIO()
    call_command("add_elf", *args, stdout=out)
    return out.getvalue()


def test_add_elf_makes_a_new_staff_elf_without_a_password_and_says_how_to_set_one(django_user_model):
    printed = add_elf("holly", "--persona", "PamElfa")

    holly = django_user_model.objects.get(username="holly")
    assert holly.is_staff and not holly.is_superuser
    assert not holly.has_usable_password()
    assert list(holly.groups.values_list("name", flat=True)) == ["Elves"]
    persona = ElfPersona.objects.get(name="PamElfa")
    assert list(persona.signers.all()) == [holly]
    assert "manage.py changepassword holly" in printed
    assert persona.signature_for("en") == "Love from PamElfa, one of Santa's elves\nThe North Pole"
    assert persona.signature_for("de") == "Herzliche Grüße vom Nordpol\nPamElfa, Wichtel beim Weihnachtsmann"


def test_add_elf_on_an_existing_user_keeps_their_password_and_an_existing_persona(django_user_model):
    user = django_user_model.objects.create_user("holly", password="a-password-she-chose")
    persona = ElfPersona.objects.create(name="PamElfa", signature="Hugs, PamElfa")

    printed = add_elf("holly", "--persona", "PamElfa")
    again = add_elf("holly", "--persona", "PamElfa")

    assert printed.startswith("Made holly an elf: staff, in the Elves group.")
    assert again.startswith("holly is already an elf (staff, in the Elves group): nothing changed.")
    user.refresh_from_db()
    assert user.check_password("a-password-she-chose") and user.is_staff
    assert user.groups.filter(name="Elves").count() == 1
    assert ElfPersona.objects.get().signature == "Hugs, PamElfa"
    assert not persona.signatures.exists()
    assert "changepassword" not in printed


def test_add_elf_without_the_elves_group_says_to_migrate():
    Group.objects.filter(name="Elves").delete()
    with pytest.raises(CommandError, match="migrate"):
        add_elf("holly")


@pytest.mark.parametrize("language", [base_language(code) for code, _ in settings.LANGUAGES])
def test_every_site_language_has_starter_templates_in_that_language(language):
    templates = ReplyTemplate.objects.filter(language=language)

    assert templates.count() >= 3
    for template in templates:
        check_template_body(template.body)
        assert detect_language(template.body.format(name="Lena", persona="PamElfa")) == language, template.name


def test_the_starter_templates_read_in_the_language_they_claim():
    for template in ReplyTemplate.objects.all():
        text = template.body.format(name="Lena", persona="PamElfa")
        assert detect_language(text) == template.language, f"{template} reads as {detect_language(text)}"


def test_the_starter_templates_close_once_and_leave_the_sign_off_to_the_persona_s_signature():
    closings = importlib.import_module("letters.migrations.0013_templates_close_once").CLOSINGS
    for (name, language), (_before, after) in closings.items():
        body = ReplyTemplate.objects.get(name=name, language=language).body
        assert body.endswith("\n\n" + after), (name, language, body[-80:])
    assert not ReplyTemplate.objects.filter(body__contains="from all of us at the North Pole").exists()


def test_a_closing_an_elf_changed_is_left_as_they_wrote_it():
    template = ReplyTemplate.objects.get(name="Thank you for your letter", language="en")
    mine = "Merry Christmas from all of us at the North Pole, and from me!"
    template.body = template.body.removesuffix("Merry Christmas!") + mine
    template.save()

    rerun_data_migration("letters", "0013_templates_close_once")

    template.refresh_from_db()
    assert template.body.endswith(mine)


def test_the_admin_home_tells_an_elf_what_to_do_next(client, elf, web_letter, emailed_letter):
    client.force_login(elf)
    Letter.objects.filter(pk=emailed_letter.pk).update(status=Letter.Status.CLAIMED, claimed_by=elf)

    home = client.get("/admin/").text

    assert "1 new letter</strong></a>: open one and claim it." in home
    assert 'href="/admin/letters/letter/?status__exact=new"' in home
    assert "1 letter you claimed</strong></a>: answer it first." in home
    assert "You cannot sign replies as any persona yet" in home


def test_the_admin_home_shows_no_desk_to_an_organiser(client, organiser, web_letter):
    client.force_login(organiser)
    assert "Your desk" not in client.get("/admin/").text
