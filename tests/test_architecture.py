"""Tests of minilr's layout, read from its source: no import cycle, the import-linter
contracts hold (and catch a violation), no private name crosses modules, small modules
whose docstrings say what they own."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "minilr"
MAX_LINES = 450
LINT_IMPORTS = ("import sys; from importlinter.cli import lint_imports_command; "
                "sys.exit(lint_imports_command())")


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _set_before_imports(path):
    """Names a package's ``__init__`` assigns before its first import (``__version__``)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


# Reading such a name (minilr.__version__) needs only the package's first lines, which
# always run before any of its modules: it is no arrow up into the package.
SET_FIRST = _set_before_imports(PACKAGE / "__init__.py")


def _imports(name, path):
    """Every minilr module ``name`` imports, at module level or inside a function."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "minilr")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "minilr":
                continue
            # "from . import datasets" imports the module minilr.datasets.
            submodules = {f"{module}.{a.name}" for a in node.names} & MODULES.keys()
            if module == "minilr" and {a.name for a in node.names} <= SET_FIRST:
                continue
            found.update(submodules or {module})
    return {m for m in found if m in MODULES and m != name}


def _find_cycle(graph):
    """One cycle of ``graph`` as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_import_graph_of_minilr_has_no_cycle_counting_function_level_imports():
    graph = {name: _imports(name, path) for name, path in MODULES.items()}
    assert graph["minilr.linear"] >= {"minilr.objective", "minilr._dask"}  # the parser sees both
    assert _find_cycle(graph) is None, " -> ".join(_find_cycle(graph))


def _lint_imports(cwd):
    # PYTHONPATH first: lint-imports must read the copy in cwd, not the installed minilr.
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def test_lint_imports_keeps_every_contract():
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("module, bad_import, contract", [
    ("functions", "from . import linear", "Every arrow points down"),
    ("linear", "from . import plotting", "Estimators never import plotting"),
    ("optim", "from . import objective", "The optimisers import no model"),
    ("metrics", "import sklearn", "No module imports scikit-learn"),
])
def test_a_deliberate_violation_breaks_its_contract(tmp_path, module, bad_import, contract):
    shutil.copytree(PACKAGE, tmp_path / "minilr", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    target = tmp_path / "minilr" / f"{module}.py"
    target.write_text(target.read_text() + f"\n{bad_import}\n")
    done = _lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout[-3000:]
    broken = [line for line in done.stdout.splitlines() if " BROKEN" in line]
    assert len(broken) >= 1 and any(contract in line for line in broken), done.stdout[-3000:]


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.+[\w.]*|minilr[\w.]*)[ \t]+import[ \t]+"
                          r"(\([^)]*\)|[^\n]*)", re.MULTILINE)


def _private_imports(text):
    """``(module, name)`` for each ``from .x import _name`` (dunders are not private)."""
    found = []
    for match in _FROM_IMPORT.finditer(text):
        for item in re.sub(r"#[^\n]*", "", match.group(2)).strip("()").split(","):
            imported = item.split()[0] if item.split() else ""
            if imported.startswith("_") and not imported.startswith("__"):
                found.append((match.group(1), imported))
    return found


def test_private_import_grep_finds_planted_imports():
    text = "from .losses import _a, b\nfrom ..x import (\n    c,\n    _d,  # why\n)\n" \
           "from ._version import __version__\nfrom .f import g as _g\n"
    assert _private_imports(text) == [(".losses", "_a"), ("..x", "_d")]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_is_imported_across_modules(name):
    assert _private_imports(MODULES[name].read_text()) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_at_most_450_lines(name):
    assert len(MODULES[name].read_text().splitlines()) <= MAX_LINES


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_docstring_says_in_one_sentence_what_it_owns(name):
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text()))
    assert doc, f"{name} has no docstring"
    first = doc.split("\n\n")[0].replace("\n", " ")
    assert first.endswith(".") and len(first) <= 160, first
