"""Real mail servers on loopback for the tests: aiosmtpd for SMTP, Debian's Dovecot for IMAP, a cutting proxy."""

import asyncio
import contextlib
import email
import email.policy
import shutil
import socket
import subprocess
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.processes import free_port, stop_process

DOVECOT = Path("/usr/sbin/dovecot")
# Created by Debian's dovecot-core; owns the test mail.
MAIL_USER = "dovecot"


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Block until something accepts connections on 127.0.0.1:PORT."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _Mailroom:
    """The aiosmtpd handler: holds or refuses the next messages if told to, then accepts and keeps them."""

    def __init__(self) -> None:
        self.refuse_next = 0
        self.hold_next = 0
        self.holding = threading.Event()
        self.received: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, _session: Session, envelope: Envelope) -> str:
        if self.hold_next > 0:
            # A slow mail server: the message is in, but the answer to DATA does not come. Only a client still
            # there when it comes would be told "accepted"; one that went away never was, so nothing is kept.
            self.hold_next -= 1
            self.holding.set()
            deadline = time.monotonic() + 60
            while server.transport is not None and not server.transport.is_closing():
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.05)
            return "451 4.3.0 Took too long, try again later"
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.envelopes.append(envelope)
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 2.0.0 Delivered"


class SmtpServer:
    """An SMTP server on 127.0.0.1 that can be down, refusing, or accepting."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailroom = _Mailroom()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[EmailMessage]:
        """Every message accepted so far, parsed."""
        return self.mailroom.received

    def start(self, refuse: int = 0) -> None:
        """Listen (again) on the same port; refuse the next REFUSE messages with a temporary error."""
        self.mailroom.refuse_next = refuse
        self._controller = Controller(self.mailroom, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer(self) -> dict:
        """A MAILERS entry pointing Django's SMTP backend here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5},
        }


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain
# Hermetic: mail lives in the temporary folder. Dovecot refuses to run its login or mail processes as
# root, so they use the users Debian's package creates (dovenull, dovecot), which own that folder.
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
mail_uid = {user}
mail_gid = {group}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


class DovecotServer:
    """Debian's Dovecot on 127.0.0.1 over TLS with one throwaway user, everything in ROOT."""

    user = "elfmail"
    password = "sleigh-bells-ring"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.ca_file = root / "cert.pem"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Write the config, a self-signed certificate for 127.0.0.1 and the user, then start Dovecot."""
        import os
        import pwd

        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.root / "key.pem"), "-out", str(self.ca_file)],
            check=True, capture_output=True,
        )  # fmt: skip
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        config = self.root / "dovecot.conf"
        config.write_text(DOVECOT_CONF.format(root=self.root, port=self.port, user=MAIL_USER, group=MAIL_USER))
        if os.getuid() == 0:
            mail_user = pwd.getpwnam(MAIL_USER)
            for folder in ("mail", "home"):
                os.chown(self.root / folder, mail_user.pw_uid, mail_user.pw_gid)
        self._process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            wait_for_port(self.port)
        except OSError:
            self.stop()
            raise RuntimeError(f"Dovecot did not start: {self.log()}") from None

    def log(self) -> str:
        """What Dovecot said, for failure messages."""
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        """Stop Dovecot and wait for it."""
        if self._process is not None:
            stop_process(self._process)
        self._process = None

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Put messages in one of the user's folders (made when missing) through IMAP APPEND, as a mail server would."""
        import ssl

        from imapclient import IMAPClient

        context = ssl.create_default_context(cafile=str(self.ca_file))
        with IMAPClient("127.0.0.1", self.port, ssl_context=context, timeout=10) as client:
            client.login(self.user, self.password)
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)

    def flags(self, folder: str) -> dict[int, tuple[bytes, ...]]:
        """The flags of every message in FOLDER by UID, as the server keeps them."""
        import ssl

        from imapclient import IMAPClient

        context = ssl.create_default_context(cafile=str(self.ca_file))
        with IMAPClient("127.0.0.1", self.port, ssl_context=context, timeout=10) as client:
            client.login(self.user, self.password)
            client.select_folder(folder, readonly=True)
            return {uid: answer[b"FLAGS"] for uid, answer in client.fetch(client.search(), ["FLAGS"]).items()}


def dovecot_available() -> bool:
    """True when Dovecot and openssl are installed (scripts/ensure-system-packages.sh installs them)."""
    return DOVECOT.exists() and shutil.which("openssl") is not None


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 that drops the connection after the server has sent CUT_AFTER bytes."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.cut_after: int | None = None
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_server: bool) -> None:
        sent = 0
        # Either side may already be gone: that ends the pump, as it would end a real connection.
        with contextlib.suppress(OSError):
            while data := source.recv(4096):
                if from_server and self.cut_after is not None and sent + len(data) > self.cut_after:
                    target.sendall(data[: self.cut_after - sent])
                    self.cuts += 1
                    break
                target.sendall(data)
                sent += len(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        """Stop accepting connections."""
        self._running = False
        self._listener.close()
