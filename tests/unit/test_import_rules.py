"""The floors hold: pages reach storage only through the domain, the domain knows no UI or web
framework, storage knows no UI. Read from the source (no imports run), so a violation fails here before
it is ever reviewed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The API's modules that still read `data` directly. The API's wiring (start-up, the session and
# error mapping) may; the rest are debts of the structure issue (#11): this list only shrinks.
API_DATA_DEBTS = {
    "api/errors.py", "api/startup.py",  # wiring
    "api/routes/cars.py", "api/schemas/auctions.py", "api/schemas/cars.py", "api/schemas/dealers.py",
    "api/services/dealers.py", "api/services/idempotency.py", "api/services/ops.py",
    "api/services/tokens.py",
}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, wherever in the module the import stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offenders(folder: str, banned: set[str], allowed: frozenset[str] = frozenset()) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {sorted(imported_packages(path) & banned)}"
            for path in modules(folder)
            if imported_packages(path) & banned and str(path.relative_to(ROOT)) not in allowed]


@pytest.mark.parametrize(("folder", "banned"), [
    ("pages", {"data", "sqlalchemy", "sqlmodel", "duckdb"}),  # analytics' figures are the pages' to draw
    ("domain", {"streamlit", "fastapi", "starlette", "ui", "pages", "api"}),
    ("data", {"streamlit", "fastapi", "starlette", "ui", "pages", "api"}),
])
def test_each_floor_imports_only_what_it_may(folder: str, banned: set[str]) -> None:
    assert not offenders(folder, banned)


def test_the_api_reads_storage_only_where_it_is_wired_or_listed() -> None:
    assert not offenders("api", {"data"}, frozenset(API_DATA_DEBTS))
    still_there = {str(path.relative_to(ROOT)) for path in modules("api")
                   if "data" in imported_packages(path)}
    assert still_there >= API_DATA_DEBTS, f"paid off, remove from the list: {API_DATA_DEBTS - still_there}"


def test_the_rule_sees_a_violation(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("def f():\n    from data.settings import get_settings\n", encoding="utf-8")
    assert "data" in imported_packages(page)
