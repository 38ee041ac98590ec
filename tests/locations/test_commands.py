import io
import json

import pytest
from django.core.management import CommandError, call_command

from locations.models import Revision


def write_csv(path, rows, header="city,region,country,latitude,longitude,arrival,presents,fact,notes"):
    path.write_text(header + "\n" + "\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_check_route_json_reports_toronto_as_us(tmp_path, small_route, capsys):
    small_route[4][2] = "US"
    source = write_csv(tmp_path / "route.csv", small_route)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_route", str(source), "--format", "json")
    assert exit_info.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stops"] == 4  # the stops that passed: Toronto did not
    assert [(e["row"], e["column"], e["code"]) for e in report["errors"]] == [(6, "country", "country_mismatch")]


def test_check_route_exits_zero_for_a_clean_route(tmp_path, small_route, capsys):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("check_route", str(source))
    assert "5 stops, 0 errors" in capsys.readouterr().out


@pytest.mark.django_db
def test_sync_route_publishes_then_recognises_an_unchanged_source(tmp_path, small_route):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("sync_route", str(source))
    call_command("sync_route", str(source))
    assert Revision.objects.count() == 1
    live = Revision.objects.get(is_live=True)
    assert live.stops.count() == 5


@pytest.mark.django_db
def test_sync_route_with_errors_leaves_the_live_revision_alone(tmp_path, small_route):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("sync_route", str(source))
    small_route[4][2] = "US"
    write_csv(source, small_route)
    with pytest.raises(CommandError, match=r"^rejected: 1 error in "):
        call_command("sync_route", str(source))
    live = Revision.objects.get(is_live=True)
    assert live.number == 1
    assert live.stops.get(city="Toronto").country == "CA"


@pytest.mark.django_db
def test_a_rollback_pins_until_released(tmp_path, small_route):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("sync_route", str(source))
    small_route[4][7] = "A fact added later."
    write_csv(source, small_route)
    call_command("sync_route", str(source))
    call_command("make_live", "1")
    # The sheet's revision waits for the pin to be released: the sync says so and exits 1, every round.
    with pytest.raises(CommandError, match=r"^unchanged: The sheet is unchanged\. An organiser decides: Revision 1"):
        call_command("sync_route", str(source))
    assert Revision.objects.get(is_live=True).number == 1
    assert Revision.objects.count() == 2
    small_route[4][7] = "A corrected fact."
    write_csv(source, small_route)
    with pytest.raises(CommandError, match="Revision 3 is held, not live: Revision 1 is pinned by make_live"):
        call_command("sync_route", str(source))
    assert Revision.objects.get(is_live=True).number == 1
    call_command("release_route")
    assert Revision.objects.get(is_live=True).number == 3


def add_organiser(username: str) -> str:
    out = io.StringIO()
    call_command("add_organiser", username, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_organiser_makes_a_staff_organiser_who_may_run_the_night_and_says_how_to_set_a_password(
    django_user_model, client
):
    printed = add_organiser("olga")

    olga = django_user_model.objects.get(username="olga")
    assert olga.is_staff and not olga.is_superuser and not olga.has_usable_password()
    assert list(olga.groups.values_list("name", flat=True)) == ["Organisers"]
    assert "manage.py changepassword olga" in printed
    assert olga.has_perm("locations.make_live") and not olga.has_perm("letters.view_letter")
    client.force_login(olga)
    assert client.get("/admin/night/").status_code == 200
    assert add_organiser("olga").startswith("olga is already an organiser")


@pytest.mark.django_db
def test_add_organiser_keeps_an_existing_user_s_password(django_user_model):
    user = django_user_model.objects.create_user("olga", password="a-password-she-chose")

    assert add_organiser("olga").startswith("Made olga an organiser: staff, in the Organisers group.")
    user.refresh_from_db()
    assert user.check_password("a-password-she-chose") and user.is_staff
