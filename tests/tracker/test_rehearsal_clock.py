"""manage.py rehearsal_clock: the rehearsal scripts/run starts, 90 wall seconds before take-off."""

import io

import pytest
from django.core.management import CommandError, call_command

from locations.live import forget_live_route
from locations.sync import publish_table
from tests.conftest import route_table


def exports(*args: str) -> dict[str, str]:
    """The command's `export NAME=value` lines as a dict."""
    out = io.StringIO()
    call_command("rehearsal_clock", *args, stdout=out)
    return dict(line.removeprefix("export ").split("=", 1) for line in out.getvalue().splitlines())


@pytest.mark.django_db
def test_the_rehearsal_starts_ninety_wall_seconds_before_the_first_stop_at_any_speed(small_route):
    assert publish_table(route_table(small_route), "test").ok
    # Kiritimati at 06:00: 90 wall seconds at 60x are 90 route minutes.
    assert exports()["TRACKER_CLOCK_START"] == "2026-12-24T04:30:00Z"
    assert exports("--speed", "600")["TRACKER_CLOCK_START"] == "2026-12-23T15:00:00Z"
    assert exports("--speed", "1", "--lead", "30")["TRACKER_CLOCK_START"] == "2026-12-24T05:59:30Z"


@pytest.mark.django_db
def test_without_a_live_route_there_is_nothing_to_rehearse():
    forget_live_route()
    with pytest.raises(CommandError, match="no live route"):
        call_command("rehearsal_clock")
