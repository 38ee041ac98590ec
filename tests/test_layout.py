"""Where things live: dependencies point one way (docs/architecture.md states the rule) and no project module
imports itself round a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("tracker", "locations", "letters", "lib")
# What each package may import, as packages or single modules: the public side uses the route and letters; the
# route uses only lib; letters use lib and the route's geography alone (country names); lib imports no app.
MAY_IMPORT = {
    "tracker": {"tracker", "locations", "letters", "lib"},
    "locations": {"locations", "lib"},
    "letters": {"letters", "locations.geography", "lib"},
    "lib": {"lib"},
}


def may_import(source: str, target: str) -> bool:
    """Whether module SOURCE may import module TARGET by MAY_IMPORT."""
    allowed = MAY_IMPORT[source.split(".")[0]]
    return any(target == name or target.startswith(f"{name}.") for name in allowed)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for app in APPS for path in (ROOT / app).rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules a file imports anywhere in it (function-level imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from locations import sheets` imports the module locations.sheets.
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name.split(".")[0] in APPS:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for name, path in modules.items():
        # A package's __init__ is on the way to every module in it; it is not a dependency of its own.
        graph[name] = {target for target in imports_of(path, modules) if target != name and "." in target}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_project_modules_import_each_other_round_a_cycle():
    assert cycles(import_graph()) == []


def test_dependencies_point_one_way_between_the_apps():
    wrong = [
        (source, target)
        for source, targets in import_graph().items()
        for target in targets
        if not may_import(source, target)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("letters.admin", "locations.geography", True),
        ("letters.admin", "locations.sync", False),
        ("letters.management.commands.fetch_letters", "locations.management.commands.sync_route", False),
        ("letters.sending", "lib.text_direction", True),
        ("lib.every", "locations.geography", False),
        ("lib.every", "tracker.settings", False),
        ("locations.diff", "lib.great_circle", True),
        ("locations.sync", "letters.models", False),
        ("tracker.api", "letters.models", True),
    ],
)
def test_the_rule_names_packages_and_single_modules(source, target, allowed):
    assert may_import(source, target) is allowed


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a.x": {"a.y"}, "a.y": {"a.x"}}, [["a.x", "a.y"]]),
        ({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}, [["a.x", "a.y", "a.z"]]),
        ({"a.x": {"a.y"}, "a.y": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles_of_any_length(graph, expected):
    assert cycles(graph) == expected


def test_function_level_imports_count_too(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("def later():\n    from locations import sheets\n    import tracker.api\n")
    modules = {"locations.sheets": source, "tracker.api": source, "locations": source}
    assert imports_of(source, modules) == {"locations.sheets", "tracker.api", "locations"}
