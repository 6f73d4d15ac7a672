"""The floors hold: pages reach storage only through the domain, the domain knows no UI or web
framework, storage knows no UI. Read from the source (no imports run), so a violation fails here before
it is ever reviewed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The API's modules that read `data` directly: its wiring (start-up, the store's errors mapped to
# answers) and nothing else. Every other module goes through the domain.
API_WIRING = {"api/errors.py", "api/startup.py"}

# The store's modules that still read the domain (the store sits below it). Paid off in #11: the
# vocabularies (`data.enums`), the car fields (`data.car_fields`) and the refusals' base
# (`data.errors`) stand in `data/`, and the domain re-exports them. Keep it empty.
DATA_DOMAIN_DEBTS: set[str] = set()


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
    ("pages", {"data", "demo", "sqlalchemy", "sqlmodel", "duckdb"}),  # analytics' figures are the pages'
    ("domain", {"streamlit", "fastapi", "starlette", "ui", "pages", "api", "demo"}),
    ("data", {"streamlit", "fastapi", "starlette", "ui", "pages", "api", "demo"}),  # demo sits above
    ("demo", {"streamlit", "fastapi", "starlette", "ui", "pages", "api"}),
    ("analytics", {"streamlit", "fastapi", "starlette", "ui", "pages", "api", "demo"}),  # beside the domain
])
def test_each_floor_imports_only_what_it_may(folder: str, banned: set[str]) -> None:
    assert not offenders(folder, banned)


def assert_only_listed(folder: str, package: str, debts: set[str]) -> None:
    """`folder` imports `package` only in the listed modules, and every listed one still does."""
    assert not offenders(folder, {package}, frozenset(debts))
    still_there = {str(path.relative_to(ROOT)) for path in modules(folder)
                   if package in imported_packages(path)}
    assert still_there >= debts, f"paid off, remove from the list: {debts - still_there}"


def test_the_api_reads_storage_only_where_it_is_wired() -> None:
    assert_only_listed("api", "data", API_WIRING)


def test_the_store_reads_the_domain_only_where_listed() -> None:
    assert_only_listed("data", "domain", DATA_DOMAIN_DEBTS)


def module_imports(path: Path) -> set[str]:
    """The project modules a module imports (`from a import b` counts `a.b` when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def import_cycles(folders: tuple[str, ...], root: Path = ROOT) -> list[tuple[str, ...]]:
    """Groups of modules that import each other, directly or round a loop, lazy imports included."""
    names = {".".join(path.relative_to(root).with_suffix("").parts): path
             for folder in folders for path in sorted((root / folder).rglob("*.py"))}
    graph = {name: module_imports(path) & names.keys() for name, path in names.items()}
    reach = {name: _reachable(graph, name) for name in graph}
    return sorted({tuple(sorted(n for n in reach[name] if name in reach[n])) for name in graph
                   if name in reach[name]})


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return seen


def test_no_module_imports_itself_round_a_loop() -> None:
    assert import_cycles(("analytics", "data", "domain", "demo", "ui", "api", "ops")) == []


def test_the_loop_rule_sees_a_loop(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("def f():\n    from pkg.b import g\n", encoding="utf-8")
    (tmp_path / "pkg" / "b.py").write_text("from pkg import a\n", encoding="utf-8")
    assert import_cycles(("pkg",), root=tmp_path) == [("pkg.a", "pkg.b")]


def test_the_rule_sees_a_violation(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("def f():\n    from data.settings import get_settings\n", encoding="utf-8")
    assert "data" in imported_packages(page)


# The domain is packaged by context (accounts, auctions, bidding, inventory, oversight, reporting);
# only the shared kernel every context uses stands at its top.
DOMAIN_KERNEL = {"__init__", "errors", "formatting", "notifications", "permissions", "types"}


def test_the_domain_is_packaged_by_context() -> None:
    assert {path.stem for path in (ROOT / "domain").glob("*.py")} == DOMAIN_KERNEL
