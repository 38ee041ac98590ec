"""Fixtures for the mailroom: personas, letters as they arrive, the real tasks worker, real mail servers."""

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from letters.intake import ingest_message, receive_web_letter
from letters.models import ElfPersona, Letter, ReplyTemplate
from tests.letters.mail_servers import DovecotServer, SmtpServer, dovecot_available


@pytest.fixture(autouse=True)
def _plain_static_files(plain_static_files):
    """Pages here render without collectstatic."""


@pytest.fixture(autouse=True)
def _mailroom_settings(settings):
    """The sender address replies go out from, and no rate limit surprises from other tests."""
    settings.LETTERS_FROM_EMAIL = "letters@northpole.example"
    settings.LETTERS_SEND_RETRIES = 6
    settings.LETTERS_SEND_BACKOFF = 30.0


@pytest.fixture
def pamelfa(elf) -> ElfPersona:
    """The persona the elf fixture may sign as."""
    persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa\nThe North Pole")
    persona.signers.add(elf)
    return persona


@pytest.fixture
def second_elf(db, django_user_model):
    """Another elf, who also signs as PamElfa when the test adds them."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("jingle", "jingle@example.org", "not-a-real-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Elves"))
    return user


@pytest.fixture
def apology(db) -> ReplyTemplate:
    """The template for the night Toronto was shown in the wrong country."""
    return ReplyTemplate.objects.create(
        name="Wrong country apology",
        body="Dear {name},\n\nYou were right: Toronto is in Canada, not the US. Thank you for telling Santa!",
    )


def emailed_letter_bytes(
    message_id: str = "<first-letter@mail.example.net>", sender: str = "Mia Tremblay <mia@example.net>"
) -> bytes:
    """A plain emailed letter as a mail client sends it, with a Message-ID and References."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "santa@northpole.example"
    message["Subject"] = "Toronto is in Canada!"
    message["Message-ID"] = message_id
    message["References"] = "<earlier@mail.example.net>"
    message["Date"] = "Thu, 24 Dec 2026 18:02:00 -0500"
    message.set_content("Dear Santa,\n\nYour map says Toronto is in the US. It is in Canada!\n\nMia, 8\n")
    return bytes(message)


@pytest.fixture
def emailed_letter(db) -> Letter:
    """A letter that came by email, with threading headers to answer."""
    return ingest_message(emailed_letter_bytes()).letter


@pytest.fixture
def web_letter(db) -> Letter:
    """A letter from the public form."""
    return receive_web_letter(
        name="Aroha",
        email="aroha@example.co.nz",
        message="Dear Santa, please bring a kite. I have been good.",
        age=7,
        country="NZ",
        language="en",
    )


def rerun_data_migration(app: str, name: str) -> None:
    """Run one data migration's code again, on the models as they were at that migration."""
    loader = MigrationLoader(connection)
    key = (app, name)
    code = loader.get_migration(*key).operations[0].code
    code(loader.project_state(key).apps, SimpleNamespace(connection=connection))


def restore_elves_group() -> None:
    """Make the Elves group and the starter reply templates with their migrations' code, for tests that commit.

    A transactional test's flush removes what migrations created. serialized_rollback would put it back,
    but not once Playwright's event loop has run in this thread (the browser tests): Django then hands out
    fresh connection objects, which lack the serialized copy. So the migrations' code runs again instead.
    """
    rerun_data_migration("letters", "0002_elves_group")
    rerun_data_migration("letters", "0004_starter_reply_templates")
    rerun_data_migration("letters", "0006_elves_see_quarantine")
    rerun_data_migration("letters", "0011_templates_for_grown_ups")
    rerun_data_migration("letters", "0013_templates_close_once")


@pytest.fixture
def elves_group(transactional_db: None) -> None:
    """The Elves group present in a transactional test, whatever ran before it."""
    restore_elves_group()


def run_worker() -> None:
    """Run the real django-tasks-db worker until no task is due, then put pytest's signal handlers back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, stopped after the test."""
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def smtp_mailer(settings, smtp_server: SmtpServer) -> SmtpServer:
    """Django's default mailer pointed at the loopback SMTP server (which starts down)."""
    settings.MAILERS = {"default": smtp_server.mailer()}
    return smtp_server


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    """Debian's Dovecot on 127.0.0.1 over TLS, with a throwaway user and its mail in a temporary folder."""
    if not dovecot_available():
        pytest.skip("dovecot-imapd is not installed: run scripts/ensure-system-packages.sh as root")
    if os.getuid() != 0:
        pytest.skip("Dovecot switches to its own users, which needs root")
    # Dovecot's login and mail users must reach the folder, which pytest's private tmp_path forbids.
    root = Path(tempfile.mkdtemp(prefix="santa-dovecot-"))
    root.chmod(0o755)
    server = DovecotServer(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_settings(settings, dovecot):
    """LETTERS_IMAP_* pointing at the test Dovecot, trusting its self-signed certificate."""
    settings.LETTERS_IMAP_URL = f"imaps://127.0.0.1:{dovecot.port}/INBOX"
    settings.LETTERS_IMAP_USER = dovecot.user
    settings.LETTERS_IMAP_PASSWORD = dovecot.password
    settings.LETTERS_IMAP_CA_FILE = str(dovecot.ca_file)
    settings.LETTERS_IMAP_TIMEOUT = 10
    return settings
