"""Reading a file like a notebook: the statements its functions need, never the script around them.

A student's ``.py`` file is often a script: it loads a data file, trains,
plots, prints. None of that is needed to grade its functions, and any of it
can fail on the grading machine. So a ``.py`` file is read the way a
notebook is, statement by statement (:func:`read_cells`), and only these
*chunks* are ever run, in the file's order:

- the imports (``from x import *`` included, and a ``try`` or ``if`` whose
  branches import or define something);
- the ``def``\\ s and ``class``\\ es, decorators included;
- the module-level constants they use (``input_layer_size = 400``), and the
  constants those use, found with :mod:`symtable` (a function's parameter
  ``X`` is not the script's ``X``); aliases such as ``sigmoid = expit``.

Never run: every other top-level statement, and the whole of
``if __name__ == "__main__":``. A statement that does not parse (a
Python 2 ``print "..."``) costs only itself: the source is cut at its
top-level statements (a line that starts at column 0; a cut inside an
unfinished bracket or string is merged with what follows, as
:mod:`codeop` tells), each piece is parsed alone, and a ``def`` that does
not parse is *broken*: its function is graded ``error`` with the line.
"""

import ast
import codeop
import re
import symtable
import warnings
from dataclasses import dataclass, field

__all__ = ["Reading", "read_cells"]

_CONTINUATION = re.compile(r"(else|elif|except|finally)\b")
_DEF = re.compile(r"(?:async\s+)?def\s+(\w+)\s*\(([^)]*)\)?")
_REPORTED = re.compile(r"(@|(async\s+)?def\b|class\b|import\b|from\b|try\b)")
_MAX_MERGED = 200  # pieces one statement may span (a long string with lines at column 0)


@dataclass
class Reading:
    """What :func:`read_cells` found in one file.

    Attributes
    ----------
    functions : dict
        Name -> ``(parameter names or None, number required, takes *args)``, in file order.
    calls : dict
        A function's name -> the module-level names it uses.
    chunks : list of (str, str, int)
        ``(label, source, first line)`` of each statement to run, in order.
    notes : list of str
        Statements that were kept but do not parse, with their line.
    broken : dict
        A function whose ``def`` does not parse -> the syntax error, with its line.

    Examples
    --------
    >>> from minilr.exercises.reading.chunks import read_cells
    >>> reading = read_cells([("", "import numpy as np\\nprint(np.pi)\\ndef f(z):\\n    return z\\n")])
    >>> [label for label, _, _ in reading.chunks], list(reading.functions)
    (['line 1', 'line 3'], ['f'])
    """

    functions: dict = field(default_factory=dict)
    calls: dict = field(default_factory=dict)
    chunks: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    broken: dict = field(default_factory=dict)


@dataclass
class _Stmt:
    node: ast.stmt
    text: str
    label: str
    line: int  # its first line, decorators included, in its file or cell


def _complete(text):
    """Whether ``text`` is an unfinished statement that the next lines may finish (:mod:`codeop`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return codeop.compile_command(text, "<chunk>", "exec") is not None
    except (SyntaxError, ValueError, OverflowError):
        return True  # an error, not an unfinished statement


def _parse(text, offset):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning: "is" with a literal, invalid escapes
        return ast.parse("\n" * offset + text).body


def _split(source):
    """``(statements, pieces that do not parse as (first line, text, SyntaxError))``, cut at column 0."""
    try:
        return _parse(source, 0), []
    except (SyntaxError, ValueError):
        pass
    lines = _lines(source)
    starts = [i for i, line in enumerate(lines) if line[:1] and not line[0].isspace()
              and line[0] not in "#)]}" and not _CONTINUATION.match(line)]
    bounds = sorted({0, *starts}) + [len(lines)]
    body, failed, i = [], [], 0
    while i < len(bounds) - 1:
        first_error, parsed = None, False
        for j in range(i, min(len(bounds) - 1, i + _MAX_MERGED)):
            text = "".join(lines[bounds[i]:bounds[j + 1]])
            try:
                body += _parse(text, bounds[i])
            except (SyntaxError, ValueError) as exc:
                first_error = first_error or exc
                if _complete(text):  # a real error: merging what follows will not mend it
                    break
                continue
            i, parsed = j + 1, True
            break
        if not parsed:
            failed.append((bounds[i] + 1, lines[bounds[i]], first_error))
            i += 1
    return body, failed


def _is_main_guard(node):
    test = node.test if isinstance(node, ast.If) else None
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = {ast.dump(test.left), ast.dump(test.comparators[0])}
    return sides == {ast.dump(ast.Name("__name__", ast.Load())), ast.dump(ast.Constant("__main__"))}


def _defines(node):
    """The defs and imports directly in a ``try``'s or an ``if``'s branches (what makes it worth keeping)."""
    branches = [node.body, node.orelse]
    if isinstance(node, ast.Try):
        branches += [h.body for h in node.handlers] + [node.finalbody]
    return [s for b in branches for s in b
            if isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def _params(node):
    a = node.args
    positional = [p.arg for p in [*a.posonlyargs, *a.args]]
    return tuple(positional), len(positional) - len(a.defaults), a.vararg is not None


def _globals(table, found):
    for symbol in table.get_symbols():
        if symbol.is_global() and (symbol.is_referenced() or symbol.is_declared_global()):
            found.add(symbol.get_name())
    for child in table.get_children():
        _globals(child, found)
    return found


def _module_names(text):
    """The module-level names a statement reads: its own, and those its functions and lambdas read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = symtable.symtable(text, "<chunk>", "exec")
    except (SyntaxError, ValueError):  # `nonlocal` with nothing to bind: it fails when run, and says so
        return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
    used = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    for child in table.get_children():
        _globals(child, used)
    return used


def _targets(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = set()
    for target in targets:
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                names.add(n.id)
            elif isinstance(n, (ast.Subscript, ast.Attribute)):  # `X[:, 0] = 1` changes X
                root = n
                while isinstance(root, (ast.Subscript, ast.Attribute)):
                    root = root.value
                if isinstance(root, ast.Name):
                    names.add(root.id)
    return names


def _root(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _lines(source):
    """The source's lines as the parser counts them (``str.splitlines`` also cuts at form feeds)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", source)


def _text(stmt, lines):
    """A top-level statement's source, decorators included (columns are UTF-8 byte offsets)."""
    first = min([d.lineno for d in getattr(stmt, "decorator_list", ())] + [stmt.lineno])
    start = 0 if first < stmt.lineno else stmt.col_offset
    if stmt.end_lineno == first:
        text = lines[first - 1].encode()[start:stmt.end_col_offset].decode()
    else:
        text = (lines[first - 1].encode()[start:].decode() + "".join(lines[first:stmt.end_lineno - 1])
                + lines[stmt.end_lineno - 1].encode()[:stmt.end_col_offset].decode())
    return text, first


def _statements(prefix, source, reading):
    """The cell's top-level statements as :class:`_Stmt`; what does not parse goes to ``reading``."""
    body, failed = _split(source)
    for line, text, exc in failed:
        match = _DEF.match(text)
        where = f"{prefix}line {exc.lineno or line}"
        if match:
            params = tuple(p.split("=")[0].split(":")[0].strip() for p in match[2].split(",") if p.strip())
            reading.functions.setdefault(match[1], (params, sum("=" not in p for p in match[2].split(",")
                                                                 if p.strip()), False))
            reading.broken.setdefault(match[1], (where, exc.msg))
        if _REPORTED.match(text):
            reading.notes.append(f"{where}: syntax error ({exc.msg}), skipped")
    lines = _lines(source)
    found = []
    for stmt in body:
        text, first = _text(stmt, lines)
        found.append(_Stmt(stmt, text, f"{prefix}line {first}", first))
    return found


def read_cells(cells):
    """Read a file's cells (a ``.py`` file is one cell) like a notebook; a :class:`Reading`.

    Parameters
    ----------
    cells : list of (str, str)
        ``(label prefix, source)``: ``("", text)`` for a ``.py`` file,
        ``("cell 3, ", text)`` for a notebook's code cells.

    Returns
    -------
    Reading

    Examples
    --------
    A script that loads a file and trains at the top level; a Python 2
    ``print`` inside a function costs only that function:

    >>> from minilr.exercises.reading.chunks import read_cells
    >>> source = '''import numpy as np
    ... input_layer_size = 400
    ... data = np.load("ex3data1.npz")
    ... def cost(theta, X, y):
    ...     return np.zeros(input_layer_size)
    ... def show(z):
    ...     print "z is", z
    ... theta = cost(np.zeros(3), data["X"], data["y"])
    ... '''
    >>> reading = read_cells([("", source)])
    >>> [label for label, _, _ in reading.chunks]
    ['line 1', 'line 2', 'line 4']
    >>> reading.broken
    {'show': ('line 7', "Missing parentheses in call to 'print'. Did you mean print(...)?")}
    """
    reading, statements = Reading(), []
    for prefix, source in cells:
        statements += _statements(prefix, source, reading)
    kept, constants, wanted, imported = [], [], set(), set()
    for s in statements:
        node = s.node
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kept.append(s)
            for alias in node.names:
                if alias.name != "*":
                    imported.add((alias.asname or alias.name).split(".")[0])
                if isinstance(node, ast.ImportFrom) and alias.name != "*":
                    # `from scipy.special import expit as sigmoid`: a function whose parameters are unknown
                    reading.functions.setdefault(alias.asname or alias.name, (None, 0, True))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
                isinstance(node, (ast.Try, ast.If)) and not _is_main_guard(node) and _defines(node)):
            kept.append(s)
            used = _module_names(s.text)
            wanted |= used
            defs = [node] if not isinstance(node, (ast.Try, ast.If)) else _defines(node)
            for d in defs:
                if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    reading.functions[d.name] = _params(d)
                    reading.calls[d.name] = used - {d.name}
                imported.add(getattr(d, "name", None))
        elif isinstance(node, (ast.Assign, ast.AugAssign)) or (isinstance(node, ast.AnnAssign) and node.value):
            constants.append(s)
    _keep_constants(constants, kept, wanted, imported, reading)
    order = {id(s): i for i, s in enumerate(statements)}
    kept.sort(key=lambda s: order[id(s)])
    reading.chunks = [(s.label, s.text, s.line) for s in kept]
    defined = {d.name for s in kept for d in ast.walk(s.node) if isinstance(d, (ast.FunctionDef, ast.AsyncFunctionDef))}
    reading.broken = {name: b for name, b in reading.broken.items() if name not in defined}
    return reading


def _keep_constants(constants, kept, wanted, imported, reading):
    """Add to ``kept`` the aliases of functions, and the constants that kept statements use (transitively)."""
    pending = []
    for s in constants:
        node, targets = s.node, _targets(s.node)
        value = node.value
        single = len(targets) == 1 and isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        if single and isinstance(value, ast.Lambda):
            reading.functions.setdefault(node.targets[0].id, _params(value))
            kept.append(s)
            wanted |= _module_names(s.text)
        elif single and isinstance(value, (ast.Name, ast.Attribute)) and _root(value) in imported:
            reading.functions.setdefault(node.targets[0].id, (None, 0, True))  # `sigmoid = expit`
            imported |= targets
            kept.append(s)
        else:
            pending.append((s, targets))
    changed = True
    while changed:
        changed = False
        for s, targets in list(pending):
            if targets & wanted:
                kept.append(s)
                wanted |= _module_names(s.text)
                pending.remove((s, targets))
                changed = True
