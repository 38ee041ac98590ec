"""docs/architecture.md names every module of the project, so a newcomer who trusts it misses none."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("tracker", "locations", "letters", "lib")


def layout_block() -> str:
    """The page's first code block: the tree of folders and modules."""
    return (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").split("```")[1]


def project_modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "__init__.py"
    ]


def test_the_architecture_page_names_every_module():
    block = layout_block()
    unnamed = [
        str(path.relative_to(ROOT))
        for path in project_modules()
        if not re.search(rf"(?<![\w.]){re.escape(path.stem)}(?![\w])", block)
    ]
    assert unnamed == []


def test_the_check_can_fail(tmp_path):
    assert not re.search(r"(?<![\w.])journey(?![\w])", "planning.py the planner; journeys")
