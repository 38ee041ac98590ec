"""The route's tests: the route clock stopped mid-night; Google Sheets faked on loopback, with a service account and
gspread's session to it."""

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from locations.clock import Rehearsal
from locations.live import forget_live_route
from locations.sheets import authorized_session
from tests.fake_sheets import FakeGoogle

ACCOUNT = "route-reader@santa-tracker-test.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def private_key_pem() -> str:
    """A real RSA key, as in a service-account key file (made once: it takes a moment)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def google():
    with FakeGoogle() as fake:
        yield fake


@pytest.fixture
def service_account_file(tmp_path, google, private_key_pem):
    """A service-account key whose token endpoint is the fake, like the JSON the Cloud console downloads."""
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "santa-tracker-test",
                "private_key_id": "0123456789abcdef",
                "private_key": private_key_pem,
                "client_email": ACCOUNT,
                "client_id": "100000000000000000001",
                "token_uri": f"{google.url}/token",
            }
        )
    )
    return path


@pytest.fixture
def sheets(settings, google, service_account_file):
    """Settings for fast tests, and the session our own credentials code builds, routed to the fake."""
    settings.TRACKER_SHEETS_CREDENTIALS_FILE = str(service_account_file)
    settings.TRACKER_SHEETS_BACKOFF = 0.001
    settings.TRACKER_SHEETS_RETRIES = 3
    settings.TRACKER_SHEETS_TIMEOUT = 5.0
    settings.TRACKER_ROUTE_WORKSHEET = ""
    return google.route_into(authorized_session(token_transport=google.route_into(requests.Session())))


# 16:00 UTC on Christmas Eve: Kiritimati, Auckland, Sydney and Kathmandu are due; Toronto (02:00 on the 25th) not.
MID_NIGHT = dt.datetime(2026, 12, 24, 16, tzinfo=dt.UTC)


@pytest.fixture
def mid_night(settings) -> Iterator[dt.datetime]:
    """The route clock stopped at MID_NIGHT, the configured night left to the route, the live route forgotten."""
    settings.TRACKER_CLOCK = Rehearsal(start=MID_NIGHT, anchor=MID_NIGHT, speed=0.0)
    settings.TRACKER_ROUTE_NIGHT = None
    forget_live_route()
    yield MID_NIGHT
    forget_live_route()
