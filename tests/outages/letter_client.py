"""A writer of letters over HTTP, as a browser sends the form: its CSRF cookie and token, one token per form."""

import http.client
import re
import secrets
import urllib.parse
from dataclasses import dataclass

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sent:
    """What came back for one letter: the status (0 when the client gave up), Retry-After and the page."""

    status: int
    retry_after: str | None = None
    page: str = ""


class LetterWriter:
    """Posts letters to one app server's form at /LANGUAGE/letters/write/."""

    def __init__(self, port: int, language: str = "en") -> None:
        self.port = port
        self.path = f"/{language}/letters/write/"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", self.path)
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 200, page[:500]
        cookie = response.getheader("Set-Cookie") or ""
        self.cookie = cookie.split(";", 1)[0]
        self.csrf = _CSRF_INPUT.search(page).group(1)
        connection.close()

    def send(self, text: str, token: str | None = None, timeout: float = 10.0, email: str = "") -> Sent:
        """Post one letter with form token TOKEN (a new one when None); status 0 when TIMEOUT passed first."""
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.csrf,
                "token": token or secrets.token_urlsafe(24),
                "writer": "child",
                "name": "Aroha",
                "email": email or f"{secrets.token_hex(4)}@example.org",
                "message": text,
                "age": "8",
                "country": "NZ",
                "website": "",
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(
                "POST",
                self.path,
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
            )
            response = connection.getresponse()
            return Sent(response.status, response.getheader("Retry-After"), response.read().decode())
        except TimeoutError:
            return Sent(0)
        finally:
            connection.close()
