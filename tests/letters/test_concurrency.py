"""Two elves at the same letter at the same moment, on PostgreSQL's real row locks: one reply, one email."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction

from letters import claims
from letters.claims import LetterRefused
from letters.models import Reply
from letters.replies import reply_as
from letters.sending import deliver_reply
from tests.letters.conftest import run_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("elves_group"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL); CI runs this there"
    ),
]


def answer(elf: object, persona: object, letter: object, outcomes: dict, name: str) -> None:
    """What an elf does in the admin: claim the letter, then reply to it."""
    try:
        claims.claim(letter.pk, elf)
        reply_as(persona, letter, f"Hello from {name}", author=elf)
        outcomes[name] = "replied"
    except LetterRefused as refusal:
        outcomes[name] = str(refusal)
    finally:
        connection.close()


def lock_waiters() -> int:
    """Sessions of this database waiting for a row lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_two_elves_claiming_and_replying_at_the_same_moment_send_exactly_one_reply(
    emailed_letter, elf, second_elf, pamelfa
):
    pamelfa.signers.add(second_elf)
    outcomes: dict[str, str] = {}
    start = threading.Barrier(2)

    def at_once(user: object, name: str) -> None:
        start.wait(timeout=30)
        answer(user, pamelfa, emailed_letter, outcomes, name)

    threads = [
        threading.Thread(target=at_once, args=(user, name)) for user, name in ((elf, "pepper"), (second_elf, "jingle"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    run_worker()

    assert sorted(outcomes.values()).count("replied") == 1, outcomes
    assert Reply.objects.count() == 1
    assert len(mail.outbox) == 1
    loser = next(text for text in outcomes.values() if text != "replied")
    assert "claimed this letter" in loser or "already answered" in loser


def test_the_second_elf_waits_for_the_first_ones_lock_and_then_finds_the_letter_taken(
    emailed_letter, elf, second_elf, pamelfa
):
    pamelfa.signers.add(second_elf)
    outcomes: dict[str, str] = {}
    first_holds_lock = threading.Event()
    first_may_commit = threading.Event()

    def first() -> None:
        try:
            # The first elf's claim and reply are done but not committed while the second elf arrives.
            with transaction.atomic():
                claims.claim(emailed_letter.pk, elf)
                reply_as(pamelfa, emailed_letter, "Hello from pepper", author=elf)
                first_holds_lock.set()
                first_may_commit.wait(timeout=30)
            outcomes["pepper"] = "replied"
        finally:
            connection.close()

    def second() -> None:
        first_holds_lock.wait(timeout=30)
        answer(second_elf, pamelfa, emailed_letter, outcomes, "jingle")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # Without the row lock the second elf would not wait here; with it, Postgres shows it waiting.
    deadline = time.monotonic() + 10
    while lock_waiters() == 0 and time.monotonic() < deadline and threads[1].is_alive():
        time.sleep(0.02)
    waited = lock_waiters() > 0
    first_may_commit.set()
    for thread in threads:
        thread.join(timeout=60)
    run_worker()

    assert waited
    assert outcomes["pepper"] == "replied"
    assert outcomes["jingle"] == "This letter is already answered; there is nothing to claim."
    assert Reply.objects.count() == 1
    assert len(mail.outbox) == 1


def test_two_workers_sending_the_same_reply_at_once_send_one_email(emailed_letter, elf, pamelfa):
    reply = reply_as(pamelfa, emailed_letter, "Hello", author=elf)
    start = threading.Barrier(2)
    results = []

    def worker() -> None:
        try:
            start.wait(timeout=30)
            results.append(deliver_reply(reply.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # One took the lease and sent; the other found it leased (still sending) or already sent, and sent nothing.
    assert Reply.Status.SENT in results and len(results) == 2
    assert set(results) <= {Reply.Status.SENT, Reply.Status.SENDING}
    assert Reply.objects.get().status == Reply.Status.SENT
    assert len(mail.outbox) == 1
    assert Reply.objects.get().attempts == 1
