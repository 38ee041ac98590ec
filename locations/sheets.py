"""The organisers' Google Sheet through gspread: read-only, every cell as the text the sheet shows, numbers
read by the spreadsheet's locale, every failure a SourceError.

Failures that pass (quota 429, Google's 5xx, timeouts, dropped connections) are retried with exponential
backoff, TRACKER_SHEETS_RETRIES times from TRACKER_SHEETS_BACKOFF seconds; failures that a retry cannot
fix (401, 403, 404, a malformed answer) are reported at once with what the organiser should do.
"""

import logging
import time
from collections.abc import Callable

import google.auth
import google.auth.exceptions
import gspread
import requests
from django.conf import settings
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account
from gspread.utils import ValueRenderOption

from locations.numbers import is_known_locale
from locations.sheet_address import SheetAddress, sheet_address
from locations.table import RouteTable, SourceError, table_from_records

logger = logging.getLogger(__name__)

SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)


class _Retryable(Exception):
    """A failure that may pass if the same request is made again a little later."""


def authorized_session(token_transport: requests.Session | None = None) -> AuthorizedSession:
    """A requests Session with read-only credentials: the configured service-account file, else ADC.

    token_transport is the Session google-auth fetches tokens through (tests route it to a local fake).
    """
    path = settings.TRACKER_SHEETS_CREDENTIALS_FILE
    try:
        if path:
            credentials = service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
        else:
            credentials, _project = google.auth.default(scopes=SCOPES)
    except FileNotFoundError:
        raise SourceError(
            f"TRACKER_SHEETS_CREDENTIALS_FILE names {path}, which does not exist. Put the service "
            "account's JSON key there, or leave the setting blank to use Application Default Credentials."
        ) from None
    except (ValueError, KeyError, OSError) as exc:
        raise SourceError(
            f"TRACKER_SHEETS_CREDENTIALS_FILE ({path}) is not a service-account JSON key ({exc}). "
            "Download a new key for the service account from the Google Cloud console."
        ) from None
    except google.auth.exceptions.DefaultCredentialsError as exc:
        raise SourceError(
            "No Google credentials were found to read the sheet. Set TRACKER_SHEETS_CREDENTIALS_FILE to a "
            "service-account JSON key, or set up Application Default Credentials "
            f"(gcloud auth application-default login). Google said: {exc}"
        ) from None
    auth_request = Request(token_transport) if token_transport is not None else None
    return AuthorizedSession(credentials, auth_request=auth_request)


def read_sheet(key_or_url: str, session: requests.Session | None = None) -> RouteTable:
    """Read the route worksheet with every cell as text, retrying only failures that may pass."""
    address = sheet_address(key_or_url)
    session = session if session is not None else authorized_session()
    # gspread reads auth only when it is given no session; its hint asks for credentials all the same.
    client = gspread.Client(auth=getattr(session, "credentials", None), session=session)  # type: ignore[arg-type]
    client.set_timeout(settings.TRACKER_SHEETS_TIMEOUT)
    title, worksheet_id, records, locale = _with_retries(lambda: _fetch(client, address), address, session)
    if not is_known_locale(locale):
        raise SourceError(
            f"The sheet {address.key} has the locale {locale!r}, which the tracker cannot read numbers in. "
            "In the sheet choose File > Settings > Locale and pick your country, then sync again."
        )
    # The sheet's key, the worksheet id and the header positions let locations.links link findings to cells.
    return table_from_records(
        key_or_url,
        "sheet",
        records,
        sheet_key=address.key,
        worksheet_id=worksheet_id,
        worksheet_title=title,
        number_locale=locale,
    )


def _fetch(client: gspread.Client, address: SheetAddress) -> tuple[str, int, list[list[str]], str]:
    """The worksheet's title, id and values as the sheet shows them, and the spreadsheet's locale."""
    spreadsheet = client.open_by_key(address.key)
    # Cells come as the sheet shows them (a German sheet shows 52,52437), so numbers are read by its locale.
    locale = spreadsheet.locale
    if not isinstance(locale, str):
        raise ValueError("the spreadsheet's locale is not text")
    worksheets = spreadsheet.worksheets()
    worksheet = _pick_worksheet(worksheets, address)
    values = worksheet.get_values(value_render_option=ValueRenderOption.formatted)
    if not isinstance(values, list) or not all(
        isinstance(record, list) and all(isinstance(cell, str) for cell in record) for record in values
    ):
        raise ValueError("the worksheet's values are not rows of text")
    return worksheet.title, worksheet.id, values, locale


def _pick_worksheet(worksheets: list[gspread.Worksheet], address: SheetAddress) -> gspread.Worksheet:
    """TRACKER_ROUTE_WORKSHEET by title, else the worksheet the URL names, else the first."""
    titles = ", ".join(repr(worksheet.title) for worksheet in worksheets) or "none"
    wanted = settings.TRACKER_ROUTE_WORKSHEET
    if wanted:
        for worksheet in worksheets:
            if worksheet.title == wanted:
                return worksheet
        raise SourceError(
            f"The sheet has no worksheet (tab) named {wanted!r}; its worksheets are {titles}. "
            "Fix TRACKER_ROUTE_WORKSHEET, or leave it blank to read the first worksheet."
        )
    if address.gid is not None:
        for worksheet in worksheets:
            if worksheet.id == address.gid:
                return worksheet
        raise SourceError(
            f"The sheet has no worksheet with gid={address.gid} (from the URL); its worksheets are {titles}. "
            "Copy the URL again with the route's tab open."
        )
    if not worksheets:
        raise ValueError("the spreadsheet lists no worksheets")
    return worksheets[0]


def _with_retries[T](read: Callable[[], T], address: SheetAddress, session: requests.Session) -> T:
    """Call READ, retrying with exponential backoff while the failure is one that may pass."""
    attempts = 1 + max(0, settings.TRACKER_SHEETS_RETRIES)
    for attempt in range(1, attempts + 1):
        try:
            return read()
        except SourceError:
            raise
        except Exception as exc:  # _explain re-raises anything it does not recognise
            failure = _explain(exc, address, session)
        if not isinstance(failure, _Retryable):
            raise failure from None
        if attempt == attempts:
            tries = "once" if attempts == 1 else f"{attempts} times"
            raise SourceError(f"{failure} (tried {tries})") from None
        pause = settings.TRACKER_SHEETS_BACKOFF * 2 ** (attempt - 1)
        logger.warning("Google Sheets: %s; retrying in %.1f s (attempt %d of %d)", failure, pause, attempt, attempts)
        time.sleep(pause)
    raise AssertionError("unreachable")


def _explain(exc: Exception, address: SheetAddress, session: requests.Session) -> Exception:
    """Turn what gspread, requests or google-auth raised into a message that says what to do."""
    key = address.key
    if isinstance(exc, google.auth.exceptions.TransportError):
        return _Retryable(f"Could not reach Google's sign-in service to read sheet {key}: {exc}")
    if isinstance(exc, google.auth.exceptions.GoogleAuthError):
        if getattr(exc, "retryable", False):
            return _Retryable(f"Google's sign-in service failed for sheet {key}: {exc}")
        return _unauthorised(key, f"{type(exc).__name__}: {exc}")
    if isinstance(exc, requests.exceptions.JSONDecodeError | ValueError | KeyError | TypeError | IndexError):
        return _malformed(key, exc)
    if isinstance(exc, gspread.exceptions.SpreadsheetNotFound):
        return _not_found(key)
    if isinstance(exc, PermissionError) and isinstance(exc.__cause__, gspread.exceptions.APIError):
        return _not_shared(key, exc.__cause__, session)
    if isinstance(exc, gspread.exceptions.APIError):
        return _api_error(key, exc, session)
    if isinstance(exc, requests.exceptions.Timeout):
        return _Retryable(
            f"Google Sheets did not answer within {settings.TRACKER_SHEETS_TIMEOUT:g} s for sheet {key}. "
            "Check the server's network, or raise TRACKER_SHEETS_TIMEOUT"
        )
    if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return _Retryable(
            f"The connection to Google Sheets failed while reading sheet {key} ({type(exc).__name__}). "
            "Check the server's network and proxy"
        )
    if isinstance(exc, requests.exceptions.RequestException | gspread.exceptions.GSpreadException):
        return SourceError(f"Reading sheet {key} from Google Sheets failed: {type(exc).__name__}: {exc}")
    raise exc


def _api_error(key: str, exc: gspread.exceptions.APIError, session: requests.Session) -> Exception:
    status = exc.response.status_code
    said = _google_said(exc)
    if status == 401:
        return _unauthorised(key, f"401: {said}")
    if status == 403:
        return _not_shared(key, exc, session)
    if status == 404:
        return _not_found(key)
    if status == 429:
        return _Retryable(
            f"Google Sheets' read quota is used up for now (429) on sheet {key}. Wait a minute and sync "
            "again, and sync less often if it keeps happening"
        )
    if status == 408 or 500 <= status <= 599:
        return _Retryable(
            f"Google Sheets had a server error ({status}) reading sheet {key}; this is on Google's side. "
            "Sync again in a few minutes"
        )
    return SourceError(f"Google Sheets refused to read sheet {key} ({status}): {said}")


def _unauthorised(key: str, detail: str) -> SourceError:
    return SourceError(
        f"Google did not accept the credentials used to read sheet {key} ({detail}). Check that "
        "TRACKER_SHEETS_CREDENTIALS_FILE holds a current key of an existing service account, or renew "
        "Application Default Credentials (gcloud auth application-default login)."
    )


def _not_shared(key: str, exc: gspread.exceptions.APIError, session: requests.Session) -> SourceError:
    said = _google_said(exc)
    if "has not been used" in said or "is disabled" in said or "SERVICE_DISABLED" in str(exc.error):
        return SourceError(
            f"The Google Sheets API is not enabled for the credentials' Cloud project (403: {said}). "
            "Enable it at https://console.cloud.google.com/apis/library/sheets.googleapis.com and sync again."
        )
    email = getattr(getattr(session, "credentials", None), "service_account_email", None)
    if isinstance(email, str) and "@" in email:
        return SourceError(
            f"The sheet {key} is not shared with the service account {email} (403). In the sheet, click "
            f"Share and add {email} as a Viewer; do not publish the sheet to the web."
        )
    return SourceError(
        f"The sheet {key} is not shared with the Google account of the tracker's credentials (403: {said}). "
        "In the sheet, click Share and add that account as a Viewer."
    )


def _not_found(key: str) -> SourceError:
    return SourceError(
        f"There is no Google Sheet with the key {key} (404). Copy the sheet's URL from the browser's "
        "address bar into TRACKER_ROUTE_SHEET; a deleted sheet can be restored from the Drive bin."
    )


def _malformed(key: str, exc: Exception) -> SourceError:
    return SourceError(
        f"Google Sheets sent an answer for sheet {key} that is not what its API returns ({type(exc).__name__}: "
        f"{exc}). Sync again; if it keeps happening, check for a proxy between the server and Google."
    )


def _google_said(exc: gspread.exceptions.APIError) -> str:
    error = exc.error if isinstance(exc.error, dict) else {}
    message = str(error.get("message") or exc.response.reason or "no explanation")
    return message[:300]
