"""The development mailer: each email printed as a person reads it, headers then every text part decoded."""

from typing import override

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class EmailBackend(DjangoConsoleBackend):
    """Django's console mailer, but with text parts decoded instead of quoted-printable or base64.

    Replies in German or Japanese have long lines or non-ASCII text, which the wire format encodes;
    on the console that would be unreadable, so the parts are printed decoded, plain text first.
    """

    @override
    def write_message(self, message: EmailMessage) -> None:
        mime = message.message()
        lines = [f"{name}: {value}" for name, value in mime.items() if name.lower() != "content-transfer-encoding"]
        for part in mime.walk():
            if part.get_content_maintype() == "text":
                lines += ["", f"--- {part.get_content_type()} ---", part.get_content().rstrip("\n")]
            elif not part.is_multipart():
                lines += ["", f"--- {part.get_content_type()}: {part.get_filename() or 'unnamed'} (not shown) ---"]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
