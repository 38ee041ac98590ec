"""A local stand-in for Google: the Sheets v4 calls gspread makes, the OAuth token endpoint, and the
IAM allowedLocations lookup google-auth makes in the background after it gets a token.

It is a real HTTP server on 127.0.0.1 (a free port), so gspread, requests and google-auth run unchanged;
a requests adapter sends https://sheets.googleapis.com and https://iamcredentials.googleapis.com to it. For
another process (a `sync_route --every` the test starts), it can speak TLS with a certificate for Google's API
hosts instead, reached through ConnectTunnel as HTTPS_PROXY, the certificate trusted by REQUESTS_CA_BUNDLE.
Each test can make the Sheets API answer with an HTTP error, hang past the client's timeout, drop the
connection or send malformed JSON, N times or for good.
"""

import base64
import contextlib
import json
import select
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import HTTPAdapter

GOOGLE_SHEETS = "https://sheets.googleapis.com"
GOOGLE_HOSTS = (GOOGLE_SHEETS, "https://iamcredentials.googleapis.com")
ERROR_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
ERROR_MESSAGE = {
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


@dataclass(frozen=True)
class Number:
    """A number cell: what UNFORMATTED_VALUE returns, and the text FORMATTED_VALUE shows."""

    value: float
    formatted: str


@dataclass
class Worksheet:
    """One tab of a fake spreadsheet."""

    title: str
    sheet_id: int
    rows: list[list[str | Number]]


@dataclass
class Fault:
    """How the next matching requests go wrong: an HTTP status, 'hang', 'drop' or 'malformed'."""

    mode: int | str
    times: int | None
    on: str = ""


@dataclass(frozen=True)
class Seen:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str] = field(hash=False)
    form: dict[str, list[str]] = field(default_factory=dict, hash=False)


class FakeGoogle:
    """The fake server; use as a context manager so its thread stops after the test."""

    def __init__(self, hang_seconds: float = 10.0, tls: ssl.SSLContext | None = None) -> None:
        self.spreadsheets: dict[str, list[Worksheet]] = {}
        self.locales: dict[str, str] = {}
        self.seen: list[Seen] = []
        self.token_claims: list[dict] = []
        self.hang_seconds = hang_seconds
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        if tls is not None:
            plain_accept = self._server.get_request

            def get_request() -> tuple[socket.socket, object]:
                # The handshake happens on the first read, in the connection's own thread: a client that never
                # finishes it holds that thread, never the accept loop.
                connection, address = plain_accept()
                return tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

            self._server.get_request = get_request  # type: ignore[method-assign]
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-google", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self) -> "FakeGoogle":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._released.set()  # ends any hanging answer at once
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def add_spreadsheet(self, key: str, *worksheets: Worksheet, locale: str = "en_US") -> None:
        """Serve a spreadsheet with these tabs, in order, and this locale (File > Settings > Locale)."""
        self.spreadsheets[key] = list(worksheets)
        self.locales[key] = locale

    def fail(self, mode: int | str, times: int | None = None, on: str = "") -> None:
        """Make the next TIMES Sheets requests (all of them when None) whose path contains ON go wrong."""
        with self._lock:
            self._faults.append(Fault(mode, times, on))

    def route_into(self, session: requests.Session) -> requests.Session:
        """Send the session's requests to Google's APIs here instead."""
        for host in GOOGLE_HOSTS:
            session.mount(host + "/", _LoopbackAdapter(host, self.url))
        session.trust_env = False  # a proxy from the environment must not see loopback traffic
        return session

    @property
    def sheets_requests(self) -> list[Seen]:
        return [seen for seen in self.seen if seen.path.startswith("/v4/")]

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.on in path and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None


class _LoopbackAdapter(HTTPAdapter):
    """Rewrites https://HOST.googleapis.com/... to the fake's http://127.0.0.1:PORT/..."""

    def __init__(self, host: str, base_url: str) -> None:
        super().__init__()
        self.host = host
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        request.url = self.base_url + request.url.removeprefix(self.host)
        return super().send(request, **kwargs)


def google_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context with a self-signed certificate for Google's API hosts, and the certificate's file
    (for REQUESTS_CA_BUNDLE)."""
    certificate, key = folder / "google.pem", folder / "google-key.pem"
    names = ",".join(f"DNS:{urlsplit(host).hostname}" for host in (*GOOGLE_HOSTS, "https://oauth2.googleapis.com"))
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", "/CN=sheets.googleapis.com", "-addext", f"subjectAltName={names}",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context, certificate


class ConnectTunnel:
    """An HTTP proxy on 127.0.0.1 that tunnels every CONNECT, whatever host it names, to 127.0.0.1:`target_port`.

    Set as HTTPS_PROXY, it sends a process's https://sheets.googleapis.com to the fake (or to a TcpProxy in front
    of it). When the target refuses, the client is told 502, as a real proxy would.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="connect-tunnel", daemon=True).start()

    def close(self) -> None:
        """Stop accepting connections."""
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError), client:
            request = b""
            while b"\r\n\r\n" not in request:
                data = client.recv(4096)
                if not data:
                    return
                request += data
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            upstream.settimeout(None)
            with upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                peers = {client: upstream, upstream: client}
                while True:
                    readable, _writable, _errors = select.select(list(peers), [], [])
                    for source in readable:
                        data = source.recv(65536)
                        if not data:
                            return
                        peers[source].sendall(data)


def _handler_for(fake: FakeGoogle) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read fake.seen instead."""

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.seen.append(Seen("GET", parts.path, parse_qs(parts.query), self._headers()))
            if parts.path.endswith("/allowedLocations"):
                self._json(200, {"locations": [], "encodedLocations": "0x0"})  # no regional restriction
                return
            fault = fake._next_fault(parts.path) if parts.path.startswith("/v4/") else None
            if fault is not None:
                self._misbehave(fault)
                return
            self._sheets_api(parts.path, parse_qs(parts.query))

        def _headers(self) -> dict[str, str]:
            return {name.lower(): value for name, value in self.headers.items()}

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            form = parse_qs(body)
            fake.seen.append(Seen("POST", parts.path, parse_qs(parts.query), self._headers(), form))
            if parts.path != "/token":
                self._error(404)
                return
            # A service account's JWT bearer grant: keep its claims (scope, issuer) for the tests to check.
            assertion = form.get("assertion", [""])[0]
            payload = assertion.split(".")[1] if assertion.count(".") == 2 else ""
            fake.token_claims.append(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
            self._json(200, {"access_token": "fake-access-token", "expires_in": 3600, "token_type": "Bearer"})

        def _sheets_api(self, path: str, query: dict[str, list[str]]) -> None:
            segments = path.split("/")  # ['', 'v4', 'spreadsheets', KEY, ('values', RANGE)]
            if len(segments) < 4 or segments[1:3] != ["v4", "spreadsheets"]:
                self._error(404)
                return
            worksheets = fake.spreadsheets.get(segments[3])
            if worksheets is None:
                self._error(404)
                return
            if len(segments) == 4:
                self._json(200, _metadata(segments[3], worksheets, fake.locales.get(segments[3], "en_US")))
            elif len(segments) == 6 and segments[4] == "values":
                self._values(worksheets, unquote(segments[5]), query)
            else:
                self._error(404)

        def _values(self, worksheets: list[Worksheet], range_name: str, query: dict[str, list[str]]) -> None:
            title = range_name.split("!")[0]
            if title.startswith("'") and title.endswith("'"):
                title = title[1:-1].replace("''", "'")
            worksheet = next((w for w in worksheets if w.title == title), None)
            if worksheet is None:
                self._error(400, f"Unable to parse range: {range_name}")
                return
            formatted = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0] == "FORMATTED_VALUE"
            rows = [[_render(cell, formatted) for cell in row] for row in worksheet.rows]
            # Like Google: trailing empty cells and rows are left out, and "values" is absent when nothing is left.
            rows = [row[: max((i + 1 for i, cell in enumerate(row) if cell != ""), default=0)] for row in rows]
            while rows and not rows[-1]:
                rows.pop()
            answer: dict = {"range": f"'{worksheet.title}'!A1:Z1000", "majorDimension": "ROWS"}
            if rows:
                answer["values"] = rows
            self._json(200, answer)

        def _misbehave(self, fault: Fault) -> None:
            if isinstance(fault.mode, int):
                self._error(fault.mode)
            elif fault.mode == "hang":
                fake._released.wait(fake.hang_seconds)
                self._drop()
            elif fault.mode == "drop":
                self._drop()
            elif fault.mode == "malformed":
                self._send(200, b'{"spreadsheetId": "cut off', "application/json")
            else:
                raise ValueError(f"unknown fault {fault.mode!r}")

        def _drop(self) -> None:
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client may already have given up
                self.connection.shutdown(socket.SHUT_RDWR)

        def _error(self, status: int, message: str = "") -> None:
            error = {
                "code": status,
                "message": message or ERROR_MESSAGE.get(status, "Error"),
                "status": ERROR_STATUS.get(status, "UNKNOWN"),
            }
            self._json(status, {"error": error})

        def _json(self, status: int, document: object) -> None:
            self._send(status, json.dumps(document).encode(), "application/json; charset=UTF-8")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                self.close_connection = True  # the client went away (a timeout test)

    return Handler


def _metadata(key: str, worksheets: list[Worksheet], locale: str) -> dict:
    return {
        "spreadsheetId": key,
        "properties": {"title": "Santa's route", "locale": locale, "timeZone": "Etc/GMT"},
        "sheets": [
            {
                "properties": {
                    "sheetId": worksheet.sheet_id,
                    "title": worksheet.title,
                    "index": index,
                    "sheetType": "GRID",
                    "gridProperties": {"rowCount": 1000, "columnCount": 26},
                }
            }
            for index, worksheet in enumerate(worksheets)
        ],
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{key}/edit",
    }


def _render(cell: str | Number, formatted: bool) -> str | float:
    if isinstance(cell, Number):
        return cell.formatted if formatted else cell.value
    return cell
