"""Every third-party package the code imports is declared in a requirements file, each with its reason.

A package that only arrives because another one needs it today can leave with that package's next release;
declaring it says the code relies on it. Runtime code may rely only on requirements.in, the tests and scripts
also on requirements-test.in, the benchmarks on requirements-bench.in as well. Imports under
`if TYPE_CHECKING:` run only in the type checker, so the test tools may supply them.
"""

import ast
import functools
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ["requirements.in"]
TOOLS = [*RUNTIME, "requirements-test.in"]
BENCH = [*TOOLS, "requirements-bench.in"]
# Each part of the repository and the requirement files that may supply its imports.
PARTS = {
    "tracker": RUNTIME,
    "locations": RUNTIME,
    "letters": RUNTIME,
    "lib": RUNTIME,
    "serve.py": RUNTIME,
    "manage.py": RUNTIME,
    "tests": TOOLS,
    "scripts": TOOLS,
    "bench": BENCH,
}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares them: 'PyYAML' as 'pyyaml', 'dj_database_url' as 'dj-database-url'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(file_name: str) -> list[str]:
    """The requirement lines of one .in file (no comments, blank lines or -c/-r options)."""
    lines = (ROOT / file_name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))]


def declared(file_names: list[str]) -> set[str]:
    """The normalized distribution names the files declare."""
    names = set()
    for file_name in file_names:
        for line in requirement_lines(file_name):
            match = _NAME.match(line.strip())
            assert match, f"{file_name}: cannot read a package name in {line!r}"
            names.add(normalized(match.group(0)))
    return names


def python_files(part: str) -> list[Path]:
    path = ROOT / part
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.py"))


def first_party() -> set[str]:
    """The repository's own top-level names: its folders and modules."""
    return {path.stem for path in ROOT.iterdir() if path.suffix == ".py" or path.is_dir()}


def _is_type_checking(node: ast.AST) -> bool:
    """Whether NODE is `if TYPE_CHECKING:` (or `if typing.TYPE_CHECKING:`)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, type_checking: bool = False) -> set[str]:
    """The top-level names of the absolute imports in one file, at any depth (lazy imports too): those that run,
    or with TYPE_CHECKING those only the type checker reads."""
    names = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    checker_only = {id(inner) for node in ast.walk(tree) if _is_type_checking(node) for inner in ast.walk(node)}
    for node in ast.walk(tree):
        if (id(node) in checker_only) != type_checking:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party_imports(part: str, type_checking: bool = False) -> dict[str, set[str]]:
    """Each third-party top-level module PART imports, with the files (relative) that import it."""
    own = first_party()
    found: dict[str, set[str]] = {}
    for path in python_files(part):
        for module in imported_modules(path, type_checking):
            if module not in sys.stdlib_module_names and module not in own and module != "__future__":
                found.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return found


@functools.cache
def distributions() -> dict[str, list[str]]:
    """Each installed top-level module to the distributions that supply it."""
    return importlib.metadata.packages_distributions()


def undeclared(imports: dict[str, set[str]], file_names: list[str]) -> list[str]:
    """The IMPORTS that no distribution declared in FILE_NAMES supplies, each with where it is imported."""
    allowed = declared(file_names)
    missing = []
    for module, files in sorted(imports.items()):
        # A namespace package (google) is shared by several distributions; one declared is enough.
        suppliers = {normalized(name) for name in distributions().get(module, [])}
        if not suppliers & allowed:
            where = ", ".join(sorted(files)[:3])
            missing.append(f"{module} (from {sorted(suppliers) or 'no installed package'}) in {where}")
    return missing


@pytest.mark.parametrize("part", [part for part in PARTS if (ROOT / part).exists()])
def test_every_third_party_import_is_declared_in_the_requirements_it_may_use(part: str) -> None:
    missing = undeclared(third_party_imports(part), PARTS[part])
    assert not missing, f"declare in {' or '.join(PARTS[part])}, with a reason: " + "; ".join(missing)
    checker_files = BENCH if PARTS[part] is BENCH else TOOLS
    for_the_checker = undeclared(third_party_imports(part, type_checking=True), checker_files)
    assert not for_the_checker, "declare in requirements-test.in, with a reason: " + "; ".join(for_the_checker)


def test_the_check_sees_the_imports_it_is_about() -> None:
    """The scan is not vacuous: it finds numpy in locations, requests in locations and gunicorn nowhere at run time."""
    locations = third_party_imports("locations")
    assert {"numpy", "requests", "django", "gspread"} <= set(locations)
    assert "locations/geography.py" in locations["numpy"]
    runtime = {module for part, files in PARTS.items() if files is RUNTIME for module in third_party_imports(part)}
    assert "gunicorn" not in runtime


@pytest.mark.parametrize("file_name", sorted(set(BENCH)))
def test_every_requirement_says_why_it_is_there(file_name: str) -> None:
    lines = requirement_lines(file_name)
    unexplained = [line for line in lines if "#" not in line or not line.split("#", 1)[1].strip()]
    assert not unexplained, f"{file_name}: give each requirement a reason after '#': {unexplained}"


def test_each_package_is_declared_once() -> None:
    seen: dict[str, str] = {}
    repeated = []
    for file_name in BENCH:
        for name in [normalized(_NAME.match(line.strip()).group(0)) for line in requirement_lines(file_name)]:
            if name in seen:
                repeated.append(f"{name} in {seen[name]} and {file_name}")
            seen[name] = file_name
    assert not repeated, repeated


def test_the_test_run_installs_no_benchmark_tools() -> None:
    """scripts/test installs requirements.txt and requirements-test.txt only; gunicorn is the benchmark's."""
    assert "requirements-bench" not in (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    assert "gunicorn" in declared(["requirements-bench.in"])
    assert "gunicorn" not in declared(TOOLS)
