"""The core stays pure: an AST scan of every module enforces the layering rules of DESIGN.md §3."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "deliberate"

# Modules that may open network connections, each for a stated reason.
NETWORK_ALLOWED = {
    "deliberate/text/registry.py",  # `deliberate models pull`, only when the operator asks
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_never_imports_web(path: Path) -> None:
    forbidden = {"web", "starlette", "uvicorn"}
    bad = {name for name in _imports(path) if name.split(".")[0] in forbidden}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", _modules(CORE / "analysis"), ids=lambda p: str(p.relative_to(ROOT))
)
def test_analysis_is_pure(path: Path) -> None:
    forbidden = {"sqlalchemy", "alembic", "deliberate.store", "deliberate.service", "psycopg"}
    bad = {n for n in _imports(path) if any(n == f or n.startswith(f + ".") for f in forbidden)}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path",
    _modules(CORE) + _modules(ROOT / "web"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_outbound_http_outside_allow_list(path: Path) -> None:
    """R-C12: no code fetches URLs except the modules listed in NETWORK_ALLOWED."""
    relative = str(path.relative_to(ROOT))
    if relative in NETWORK_ALLOWED:
        return
    clients = {"httpx", "requests", "urllib.request", "http.client", "aiohttp"}
    bad = {n for n in _imports(path) if n in clients or n.split(".")[0] in {"requests", "aiohttp"}}
    assert not bad, f"{relative} imports network clients {sorted(bad)}"


def _web_graph() -> dict[str, set[str]]:
    """Module → the web modules it imports (at any depth of the file, functions included)."""
    web = ROOT / "web"
    names = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
        for p in web.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges.update(t for t in targets if t in names and t != name)
        graph[name] = edges
    return graph


def test_web_has_no_import_cycles() -> None:
    graph = _web_graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.parametrize(
    "path", sorted((ROOT / "web").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_web_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 300, f"{path.relative_to(ROOT)} has {lines} lines (web: at most 300)"
