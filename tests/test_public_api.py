"""Every module states its public API in ``__all__``, and ``__all__`` is exactly that API.

A public name is a name that a module defines at its top level (function, class, assignment)
without a leading underscore. Each one is listed in ``__all__``, and everything ``__all__`` lists
exists on the imported module (packages list the names they re-export). A helper meant for one
module only gets a leading underscore instead.
"""

from __future__ import annotations

import ast
import importlib

import pytest
from support import REPO_ROOT

# web follows once its new layout (issue 13) has landed.
PACKAGES = ("deliberate", "web")
# Files that are scripts run by a tool, not modules anyone imports.
NOT_MODULES = {"deliberate/store/migrations/env.py"}


def _modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if "/migrations/versions/" in relative or relative in NOT_MODULES:
                continue
            found.append(relative)
    return found


def _top_level(tree: ast.Module) -> tuple[set[str], list[str] | None]:
    """Public names the module defines, and its ``__all__`` (``None`` when it has none)."""
    defined: set[str] = set()
    listed: list[str] | None = None
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                assert isinstance(node, ast.Assign | ast.AnnAssign)
                assert node.value is not None
                listed = list(ast.literal_eval(node.value))
            elif isinstance(target, ast.Name):
                defined.add(target.id)
    return {name for name in defined if not name.startswith("_")}, listed


@pytest.mark.parametrize("relative", _modules())
def test_all_is_the_public_api(relative: str) -> None:
    path = REPO_ROOT / relative
    public, listed = _top_level(ast.parse(path.read_text(encoding="utf-8")))
    if listed is None:
        assert not public, f"{relative} defines public names but has no __all__: {sorted(public)}"
        return
    assert len(listed) == len(set(listed)), f"{relative}: __all__ lists a name twice"
    assert sorted(public - set(listed)) == [], (
        f"{relative}: public names missing from __all__ (list them, or start them with _)"
    )
    name = relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    module = importlib.import_module(name)
    assert [n for n in listed if not hasattr(module, n)] == [], f"{name}: __all__ lists absent"


def test_every_module_is_checked() -> None:
    modules = _modules()
    assert "deliberate/analysis/findings.py" in modules
    assert len(modules) > 100
