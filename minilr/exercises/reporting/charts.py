"""Inline SVG charts for the class report: drawn as markup, so the page needs no script and no network."""

import html

__all__ = ["bars_svg", "verdicts_svg", "histogram_svg", "COLOURS"]

COLOURS = {"pass": "#1a7f37", "fragile": "#b35900", "fail": "#cf222e", "error": "#57606a", "missing": "#afb8c1"}
_FONT = 'font-family="sans-serif" font-size="12"'


def _e(text):
    return html.escape(str(text), quote=True)


def bars_svg(items, *, width=560, label_width=210, colour="#cf222e", title="bars"):
    """Horizontal bars, one per ``(label, count, total, href)``; the bar's length is ``count / total``.

    Each bar links to ``href`` (a ``#fragment`` of the page) when it is not None.

    Examples
    --------
    >>> from minilr.exercises.reporting.charts import bars_svg
    >>> svg = bars_svg([("lam_over_m", 3, 10, "#m1"), ("sum_instead_of_mean", 1, 10, None)])
    >>> svg.count("<rect"), 'href="#m1"' in svg, "3 (30%)" in svg
    (2, True, True)
    """
    row, bar_width = 22, width - label_width - 90
    parts = [f'<svg class="chart" width="{width}" height="{row * len(items) + 6}" role="img" '
             f'aria-label="{_e(title)}">']
    for i, (label, count, total, href) in enumerate(items):
        y = 3 + i * row
        length = bar_width * count / total if total else 0
        bar = (f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 8}" '
               f'fill="{colour}"><title>{_e(label)}: {count} of {total}</title></rect>')
        if href:
            bar = f'<a href="{_e(href)}">{bar}</a>'
        parts.append(f'<text x="{label_width - 6}" y="{y + row - 8}" text-anchor="end" {_FONT}>{_e(label)}</text>'
                     f'{bar}<text x="{label_width + length + 6:.1f}" y="{y + row - 8}" {_FONT}>'
                     f'{count} ({count / total if total else 0:.0%})</text>')
    parts.append("</svg>")
    return "".join(parts)


def verdicts_svg(counts, *, width=560, label_width=210):
    """One stacked bar per exercise: how many pass, are fragile, fail, err and are missing.

    ``counts`` is ``{exercise: {verdict: n}}``.

    Examples
    --------
    >>> from minilr.exercises.reporting.charts import verdicts_svg
    >>> svg = verdicts_svg({"ex2:cost": {"pass": 3, "fail": 1}})
    >>> svg.count("<title>"), "ex2:cost" in svg  # a bar per verdict present
    (2, True)
    """
    row, bar_width = 24, width - label_width - 10
    legend = 20
    parts = [f'<svg class="chart" width="{width}" height="{legend + row * len(counts) + 6}" role="img" '
             f'aria-label="verdicts per exercise">']
    x = label_width
    for verdict, colour in COLOURS.items():
        parts.append(f'<rect x="{x}" y="3" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="12" {_FONT}>{verdict}</text>')
        x += 72
    for i, (exercise, by_verdict) in enumerate(counts.items()):
        y = legend + i * row
        total = sum(by_verdict.values())
        parts.append(f'<text x="{label_width - 6}" y="{y + row - 9}" text-anchor="end" {_FONT}>{_e(exercise)}</text>')
        x = float(label_width)
        for verdict, colour in COLOURS.items():
            n = by_verdict.get(verdict, 0)
            if not n:
                continue
            w = bar_width * n / total
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{colour}">'
                         f'<title>{_e(exercise)}: {n} {verdict}</title></rect>')
            if w > 18:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + row - 9}" text-anchor="middle" fill="white" '
                             f'{_FONT}>{n}</text>')
            x += w
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(points, max_points, *, width=280, height=110):
    """How many submissions got each number of points on an exercise (whole points, or 10 bins of a scale).

    Examples
    --------
    >>> from minilr.exercises.reporting.charts import histogram_svg
    >>> svg = histogram_svg([0.0, 5.0, 5.0, 5.0], 5.0)
    >>> svg.count("<rect") >= 2, ">3<" in svg
    (True, True)
    """
    if max_points <= 0:
        return ""
    whole = max_points <= 10 and all(float(p).is_integer() for p in points)
    edges = [float(k) for k in range(int(max_points) + 1)] if whole else [max_points * k / 10 for k in range(11)]
    counts = [0] * len(edges)
    for p in points:  # each point goes to the last edge not above it
        counts[max(i for i, e in enumerate(edges) if e <= p + 1e-9)] += 1
    top, base, n = max(counts) or 1, height - 18, len(edges)
    step = (width - 10) / n
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="points distribution" '
             f'><line x1="4" y1="{base}" x2="{width - 4}" y2="{base}" '
             'stroke="#8c959f"/>']
    for i, (edge, c) in enumerate(zip(edges, counts)):
        x, h = 6 + i * step, (base - 16) * c / top
        parts.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step - 3:.1f}" height="{h:.1f}" fill="#0969da">'
                     f'<title>{c} with {edge:g} points</title></rect>'
                     f'<text x="{x + step / 2 - 1.5:.1f}" y="{height - 4}" text-anchor="middle" '
                     f'font-family="sans-serif" font-size="10">{edge:g}</text>')
        if c:
            parts.append(f'<text x="{x + step / 2 - 1.5:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                         f'font-family="sans-serif" font-size="10">{c}</text>')
    parts.append("</svg>")
    return "".join(parts)
