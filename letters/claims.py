"""Who is working on a letter: claim, release, close, mark spam, each under a row lock."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from letters.models import Letter


class LetterRefused(Exception):
    """The elf cannot do this to the letter now; the message says why, in words for the elf."""


def locked_letter(letter_id: int) -> Letter:
    """The letter, its row locked until the surrounding transaction ends (so two elves queue, not race)."""
    return Letter.objects.select_for_update(of=("self",)).select_related("claimed_by").get(pk=letter_id)


def check_may_work_on(letter: Letter, user: User) -> None:
    """Refuse when another elf holds the letter; a superuser may step in."""
    if letter.status == Letter.Status.CLAIMED and letter.claimed_by_id != user.pk and not user.is_superuser:
        who = letter.claimed_by.get_username() if letter.claimed_by else "another elf"
        raise LetterRefused(
            f"{who} claimed this letter at {letter.claimed_at:%H:%M on %d %b}; only they can work on it "
            "until they release it."
        )


def claim(letter_id: int, user: User) -> Letter:
    """Take a new letter so no other elf answers it; claiming your own letter again changes nothing."""
    with transaction.atomic():
        letter = locked_letter(letter_id)
        if letter.status == Letter.Status.CLAIMED and letter.claimed_by_id == user.pk:
            return letter
        check_may_work_on(letter, user)
        if letter.status not in (Letter.Status.NEW, Letter.Status.CLAIMED):
            raise LetterRefused(f"This letter is already {letter.status_words()}; there is nothing to claim.")
        letter.status = Letter.Status.CLAIMED
        letter.claimed_by = user
        letter.claimed_at = timezone.now()
        letter.save(update_fields=["status", "claimed_by", "claimed_at"])
        return letter


def release(letter_id: int, user: User) -> Letter:
    """Give a claimed letter back to the inbox unanswered."""
    with transaction.atomic():
        letter = locked_letter(letter_id)
        if letter.status != Letter.Status.CLAIMED:
            raise LetterRefused(f"This letter is {letter.status_words()}, not claimed; nothing to release.")
        check_may_work_on(letter, user)
        letter.status = Letter.Status.NEW
        letter.claimed_by = None
        letter.claimed_at = None
        letter.save(update_fields=["status", "claimed_by", "claimed_at"])
        return letter


def set_outcome(letter_id: int, user: User, status: str) -> Letter:
    """Mark a letter closed (nothing more to do) or spam, unless another elf holds it."""
    if status not in (Letter.Status.CLOSED, Letter.Status.SPAM):
        raise ValueError(f"set_outcome only closes or marks spam, not {status!r}")
    with transaction.atomic():
        letter = locked_letter(letter_id)
        check_may_work_on(letter, user)
        if letter.status == Letter.Status.REPLIED:
            raise LetterRefused("This letter has been answered; it stays replied.")
        letter.status = status
        letter.save(update_fields=["status"])
        return letter
