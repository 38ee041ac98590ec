"""purge_letters --older-than DAYS: old letters and their replies go, unsent replies are kept."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from letters.models import Letter, Reply
from letters.replies import reply_as
from letters.sending import deliver_reply

pytestmark = pytest.mark.django_db


def age(letter: Letter, days: int) -> Letter:
    """Make LETTER as old as DAYS days."""
    Letter.objects.filter(pk=letter.pk).update(received=timezone.now() - dt.timedelta(days=days))
    return letter


def test_letters_older_than_the_given_days_go_with_their_replies(web_letter, emailed_letter, elf, pamelfa, capsys):
    deliver_reply(reply_as(pamelfa, age(web_letter, 400), "A kite it is!", author=elf).pk)
    age(emailed_letter, 10)

    call_command("purge_letters", "--older-than", "365")

    assert list(Letter.objects.all()) == [emailed_letter]
    assert Reply.objects.count() == 0
    expected = "Deleted 1 letters (with their original emails), 1 replies and 0 quarantined emails older than 365 days."
    assert expected in capsys.readouterr().out


def test_a_letter_whose_reply_is_still_queued_is_kept(web_letter, elf, pamelfa, capsys):
    reply_as(pamelfa, age(web_letter, 400), "A kite it is!", author=elf)

    call_command("purge_letters", "--older-than", "30")

    assert Letter.objects.count() == 1
    assert "Kept 1 old letters whose reply is still being sent." in capsys.readouterr().out


def test_a_dry_run_deletes_nothing(web_letter, capsys):
    age(web_letter, 100)

    call_command("purge_letters", "--older-than", "30", "--dry-run")

    assert Letter.objects.count() == 1
    expected = "Would delete 1 letters (with their original emails), 0 replies and 0 quarantined emails older than 30"
    assert expected in capsys.readouterr().out


def test_older_than_is_required_and_not_negative():
    with pytest.raises(CommandError):
        call_command("purge_letters")
    with pytest.raises(CommandError, match="0 or more"):
        call_command("purge_letters", "--older-than", "-1")
