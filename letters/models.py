"""Letters to Santa, the elf personas who answer them, their replies and reply templates."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone


class Writer(models.TextChoices):
    """Who wrote a letter, and so whom a reply speaks to: the child, or a grown-up writing for a child."""

    CHILD = "child", "A child"
    GROWN_UP = "grown_up", "A grown-up for a child"


class Letter(models.Model):
    """One letter to Santa, from the public form or by email. Never shown publicly."""

    class Source(models.TextChoices):
        WEB = "web", "Web form"
        EMAIL = "email", "Email"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CLAIMED = "claimed", "Claimed"
        REPLIED = "replied", "Replied"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    sender_name = models.CharField(max_length=200, blank=True)
    sender_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Blank until known: the form asks; for email an elf sets it (letters.voice suggests it from the text).
    writer = models.CharField(max_length=10, choices=Writer.choices, blank=True, help_text="Who wrote it")
    child_name = models.CharField(
        max_length=100, blank=True, help_text="The child's first name, as replies greet them; blank: not known yet"
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, as the writer chose it")
    language = models.CharField(max_length=35, blank=True, help_text="BCP 47 tag when known, e.g. en or fr-CA")
    received = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_letters"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Email only: the sender's Message-ID and References, for recognising duplicates and threading replies.
    message_id = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    # Email only: SHA-256 of the raw message, recognising duplicates that carry no Message-ID.
    raw_sha256 = models.CharField(max_length=64, blank=True)
    # Email only: SHA-256 of what the letter says (sender, subject, text; letters.email_letters.content_sha256).
    # A message with a known Message-ID is a duplicate only when this matches too.
    content_sha256 = models.CharField(max_length=64, blank=True)
    message_id_reused = models.BooleanField(
        "Message-ID reused",
        default=False,
        help_text="An earlier letter came with the same Message-ID: this is a different letter, kept all the same",
    )
    dropped_attachments = models.TextField(blank=True, help_text="Attachments that came with the email, not kept")
    # Email only, when the email forwarded a letter as an attachment: who wrote that letter and when, and
    # what the person forwarding it wrote. The letter's text is the enclosed letter's.
    enclosed_from = models.CharField(max_length=300, blank=True, help_text="The forwarded letter's From")
    enclosed_date = models.DateTimeField(null=True, blank=True, help_text="The forwarded letter's Date")
    forwarding_note = models.TextField(blank=True, help_text="What the person forwarding the letter wrote")
    # Web form only: the random token of the form it was written on, so that sending the same form again (a
    # retry after a timeout) never stores the letter twice.
    form_token = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received"]
        permissions = [("export_letter", "Can export letters and replies as CSV")]
        # The inbox's filters, each newest first; full-text search has its own index (letters.search).
        indexes = [
            models.Index(fields=["status", "-received"], name="letter_status_received"),
            models.Index(fields=["status", "claimed_by", "-received"], name="letter_claimed_received"),
            models.Index(fields=["language", "-received"], name="letter_language_received"),
            models.Index(fields=["country", "-received"], name="letter_country_received"),
            models.Index(fields=["source", "-received"], name="letter_source_received"),
            models.Index(fields=["writer", "-received"], name="letter_writer_received"),
            # A search for an address matches it ignoring case (sender_email__iexact is UPPER() = UPPER()).
            models.Index(Upper("sender_email"), name="letter_sender_email_upper"),
        ]
        constraints = [
            # A Message-ID names one letter: the same one twice is a duplicate. A different letter reusing it
            # (a mail program that repeats its ids, or a forger) is kept, marked message_id_reused.
            models.UniqueConstraint(
                fields=["message_id", "content_sha256"],
                condition=~Q(message_id=""),
                name="letter_unique_message_id_content",
            ),
            models.UniqueConstraint(
                fields=["raw_sha256"], condition=~Q(raw_sha256=""), name="letter_unique_raw_sha256"
            ),
            models.UniqueConstraint(
                fields=["form_token"], condition=~Q(form_token=""), name="letter_unique_form_token"
            ),
        ]

    def __str__(self) -> str:
        return f"Letter from {self.sender_name or self.sender_email} ({self.received:%Y-%m-%d})"

    def status_words(self) -> str:
        """The status as a sentence says it after 'This letter is': 'new', 'claimed', 'answered', 'closed without
        a reply', 'marked as spam' (the choice's label, 'Replied', reads wrong there)."""
        return {
            self.Status.REPLIED: "answered",
            self.Status.CLOSED: "closed without a reply",
            self.Status.SPAM: "marked as spam",
        }.get(self.Status(self.status), self.get_status_display().lower())


class OriginalEmail(models.Model):
    """The raw bytes of an emailed letter, kept with it (and purged with it) so it can be read again later."""

    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="original_email")
    raw = models.BinaryField()

    class Meta:
        verbose_name = "original email"

    def __str__(self) -> str:
        return f"Original email of letter {self.letter_id} ({len(self.raw)} bytes)"


class QuarantinedMessage(models.Model):
    """An email that could not be taken (over a parsing limit, or an error): kept unread for retry or delete."""

    raw = models.BinaryField()
    raw_sha256 = models.CharField(max_length=64, unique=True)
    reason = models.TextField()
    received = models.DateTimeField(default=timezone.now, db_index=True)
    origin = models.CharField(max_length=600, blank=True, help_text="Where it came from: a mailbox and UID, a file")
    size = models.PositiveIntegerField(default=0, help_text="Bytes")
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received"]
        verbose_name = "quarantined email"

    def __str__(self) -> str:
        return f"Quarantined email {self.pk} ({self.received:%Y-%m-%d %H:%M})"


class ElfPersona(models.Model):
    """A name elves sign replies with, such as "PamElfa", and the staff allowed to sign as it."""

    name = models.CharField(max_length=100, unique=True)
    signature = models.TextField(help_text="Added under every reply signed with this persona")
    signers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="elf_personas",
        limit_choices_to={"is_staff": True},
        help_text="Staff who may sign replies as this persona",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "elf persona"

    def __str__(self) -> str:
        return self.name

    def signature_for(self, language: str) -> str:
        """The signature in LANGUAGE (a BCP 47 tag; its base language counts), else the default one."""
        base = base_language(language)
        for signature in self.signatures.all():
            if signature.language == base:
                return signature.signature
        return self.signature


class PersonaSignature(models.Model):
    """A persona's signature in one language, used for replies to letters in that language."""

    persona = models.ForeignKey(ElfPersona, on_delete=models.CASCADE, related_name="signatures")
    language = models.CharField(max_length=8, help_text="A base language code, e.g. de or ja")
    signature = models.TextField()

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["persona", "language"], name="persona_signature_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.persona} ({self.language})"

    def clean(self) -> None:
        """Keep the base language only (de, not de-AT), as letters are matched on it."""
        self.language = base_language(self.language)


def base_language(tag: str) -> str:
    """The base language of a BCP 47 tag, lower case: 'de-AT' and 'de_at' are 'de'; '' stays ''."""
    return tag.replace("_", "-").split("-")[0].strip().lower()


# What a template may say; each is filled from the letter or the persona signing the reply.
PLACEHOLDERS = {
    "name": "the child's first name (or 'friend', in the template's language)",
    "writer": "the writer's name as they gave it (a grown-up's full name, for a grown-up)",
    "country": "the country they chose on the form, in the template's language (or 'your country')",
    "persona": "the name of the persona signing the reply",
}


def check_template_body(body: str) -> None:
    """Refuse unknown placeholders, formatting tricks and stray braces, naming what to fix."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(body)]
    except ValueError as exc:
        raise ValidationError(f"The template has a stray {{ or }} ({exc}); write {{{{ or }}}} for a brace.") from exc
    for name, spec, conversion in fields:
        if name is None:
            continue
        known = ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
        if name in PLACEHOLDERS and (spec or conversion):
            # Shown as written: "{name:>30}" is not "{name}", and saying so would contradict the list below.
            written = f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            raise ValidationError(
                f"The template writes {written}; placeholders take nothing after the name. Write {{{name}}}."
            )
        if name not in PLACEHOLDERS:
            raise ValidationError(f"The template uses {{{name}}}, which is not a placeholder. Use only {known}.")


class ReplyTemplate(models.Model):
    """A ready reply; placeholders such as {name} and {persona} are filled per letter."""

    name = models.CharField(max_length=100)
    language = models.CharField(
        max_length=8, blank=True, help_text="The base language it is written in, e.g. de; letters in it see it first"
    )
    audience = models.CharField(
        max_length=10,
        choices=Writer.choices,
        default=Writer.CHILD,
        # Also in the database: migration 0004's code (re-run by tests) writes templates knowing no audience.
        db_default=Writer.CHILD,
        help_text="Whom it speaks to: a child (greeted by first name), or a grown-up who wrote for a child",
    )
    body = models.TextField(help_text="Placeholders: {name}, {writer}, {country}, {persona}")

    class Meta:
        ordering = ["language", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "language"], name="reply_template_one_per_language")]

    def __str__(self) -> str:
        to = self.audience_words()
        return f"{self.name} ({self.language}, {to})" if self.language else f"{self.name} ({to})"

    def audience_words(self) -> str:
        """'to a child' or 'to a grown-up': whom it speaks to, as the admin's menus say it."""
        return "to a grown-up" if self.audience == Writer.GROWN_UP else "to a child"

    def clean(self) -> None:
        """Refuse a template with an unknown or malformed placeholder before an elf sends it."""
        self.language = base_language(self.language)
        check_template_body(self.body)


class Reply(models.Model):
    """An elf's answer to a letter: stored first (queued), then sent once by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Not sent yet, and not given up on: waiting for its turn, or being handed to the mail server.
    UNSENT = (Status.QUEUED, Status.SENDING)

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="replies")
    persona = models.ForeignKey(ElfPersona, on_delete=models.PROTECT, related_name="replies")
    # The real person who wrote it, for the audit trail; the child only ever sees the persona.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letter_replies")
    template = models.ForeignKey(ReplyTemplate, null=True, blank=True, on_delete=models.SET_NULL)
    to_email = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A reply still queued or sending after this was stranded (its worker died): the sweep sends it again.
    # While sending, it is the lease of the worker talking to the mail server; no other worker sends it before.
    recover_after = models.DateTimeField(null=True, blank=True, db_index=True)
    # Made when the reply is stored, so every attempt sends the same message and receivers can tell copies.
    message_id = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply as {self.persona} to {self.to_email} ({self.get_status_display()})"


class MailboxState(models.Model):
    """What fetch_letters has taken from one IMAP mailbox: everything up to last_uid in uidvalidity."""

    mailbox = models.CharField(max_length=500, unique=True, help_text="Host, port, user and mailbox; no password")
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    last_fetched = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} (UIDVALIDITY {self.uidvalidity}, up to UID {self.last_uid})"
