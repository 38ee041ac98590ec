"""deploy/compose.yaml and the loopback topology the tests start (tests/topology.py) run the same things."""

import re
import shlex

from django.core.management import get_commands, load_command_class

from tests.topology import COMPOSE, VARNISH_DIR, compose, dockerfile_command, origin_vcl, varnish_parameters

APP_SERVERS = ("app1", "app2", "pages1")


def _services() -> dict:
    return compose()["services"]


def test_the_app_servers_are_built_from_the_dockerfile_and_run_its_command():
    for name in APP_SERVERS:
        service = _services()[name]
        assert service["build"] == {"context": "..", "dockerfile": "Dockerfile"}
        # No command of their own: the image's CMD, which tests/test_dockerfile.py and the topology run.
        assert "command" not in service
    assert dockerfile_command() == ["python", "serve.py"]


def test_every_app_server_reads_the_same_clock_anchor_and_settings():
    environments = [_services()[name]["environment"] for name in (*APP_SERVERS, "worker", "sync", "letters")]
    assert all(environment == environments[0] for environment in environments)
    assert {"TRACKER_CLOCK_START", "TRACKER_CLOCK_ANCHOR", "TRACKER_CLOCK_SPEED"} <= set(environments[0])


def test_the_cache_runs_the_shipped_vcl_in_front_of_the_app_servers():
    varnish = _services()["varnish"]
    assert "./varnish:/etc/varnish:ro" in varnish["volumes"]
    command = varnish["command"]
    vcl = command[command.index("-f") + 1]
    assert vcl.startswith("/etc/varnish/") and (VARNISH_DIR / vcl.removeprefix("/etc/varnish/")).exists()
    assert "vcl_path=/etc/varnish" in command
    backends = re.findall(r'\.host = "([^"]+)";\s*\.port = "(\d+)";', (VARNISH_DIR / "origin.vcl").read_text())
    # The image listens on 8000 (Dockerfile EXPOSE, serve.py in production).
    assert backends == [(name, "8000") for name in APP_SERVERS]
    assert set(varnish["depends_on"]) == set(APP_SERVERS)


def test_the_tests_start_varnish_with_the_compose_files_and_parameters():
    parameters = varnish_parameters()
    assert parameters[parameters.index("-f") + 1] == str(VARNISH_DIR / "default.vcl")
    command = _services()["varnish"]["command"]
    for option, value in zip(command[2::2], command[3::2], strict=True):
        if option == "-s" or (option == "-p" and not value.startswith("vcl_path=")):
            assert value in parameters
    # Only the host and port of each backend differ on loopback.
    local = origin_vcl([8101, 8102, 8103]).replace("127.0.0.1", "app")
    for port in ("8101", "8102", "8103"):
        local = local.replace(f'"{port}"', '"8000"')
    shipped = (VARNISH_DIR / "origin.vcl").read_text()
    assert local == shipped.replace('"app1"', '"app"').replace('"app2"', '"app"').replace('"pages1"', '"app"')


def test_the_night_processes_are_real_commands_documented_in_operations():
    operations = (COMPOSE.parent.parent / "docs" / "operations.md").read_text()
    commands = get_commands()
    for name in ("migrate", "worker", "sync", "letters", "jobs"):
        command = _services()[name]["command"]
        assert command[:2] == ["python", "manage.py"]
        parser = load_command_class(commands[command[2]], command[2]).create_parser("manage.py", command[2])
        parser.parse_args(command[3:])
        assert f"`{shlex.join(command)}`" in operations, f"docs/operations.md does not list {shlex.join(command)}"
