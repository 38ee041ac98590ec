"""CSV export of letters and replies for staff with the permission, and the night's mail per hour."""

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import Permission

from letters.export import safe_cell
from letters.intake import receive_web_letter
from letters.models import Letter, Reply
from letters.replies import reply_as
from letters.statistics import current_night, night_window, replies_by_hour, statistics_context

pytestmark = pytest.mark.django_db

INBOX = "/admin/letters/letter/"
EXPORT = "/admin/letters/letter/export/"
STATISTICS = "/admin/letters/letter/statistics/"
NIGHT = dt.date(2026, 12, 24)


def at(hour: int, minute: int = 0, day: int = 24) -> dt.datetime:
    """An instant on the night, UTC (the site's zone in tests)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def night(elf, pamelfa) -> list[Letter]:
    """Five letters on the night of 24 December, two answered; one out of the night."""
    letters = []
    for when, name, language, country in [
        (at(18, 5), "Emma", "en", "GB"),
        (at(18, 40), "Lena", "de", "DE"),
        (at(18, 50), "Léa", "fr", "FR"),
        (at(19, 10), "Mia", "en", "CA"),
        (at(2, 30, day=25), "Yuki", "ja", "JP"),
        (at(9, 0), "Early", "en", "US"),  # the morning before: not this night
    ]:
        with time_machine.travel(when, tick=False):
            letters.append(receive_web_letter(name, f"{name.lower()}@example.org", "=1+2", 7, country, language))
    with time_machine.travel(at(18, 35), tick=False):
        reply_as(pamelfa, letters[0], "Thank you, Emma!", author=elf)  # 30 minutes
    with time_machine.travel(at(19, 40), tick=False):
        reply_as(pamelfa, letters[1], "Danke, Lena!", author=elf)  # 60 minutes
    return letters


@pytest.fixture
def exporter(elf):
    elf.user_permissions.add(Permission.objects.get(codename="export_letter"))
    return elf


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+1-555-0100", "'+1-555-0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("Dear Santa = best", "Dear Santa = best"),
        (None, ""),
        (7, "7"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(value, cell):
    assert safe_cell(value) == cell


def test_staff_without_the_permission_cannot_export(client, elf, night):
    client.force_login(elf)
    assert client.get(EXPORT).status_code == 403
    page = client.get(INBOX).text
    assert "export_selected" not in page and "Export CSV" not in page


def test_the_export_page_streams_the_letters_of_the_chosen_days_as_csv(client, exporter, night):
    with time_machine.travel(at(20), tick=False):
        client.force_login(exporter)
        page = client.get(EXPORT).text
    client.force_login(exporter)
    assert "Download CSV" in page
    # Today's letters are offered, so the first click downloads something (the dates were blank).
    assert page.count('value="2026-12-24"') == 2
    assert re.search(r'<input type="radio" name="kind" value="letters"[^>]* checked', page)

    response = client.get(EXPORT, {"kind": "letters", "start": "2026-12-24", "end": "2026-12-24"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'attachment; filename="letters-20261224-20261224.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffletter,received,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["sender_name"] for row in rows] == ["Early", "Emma", "Lena", "Léa", "Mia"]
    assert {row["text"] for row in rows} == {"'=1+2"}
    emma = rows[1]
    assert (emma["received"], emma["replied"], emma["reply_status"]) == (
        "2026-12-24T18:05:00Z",
        "2026-12-24T18:35:00Z",
        "queued",
    )


def test_replies_export_from_the_inbox_action_with_minutes_to_reply(client, exporter, night):
    client.force_login(exporter)
    selected = list(Reply.objects.values_list("pk", flat=True))

    response = client.post("/admin/letters/reply/", {"action": "export_selected", "_selected_action": selected})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert [(row["to_email"], row["minutes_to_reply"], row["persona"]) for row in rows] == [
        ("emma@example.org", "30", "PamElfa"),
        ("lena@example.org", "60", "PamElfa"),
    ]


def test_the_night_runs_noon_to_noon_and_counts_per_hour(night):
    start, end = night_window(NIGHT)
    assert (start, end) == (at(12), at(12, day=25))
    assert current_night(at(3, day=25)) == NIGHT
    assert current_night(at(13)) == NIGHT

    context = statistics_context(NIGHT)

    assert context["letters_total"] == 5
    english = next(part for part in context["languages"] if part.key == "en")
    assert english.counts[6:8] == [1, 1]  # 18:00 and 19:00, hours 6 and 7 after noon
    assert english.label == "English"
    assert {part.label for part in context["countries"]} >= {"Canada", "Japan"}
    assert context["rows"][14].hour == "02:00" and context["rows"][14].letters == 1
    replies = replies_by_hour(start, end)
    assert (replies.counts[6], replies.counts[7], replies.median) == (1, 1, 45.0)
    assert (replies.medians[6], replies.medians[7], replies.medians[8]) == (30.0, 60.0, None)
    assert sum(replies.counts) == 2


def test_the_statistics_page_draws_the_charts_and_their_table(client, elf, night):
    client.force_login(elf)

    page = client.get(STATISTICS, {"day": "2026-12-24"}).text

    assert "<strong>5 letters</strong> arrived, most at 18:00 (3)" in page
    assert "the median time from a letter's arrival to its reply was <strong>45.0 minutes</strong>" in page
    assert page.count('<svg class="hour-chart"') == 3
    assert "<title>18:00: English 1</title>" in page
    assert '<th scope="row">18:00</th><td>3</td>' in page
    assert "Download these letters" not in page  # no export permission
