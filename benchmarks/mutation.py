"""Mutation check: plant small bugs in the core modules and see whether their tests catch them.

    python benchmarks/mutation.py --list                   # how many mutants each module has
    python benchmarks/mutation.py --sample 6 --seed 1      # 6 random mutants per module
    python benchmarks/mutation.py --package "web security" --sample 0   # every mutant (slow)
    python benchmarks/mutation.py --no-baseline --only "deliberate/domain/votes.py:33 flip-bool"

A small AST mutator of our own: it swaps comparisons (``<`` and ``<=``, ``==`` and ``!=``, ``in``
and ``not in``, ``is`` and ``is not``), ``and`` and ``or``, ``+`` and ``-``, drops a ``not``,
flips ``True``/``False``, adds one to integer constants, negates ``if`` conditions and turns a
``raise`` into ``pass``. Docstrings, annotations and ``__all__`` are left alone. Each mutant is
written into a copy of the repository and only the test files named for its module run
(``-x``, SQLite, not ``slow``; ``--postgres`` adds PostgreSQL when the test variables are set). A
mutant is killed when the tests fail or time out, and survives when they pass.

Prints one JSON line per package (mutants, killed, survived, score) and then every survivor
with its place and change. A full run takes hours on two cores; sample with ``--sample``.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# package -> {module: test files that state its behaviour}
PACKAGES: dict[str, dict[str, list[str]]] = {
    "domain": {
        "deliberate/domain/rounds.py": ["tests/domain"],
        "deliberate/domain/statements.py": ["tests/domain"],
        "deliberate/domain/votes.py": ["tests/domain"],
        "deliberate/domain/sessions.py": ["tests/domain", "tests/tables/test_form_upload.py"],
        "deliberate/domain/facilitators.py": ["tests/domain", "tests/web/test_web_permissions.py"],
    },
    "store": {
        "deliberate/store/votes.py": [
            "tests/store/test_store_vote_times.py",
            "tests/store/test_store_concurrency.py",
            "tests/store/test_store_vote_races.py",
            "tests/service/test_service_votes.py",
        ],
        "deliberate/store/engine.py": [
            "tests/store/test_store_engine.py",
            "tests/store/test_store_atomicity.py",
            "tests/store/test_store_concurrency.py",
        ],
        "deliberate/store/sessions.py": [
            "tests/service/test_service_tables.py",
            "tests/service/test_service_table_uploads.py",
        ],
        "deliberate/store/facilitators.py": ["tests/service/test_service_facilitators.py"],
    },
    "service": {
        "deliberate/service/participation.py": ["tests/service/test_service_votes.py"],
        "deliberate/service/contributions.py": [
            "tests/service/test_service_tables.py",
            "tests/service/test_service_table_uploads.py",
        ],
        "deliberate/service/facilitators.py": ["tests/service/test_service_facilitators.py"],
        "deliberate/service/moderation.py": ["tests/service/test_service_statements.py"],
    },
    "analysis findings": {
        "deliberate/analysis/findings.py": [
            "tests/analysis/test_minority_rules.py",
            "tests/analysis/test_definitions.py",
            "tests/analysis/test_pipeline.py",
        ],
        "deliberate/analysis/definitions.py": [
            "tests/analysis/test_minority_rules.py",
            "tests/analysis/test_definitions.py",
        ],
    },
    "advice privacy": {
        "deliberate/analysis/disclosure.py": [
            "tests/analysis/test_disclosure.py",
            "tests/advice/test_privacy_subtraction.py",
        ],
        "deliberate/advice/context.py": [
            "tests/advice/test_draft_context.py",
            "tests/advice/test_draft.py",
            "tests/advice/test_suppressed_sizes.py",
        ],
    },
    "web security and permissions": {
        "web/core/security.py": [
            "tests/web/test_web_security_middleware.py",
            "tests/web/test_web_security.py",
            "tests/web/test_web_origin_ports.py",
        ],
        "web/core/identity.py": [
            "tests/web/test_web_identity.py",
            "tests/web/test_web_permissions.py",
            "tests/web/test_web_cross_consultation.py",
        ],
        "web/core/routing.py": [
            "tests/web/test_web_routes.py",
            "tests/web/test_web_permissions.py",
            "tests/web/test_web_cross_consultation.py",
        ],
        "web/permissions.py": ["tests/web/test_web_permissions.py"],
    },
}

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}


@dataclass(frozen=True)
class Mutant:
    """One planted bug: the ``index``-th node of ``ast.walk`` in ``module``, changed by ``kind``."""

    module: str
    index: int
    kind: str
    line: int


def _protected(tree: ast.Module) -> set[int]:
    """Ids of nodes that are never mutated: docstrings, annotations and ``__all__``."""
    skip: set[int] = set()

    def cover(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            cover(first)
        if isinstance(node, (ast.AnnAssign, ast.arg)):
            cover(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            cover(node.returns)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            cover(node)
    return skip


def _kinds(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Compare):
        return [f"compare:{i}" for i, op in enumerate(node.ops) if type(op) in COMPARE_SWAPS]
    if isinstance(node, ast.BoolOp):
        return ["boolop"]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ["drop-not"]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        return ["add-sub"]
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return ["flip-bool"]
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return ["plus-one"]
    if isinstance(node, ast.If):
        return ["negate-if"]
    if isinstance(node, ast.Raise):
        return ["raise-to-pass"]
    return []


def mutants_of(module: str) -> list[Mutant]:
    """Every mutant of one module, in a stable order."""
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    skip = _protected(tree)
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        for kind in _kinds(node):
            found.append(Mutant(module, index, kind, getattr(node, "lineno", 0)))
    return found


def apply(source: str, mutant: Mutant) -> tuple[str, str]:
    """The mutated module source, and the change in words (before -> after)."""
    tree = ast.parse(source)
    nodes = list(ast.walk(tree))
    node = nodes[mutant.index]
    before = ast.unparse(node).splitlines()[0][:70]
    kind = mutant.kind
    if kind.startswith("compare:"):
        assert isinstance(node, ast.Compare)
        position = int(kind.split(":")[1])
        node.ops[position] = COMPARE_SWAPS[type(node.ops[position])]()
    elif kind == "boolop":
        assert isinstance(node, ast.BoolOp)
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "add-sub":
        assert isinstance(node, ast.BinOp)
        node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
    elif kind == "flip-bool":
        assert isinstance(node, ast.Constant)
        node.value = not node.value
    elif kind == "plus-one":
        assert isinstance(node, ast.Constant)
        assert isinstance(node.value, int)
        node.value = node.value + 1
    elif kind == "negate-if":
        assert isinstance(node, ast.If)
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif kind == "drop-not":
        _replace(nodes, node, copy.deepcopy(node.operand))  # type: ignore[attr-defined]
        after = ast.unparse(node.operand)[:70]  # type: ignore[attr-defined]
        return ast.unparse(ast.fix_missing_locations(tree)), f"{before} -> {after}"
    elif kind == "raise-to-pass":
        _replace(nodes, node, ast.Pass())
        return ast.unparse(ast.fix_missing_locations(tree)), f"{before} -> pass"
    after = ast.unparse(node).splitlines()[0][:70]
    return ast.unparse(ast.fix_missing_locations(tree)), f"{before} -> {after}"


def _replace(nodes: list[ast.AST], old: ast.AST, new: ast.AST) -> None:
    for parent in nodes:
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list) and any(item is old for item in value):
                value[next(i for i, item in enumerate(value) if item is old)] = new
                return
    raise LookupError("node without a parent")


def run_tests(root: Path, tests: list[str], *, postgres: bool, timeout: float) -> str:
    """``passed``, ``failed`` or ``timeout`` for the test files in the copy at ``root``."""
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HYPOTHESIS_PROFILE="dev")
    env.pop("DELIBERATE_TEST_REQUIRE_ALL", None)  # skips are expected here (SQLite only)
    # Plugins load only when named: the installed ones (schemathesis, xdist, Hypothesis's
    # reporter) double pytest's start-up, which every mutant pays, and these tests need none.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-m", "not slow", *tests]
    if not postgres:  # the PostgreSQL cases skip (not ``-k``: it would match test names too)
        env.pop("DELIBERATE_TEST_POSTGRES_URL", None)
    try:
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    if done.returncode == 5:
        raise SystemExit(f"no tests collected for {tests}")
    return "passed" if done.returncode == 0 else "failed"


def _draw(
    package: str,
    modules: dict[str, list[str]],
    sample: int,
    per_package: int | None,
    rng: random.Random,
) -> dict[str, list[Mutant]]:
    """The mutants to run per module: ``sample`` per module (0 = all), or ``per_package`` drawn
    uniformly from the package's mutants together (all of them when it has no more)."""
    pools: dict[str, list[Mutant]] = {}
    for module in modules:
        if (REPO / module).is_file():
            pools[module] = mutants_of(module)
        else:
            print(json.dumps({"package": package, "missing": module}), flush=True)
    if per_package is None:
        return {
            module: pool if sample == 0 else rng.sample(pool, min(sample, len(pool)))
            for module, pool in pools.items()
        }
    every = [mutant for pool in pools.values() for mutant in pool]
    chosen = set(rng.sample(every, min(per_package, len(every))))
    return {module: [m for m in pool if m in chosen] for module, pool in pools.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=6, help="mutants per module; 0 = all")
    parser.add_argument(
        "--per-package",
        type=int,
        metavar="N",
        help="instead of --sample: N mutants drawn from all of a package's modules together",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--package", action="append", help="only these packages (repeatable)")
    parser.add_argument("--list", action="store_true", help="count the mutants and stop")
    parser.add_argument(
        "--only",
        action="append",
        metavar="MODULE:LINE KIND",
        help="re-run just these mutants, as a survivor line names them (repeatable)",
    )
    parser.add_argument("--postgres", action="store_true", help="also run the PostgreSQL cases")
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip the unmutated run per module (saves time); mutants then get --timeout",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant run")
    args = parser.parse_args()
    chosen = {
        name: modules
        for name, modules in PACKAGES.items()
        if not args.package or name in args.package
    }
    if args.list:
        for name, modules in chosen.items():
            counts = {m: len(mutants_of(m)) for m in modules if (REPO / m).is_file()}
            print(json.dumps({"package": name, "mutants": counts}))
        return 0
    rng = random.Random(args.seed)
    survivors: list[str] = []
    totals = {"mutants": 0, "killed": 0}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "__pycache__", "*.db")
        shutil.copytree(REPO, root, ignore=ignore, symlinks=True)
        for name, modules in chosen.items():
            killed = survived = timeouts = 0
            drawn = _draw(name, modules, args.sample, args.per_package, rng)
            for module, tests in modules.items():
                if module not in drawn:
                    continue
                pool = mutants_of(module)
                picked = drawn[module]
                if args.only:
                    picked = [m for m in pool if f"{m.module}:{m.line} {m.kind}" in args.only]
                if not picked:
                    continue
                limit = args.timeout
                if not args.no_baseline:
                    started = time.perf_counter()
                    if run_tests(root, tests, postgres=args.postgres, timeout=1800) != "passed":
                        print(json.dumps({"package": name, "baseline_fails": module}), flush=True)
                        continue
                    limit = 3 * (time.perf_counter() - started) + 30
                original = (REPO / module).read_text(encoding="utf-8")
                for mutant in sorted(picked, key=lambda m: (m.line, m.index, m.kind)):
                    source, change = apply(original, mutant)
                    (root / module).write_text(source, encoding="utf-8")
                    try:
                        outcome = run_tests(root, tests, postgres=args.postgres, timeout=limit)
                    finally:
                        (root / module).write_text(original, encoding="utf-8")
                    where = f"{module}:{mutant.line} {mutant.kind}"
                    print(json.dumps({"mutant": where, "outcome": outcome}), flush=True)
                    if outcome == "passed":
                        survived += 1
                        survivors.append(f"{module}:{mutant.line} {mutant.kind}: {change}")
                    else:
                        killed += 1
                        timeouts += outcome == "timeout"
            total = killed + survived
            totals["mutants"] += total
            totals["killed"] += killed
            score = round(100 * killed / total, 1) if total else None
            line = {"package": name, "mutants": total, "killed": killed, "survived": survived}
            print(json.dumps({**line, "timeouts": timeouts, "score_pct": score}), flush=True)
    overall = 100 * totals["killed"] / totals["mutants"] if totals["mutants"] else 0.0
    print(json.dumps({"summary": totals, "score_pct": round(overall, 1)}), flush=True)
    for survivor in survivors:
        print(f"survivor {survivor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
