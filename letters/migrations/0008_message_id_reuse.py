"""A Message-ID no longer names one letter alone: a different letter reusing it is kept, marked, never dropped."""

import hashlib

from django.db import migrations, models


def content_sha256(sender_email: str, subject: str, text: str) -> str:
    """As letters.email_letters.content_sha256 computes it (a migration keeps its own copy)."""
    return hashlib.sha256("\0".join([sender_email.lower(), subject, text]).encode("utf-8", "surrogatepass")).hexdigest()


def fill_content_sha256(apps, schema_editor):
    """Every emailed letter with a Message-ID gets the digest that tells a duplicate from a reuse."""
    Letter = apps.get_model("letters", "Letter")
    batch = []
    for letter in Letter.objects.exclude(message_id="").only("sender_email", "subject", "text").iterator(2000):
        letter.content_sha256 = content_sha256(letter.sender_email, letter.subject, letter.text)
        batch.append(letter)
        if len(batch) == 2000:
            Letter.objects.bulk_update(batch, ["content_sha256"])
            batch = []
    Letter.objects.bulk_update(batch, ["content_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0007_reply_lease"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="letter",
            name="letter_unique_message_id",
        ),
        migrations.AddField(
            model_name="letter",
            name="content_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="letter",
            name="message_id_reused",
            field=models.BooleanField(
                default=False,
                help_text="An earlier letter came with the same Message-ID: this is a different letter, kept all the same",
                verbose_name="Message-ID reused",
            ),
        ),
        migrations.AddConstraint(
            model_name="letter",
            constraint=models.UniqueConstraint(
                condition=models.Q(("message_id", ""), _negated=True),
                fields=("message_id", "content_sha256"),
                name="letter_unique_message_id_content",
            ),
        ),
        # Last: PostgreSQL refuses to alter a table in the transaction that updated its rows.
        migrations.RunPython(fill_content_sha256, migrations.RunPython.noop),
    ]
