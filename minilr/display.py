"""What Jupyter shows for minilr's objects: small HTML views, escaped, with no JavaScript.

An estimator shows its parameters (those that differ from the default highlighted)
and, once fitted, its classes, sizes, iterations, convergence, final cost, a small
SVG of ``history_`` and its largest coefficients; a checker result shows a verdict
badge, the diagnosis and the failing case. The text ``repr`` of every object stays
as it is: these views are only what a notebook renders instead.
"""

import html
import inspect

import numpy as np

__all__ = ["sparkline_svg", "estimator_html", "check_result_html", "check_results_html",
           "records_html"]

# One small style sheet per view, scoped to its class; a notebook's theme supplies the rest.
_STYLE = ("<style>.minilr-view{font-family:sans-serif;font-size:12px;line-height:1.4;"
          "max-width:42em}.minilr-view table{border-collapse:collapse;margin:4px 0}"
          ".minilr-view td,.minilr-view th{padding:1px 8px;text-align:left;"
          "border-bottom:1px solid #ddd}.minilr-view .changed{background:#fff3c4;"
          "font-weight:bold}</style>")
_OPEN = _STYLE + '<div class="minilr-view">'
_BADGES = {"pass": "#1a7f37", "fragile": "#b35900", "fail": "#cf222e", "error": "#6e7781",
           "missing": "#6e7781"}
_TOP = 5  # coefficients, classes and results beyond this are summarised, never listed


def _e(value):
    """Escaped text of any value: feature names and students' names come from users."""
    return html.escape(str(value), quote=True)


def _table(rows, header=None):
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def sparkline_svg(values, width=160, height=36):
    """A small inline SVG line of ``values`` (e.g. a cost history), or ``""`` if empty.

    Parameters
    ----------
    values : array-like of shape (k,)
        Non-finite values are left out.
    width, height : int
        Size in pixels.

    Returns
    -------
    str
        One ``<svg>`` element with one ``<polyline>``: no script, no external reference.

    Examples
    --------
    >>> from minilr.display import sparkline_svg
    >>> svg = sparkline_svg([0.69, 0.5, 0.42, 0.4])
    >>> svg.startswith("<svg") and svg.count("<polyline") == 1
    True
    >>> sparkline_svg([])
    ''
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    x = np.flatnonzero(np.isfinite(v))
    if x.size == 0:
        return ""
    v = v[x]
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else 1.0
    # At most ~width points: a 20000-epoch history would otherwise make a 400 kB picture.
    keep = np.unique(np.linspace(0, x.size - 1, min(x.size, width)).astype(int))
    px = 1 + (width - 2) * (x[keep] - x[0]) / max(x[-1] - x[0], 1)
    py = 1 + (height - 2) * (hi - v[keep]) / span
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py))
    return (f'<svg width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="cost per iteration">'
            f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{points}"/>'
            "</svg>")


def _same(a, b):
    try:
        return bool(a is b or a == b) and type(a) is type(b)
    except (ValueError, TypeError):
        return False


def _parameters(estimator):
    """Rows (name, value) of the constructor parameters; changed ones highlighted."""
    defaults = {p.name: p.default
                for p in inspect.signature(type(estimator).__init__).parameters.values()}
    rows = []
    for name, value in sorted(estimator.get_params(deep=False).items()):
        changed = not _same(value, defaults.get(name, inspect.Parameter.empty))
        style = ' class="changed"' if changed else ""
        rows.append((f"<span{style}>{_e(name)}</span>", f"<span{style}>{_e(repr(value))}</span>"))
    return rows


def _fitted(estimator):
    """Rows for what ``fit`` learned: classes, sizes, iterations, convergence, final cost."""
    rows = []
    classes = getattr(estimator, "classes_", None)
    if classes is not None:
        shown = ", ".join(_e(c) for c in classes[:2 * _TOP])
        more = f" … ({len(classes)} in all)" if len(classes) > 2 * _TOP else ""
        rows.append(("classes_", shown + more))
    for name in ("n_features_in_", "n_iter_", "converged_", "grad_norm_"):
        if hasattr(estimator, name):
            rows.append((name, _e(getattr(estimator, name))))
    history = getattr(estimator, "history_", None)
    if history is not None and len(history):
        rows.append(("final cost", f"{float(history[-1]):.6g}"))
        rows.append(("history_", sparkline_svg(history)))
    sizes = [np.shape(c) for c in getattr(estimator, "coefs_", ())]
    if sizes:
        layers = [sizes[0][0]] + [s[1] for s in sizes]
        rows.append(("layers", "-".join(str(n) for n in layers)))
    return rows


def _coefficients(estimator):
    """The largest coefficients by magnitude, with feature names when fit saw a data frame."""
    try:
        coef = np.atleast_2d(np.asarray(estimator.coef_, dtype=np.float64))
    except (AttributeError, TypeError, ValueError):
        return ""
    n = coef.shape[1]
    names = getattr(estimator, "feature_names_in_", None)
    names = [str(s) for s in names] if names is not None else [f"x{j}" for j in range(n)]
    top = np.argsort(-np.max(np.abs(coef), axis=0), kind="stable")[:_TOP]
    classes = getattr(estimator, "classes_", np.arange(coef.shape[0]))
    labels = [classes[-1]] if coef.shape[0] == 1 else list(classes[: coef.shape[0]])
    cols = min(len(labels), _TOP)
    header = ["feature", *(f"class {c}" for c in labels[:cols])]
    if len(labels) > cols:
        header.append("…")
    rows = []
    for j in top:
        row = [_e(names[j]), *(f"{coef[k, j]:.4g}" for k in range(cols))]
        rows.append(row + (["…"] if len(labels) > cols else []))
    note = f"the {len(top)} largest of {n} coefficients by magnitude" if n > len(top) else "coef_"
    return f"<div>{_e(note)}</div>" + _table(rows, header)


def estimator_html(estimator):
    """The HTML a notebook shows for a minilr estimator.

    Parameters
    ----------
    estimator : minilr estimator

    Returns
    -------
    str
        A ``<div>``: the class name, a parameter table (changed values highlighted)
        and, when fitted, what the fit learned; all user text escaped.

    Examples
    --------
    >>> from minilr import LogisticRegression
    >>> from minilr.display import estimator_html
    >>> html = estimator_html(LogisticRegression(lam=0.5))
    >>> "<b>LogisticRegression</b>" in html, "not fitted" in html
    (True, True)
    """
    name = _e(type(estimator).__name__)
    fitted = hasattr(estimator, "n_features_in_")
    state = "fitted" if fitted else "not fitted"
    parts = [f'{_OPEN}<b>{name}</b> <span style="color:#6e7781">({state})</span>',
             _table(_parameters(estimator))]
    if fitted:
        parts.append(_table(_fitted(estimator)))
        parts.append(_coefficients(estimator))
    parts.append("</div>")
    return "".join(parts)


def _verdict(result):
    if result.passed:
        return "pass"
    return "fragile" if getattr(result, "fragile", False) else "fail"


def _badge(verdict):
    return (f'<span style="background:{_BADGES[verdict]}; color:white; padding:1px 6px; '
            f'border-radius:3px; font-weight:bold">{verdict.upper()}</span>')


def _diagnosis_items(result):
    """One ``<li>`` per diagnosis line, its mistake key in ``code``; the case named by the line itself."""
    keys = set(result.mistakes)
    items = []
    for line in result.diagnosis.splitlines():
        key, sep, rest = line.partition(": ")
        if sep and key in keys:
            items.append(f"<li><code>{_e(key)}</code>: {_e(rest)}</li>")
        elif line.strip():
            items.append(f"<li>{_e(line)}</li>")
    named = {line.partition(": ")[0] for line in result.diagnosis.splitlines()}
    items += [f"<li><code>{_e(k)}</code></li>" for k in result.mistakes if k not in named]
    return items


def check_result_html(result):
    """The HTML a notebook shows for a :class:`~minilr.exercises.CheckResult`.

    A verdict badge and the exercise (with how a fragile answer is scored, as
    the text says it), then one line per diagnosis, its mistake key in ``code``,
    and the case that disagreed most, named once.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from minilr.display import check_result_html
    >>> result = SimpleNamespace(exercise="sigmoid", passed=False, mistakes=("overflow",),
    ...                          diagnosis="exp(-z) overflows.", worst_case="z = -1000")
    >>> html = check_result_html(result)
    >>> "FAIL" in html, "<code>overflow</code>" in html, html.count("z = -1000")
    (True, True, 1)
    """
    verdict = _verdict(result)
    scored = getattr(result, "scored", "") or ""
    lines = [f"{_OPEN}{_badge(verdict)} <b>{_e(result.exercise)}</b>"
             + (f" <i>({_e(scored)})</i>" if scored else "")]
    if result.passed:
        lines.append(f"<div>{_e(result.diagnosis)}</div>")
    else:
        lines.append(f"<ul>{''.join(_diagnosis_items(result))}</ul>")
        if result.worst_case and f"case '{result.worst_case}'" not in result.diagnosis:
            lines.append(f"<div>case: <i>{_e(result.worst_case)}</i></div>")
    lines.append("</div>")
    return "".join(lines)


def check_results_html(results):
    """One table for several check results: exercise, verdict badge, mistake keys.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from minilr.display import check_results_html
    >>> passed = SimpleNamespace(exercise="sigmoid", passed=True, mistakes=())
    >>> failed = SimpleNamespace(exercise="cost", passed=False, mistakes=("log of 0",))
    >>> html = check_results_html([passed, failed])
    >>> "1 of 2 passed" in html, "<code>log of 0</code>" in html
    (True, True)
    """
    rows = [(f"<b>{_e(r.exercise)}</b>", _badge(_verdict(r)),
             ", ".join(f"<code>{_e(k)}</code>" for k in r.mistakes)) for r in results]
    passed = sum(_verdict(r) == "pass" for r in results)
    return (f"{_OPEN}{passed} of {len(rows)} passed"
            f'{_table(rows, ("exercise", "verdict", "mistakes"))}</div>')


def records_html(records, most=50):
    """A graded class as one table: per submission its points and a badge per verdict.

    Parameters
    ----------
    records : list of dict
        The class grader's records (``submission``, ``verdict``, ``points``, ``max_points``).
    most : int, default=50
        Submissions listed at the most; the rest are counted below the table.

    Examples
    --------
    >>> from minilr.display import records_html
    >>> records = [{"submission": "ada", "verdict": "pass", "points": 2, "max_points": 2},
    ...            {"submission": "ada", "verdict": "fail", "points": 0, "max_points": 3},
    ...            {"submission": "bob", "verdict": "pass", "points": 3, "max_points": 3}]
    >>> html = records_html(records)
    >>> "<b>2 submissions</b>" in html, "2/5" in html
    (True, True)
    >>> records_html(records, most=1).count("1 more submissions")
    1
    """
    by_submission = {}
    for r in records:
        by_submission.setdefault(r["submission"], []).append(r)
    rows = []
    for name, rs in list(by_submission.items())[:most]:
        points = sum(r["points"] for r in rs)
        total = sum(r["max_points"] for r in rs)
        counts = {}
        for r in rs:
            counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        badges = " ".join(f"{_badge(v)}&nbsp;{n}" for v, n in counts.items() if v in _BADGES)
        rows.append((_e(name), f"{points:g}/{total:g}", badges))
    more = len(by_submission) - len(rows)
    note = f"<div>… and {more} more submissions</div>" if more > 0 else ""
    return (f"{_OPEN}<b>{len(by_submission)} submissions</b>"
            f"{_table(rows, ('submission', 'points', 'verdicts'))}{note}</div>")

