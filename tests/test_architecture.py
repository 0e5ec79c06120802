"""The architecture holds: the import-linter contracts in pyproject.toml (layers, Textual only in
the TUI, nothing heavy on the CLI's start-up path), no import cycles, SQL only in store/, and a
start-up that really imports nothing heavy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "qualcode"


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "BROKEN" not in out.stdout


def test_a_broken_layer_is_caught(tmp_path):
    """The contract is not vacuous: a store module importing the TUI breaks it."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("qualcode")
    graph.add_import(importer="qualcode.store.project", imported="qualcode.tui.app")
    assert graph.find_illegal_dependencies_for_layers(
        layers=("qualcode.tui", "qualcode.store"), containers=set()
    )


def test_no_import_cycles():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("qualcode")
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    # Tarjan's strongly connected components; a component of more than one module is a cycle.
    index, low, stack, on, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # a package importing its own submodule (``__init__``) is not a cycle of modules
            if len(comp) > 1:
                pkgs = [c for c in comp if any(o.startswith(c + ".") for o in comp)]
                if len(comp) - len(pkgs) > 1:
                    cycles.append(sorted(comp))
        return None

    sys.setrecursionlimit(10000)
    for v in edges:
        if v not in index:
            visit(v)
    assert cycles == []


def _modules():
    for path in SRC.rglob("*.py"):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_sql_only_in_store():
    leaks = []
    for rel, tree in _modules():
        # server/ talks to the team server's PostgreSQL (schema, policies, the change log): that SQL
        # belongs to the server, not to the project file, whose SQL all stays in store/
        if rel.startswith("store/") or rel.startswith("server/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "execute", "executemany", "executescript"
            ):
                leaks.append(rel)
    assert leaks == []


def test_help_starts_without_heavy_imports():
    code = (
        "import sys; from qualcode.cli.main import build_parser; build_parser().format_help(); "
        "heavy = [m for m in ('spacy', 'pandas', 'textual', 'matplotlib', 'docx') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
