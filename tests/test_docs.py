"""The documentation site: built with warnings as errors, complete, offline, and readable.

The site is built once per session into a temporary folder, with the README's command
(``sphinx-build -W -b html docs ...``). The tests then read the HTML: a page for every
public name, every lesson and every exercise set; every lesson figure shown; nothing
loaded from the network; every internal link resolved. The browser tests open pages in
headless Chromium (installed by ``.ci/run``; set ``MINILR_DOCS_SCREENSHOTS=DIR`` to keep
the screenshots) and check that the math is typeset, the figures are loaded and the page
asks the network for nothing.

The last tests show that ``pytest`` collects the docstring examples of ``minilr/``
(``--doctest-modules`` in ``setup.cfg``): a broken example fails the run.
"""

import base64
import hashlib
import html
import importlib
import inspect
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import textwrap
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"

# The modules whose public names (``__all__``) the API reference must document.
API_MODULES = ["minilr", "minilr.functions", "minilr.losses", "minilr.optim",
               "minilr.gradcheck", "minilr.linear", "minilr.multiclass", "minilr.neural_net",
               "minilr.metrics", "minilr.plotting", "minilr.datasets", "minilr.exercises",
               "minilr.exceptions"]

LESSONS = sorted(TUTORIALS.glob("*.ipynb"))
EXERCISE_NOTEBOOKS = sorted(p for p in (TUTORIALS / "exercises").rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
# A set is its student version; its solved master (solutions, hidden tests) is not published.
SOLVED_MASTERS = [p for p in EXERCISE_NOTEBOOKS if p.stem.lower().endswith("_solved")]
EXERCISE_SETS = [p for p in EXERCISE_NOTEBOOKS if p not in SOLVED_MASTERS]


# --------------------------------------------------------------------------- the build
@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site's folder; the build fails the tests if Sphinx warns at all."""
    out = tmp_path_factory.mktemp("docs")
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert build.returncode == 0, f"sphinx-build -W failed:\n{build.stderr[-5000:]}"
    return out / "html"


class _Page(HTMLParser):
    """Collects a page's ids, its references (tag, attribute, value) and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs, self.images, self.styles = set(), [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        for attr in ("href", "src"):
            if attrs.get(attr):
                self.refs.append((tag, attrs.get("rel", ""), attrs[attr]))
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="session")
def pages(site):
    """Every HTML page (``_static/`` holds the theme's assets, not pages)."""
    return {path: _parse(path) for path in sorted(site.rglob("*.html"))
            if "_static" not in path.relative_to(site).parts}


# ------------------------------------------------------------------ what the site holds
def _documented(module_name):
    module = importlib.import_module(module_name)
    return [(name, getattr(module, name)) for name in module.__all__]


def _public_modules():
    """minilr and every module of it without a leading underscore that has an ``__all__``."""
    import minilr

    names = ["minilr"] + [info.name for info in pkgutil.walk_packages(minilr.__path__, "minilr.")
                          if not any(p.startswith("_") for p in info.name.split("."))]
    return [n for n in names if hasattr(importlib.import_module(n), "__all__")]


@pytest.mark.parametrize("module_name", API_MODULES)
def test_every_public_name_has_its_own_api_page(site, module_name):
    """Each name of ``__all__`` has a page, under the module that defines it or this one."""
    missing = []
    for name, obj in _documented(module_name):
        homes = [m for m in _public_modules()
                 if getattr(importlib.import_module(m), name, None) is obj
                 and name in importlib.import_module(m).__all__]
        found = [site / "api" / "generated" / f"{home}.{name}.html" for home in homes]
        found = [page for page in found if page.exists()]
        if not found or f'id="{found[0].stem}"' not in found[0].read_text(encoding="utf-8"):
            missing.append(name)
    assert not missing, f"{module_name}: no API page documents {missing}"
    assert (site / "api" / f"{module_name}.html").exists()


def test_api_pages_render_the_math_blocks_and_link_to_the_source(site):
    page = (site / "api" / "generated" / "minilr.functions.sigmoid.html").read_text("utf-8")
    assert 'class="math notranslate nohighlight"' in page and r"\sigma(z)" in page
    source = re.search(r'href="([^"]*_modules/minilr/functions\.html)#sigmoid"', page)
    assert source, "no [source] link from the sigmoid page"
    code = (site / "api" / "generated" / source[1]).resolve().read_text("utf-8")
    assert 'id="sigmoid"' in code and "_as_float_array" in code


def _first_heading(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


@pytest.mark.parametrize("notebook_path", LESSONS + EXERCISE_SETS,
                         ids=lambda p: str(p.relative_to(TUTORIALS)))
def test_every_lesson_and_exercise_set_has_a_page_with_its_title(site, notebook_path):
    if notebook_path.parent == TUTORIALS:
        page = site / "notebooks" / f"{notebook_path.stem}.html"
    else:
        relative = notebook_path.relative_to(TUTORIALS / "exercises").with_suffix(".html")
        page = site / "notebooks" / "exercises" / relative
    assert page.exists(), f"no page for {notebook_path.name}"
    title = _first_heading(nbformat.read(notebook_path, as_version=4))
    if title is not None:
        words = re.findall(r"[A-Za-z0-9]+", title)[:4]
        text = " ".join(re.findall(r"[A-Za-z0-9]+", _text_of(page)))
        assert " ".join(words) in text, f"{page.name} lacks the notebook's title {title!r}"


def test_every_exercise_set_is_published_as_its_student_version_only(site):
    assert SOLVED_MASTERS, "no solved master notebook found in tutorials/exercises/"
    for master in SOLVED_MASTERS:
        relative = master.relative_to(TUTORIALS / "exercises")
        student = relative.with_name(relative.stem[: -len("_solved")] + ".html")
        assert (site / "notebooks" / "exercises" / student).exists(), student
        assert not (site / "notebooks" / "exercises" / relative.with_suffix(".html")).exists()
    leaked = [p.name for p in (site / "notebooks").rglob("*.html")
              if "BEGIN HIDDEN TESTS" in p.read_text("utf-8")]
    assert not leaked, f"hidden tests published in {leaked}"


def _text_of(page):
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def _figures(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    return [base64.b64decode(output["data"]["image/png"])
            for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_figure_is_an_image_of_its_page(site, pages, lesson):
    page_path = site / "notebooks" / f"{lesson.stem}.html"
    shown = set()
    for src in pages[page_path].images:
        image = (page_path.parent / unquote(urlsplit(src).path)).resolve()
        if image.exists():
            shown.add(hashlib.sha256(image.read_bytes()).hexdigest())
    figures = [hashlib.sha256(png).hexdigest() for png in _figures(lesson)]
    missing = [i for i, digest in enumerate(figures) if digest not in shown]
    assert not missing, f"{lesson.name}: figures {missing} (0-based) are not on its page"


def test_lesson_6_page_shows_its_slider_figure_and_the_static_small_multiples(site, pages):
    """The site has no kernel to move lesson 6's slider: its page shows the figure as drawn, and the
    five boundaries (λ = 0, 0.1, 1, 10, 100) side by side."""
    lesson = TUTORIALS / "06_regularisation.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    wanted = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain", "")
            if "image/png" in output.get("data", {}) and ("with 5 Axes" in plain or "explorer.show()" in cell.source):
                wanted[plain] = hashlib.sha256(base64.b64decode(output["data"]["image/png"])).hexdigest()
    assert len(wanted) == 2, list(wanted)
    page_path = site / "notebooks" / "06_regularisation.html"
    shown = {hashlib.sha256((page_path.parent / unquote(urlsplit(src).path)).resolve().read_bytes()).hexdigest()
             for src in pages[page_path].images if (page_path.parent / unquote(urlsplit(src).path)).exists()}
    assert set(wanted.values()) <= shown
    assert (site / "notebooks" / "exercises" / "06_regularisation_exercises.html").exists()


def test_the_lessons_figures_are_counted_from_real_outputs():
    """The figure test above compares against at least the lessons' known figures."""
    assert sum(len(_figures(p)) for p in LESSONS) >= 10


def test_the_benchmarks_page_shows_the_readme_table(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if re.match(r"\| \d+b? \|", line)]
    assert len(rows) >= 8
    text = _text_of(site / "benchmarks.html")
    for row in rows:
        first_cell = row.split("|")[2].strip().replace("`", "")
        assert first_cell[:25] in text.replace("&lt;", "<").replace("&gt;", ">"), first_cell


# ---------------------------------------------------------------------------- offline
_REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(r"""(url\(\s*["']?|@import\s+["'])(https?:)?//""", re.IGNORECASE)


def test_no_page_loads_a_remote_script_stylesheet_or_font(pages):
    remote = []
    for path, page in pages.items():
        for tag, rel, value in page.refs:
            if tag == "a":
                continue  # a hyperlink is followed only when clicked
            if _REMOTE.match(value):
                remote.append(f"{path.name}: <{tag} rel={rel!r}> {value}")
        remote += [f"{path.name}: <style> {m[0]}" for css in page.styles
                   for m in _CSS_REMOTE.finditer(css)]
    assert not remote, "\n".join(remote[:20])


def test_no_bundled_stylesheet_imports_a_remote_file(site):
    found = [f"{css.relative_to(site)}: {m[0]}" for css in site.rglob("*.css")
             for m in _CSS_REMOTE.finditer(css.read_text(encoding="utf-8", errors="replace"))]
    assert not found, "\n".join(found)


def test_math_is_typeset_by_the_bundled_mathjax(site, pages):
    page = site / "guide" / "cost.html"
    scripts = [v for tag, _, v in pages[page].refs if tag == "script" and "mathjax" in v.lower()]
    assert scripts, "the page with math loads no MathJax"
    for src in scripts:
        assert (page.parent / src).resolve().is_file(), src
    fonts = site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), "MathJax's fonts are not bundled"


def test_every_internal_link_and_anchor_resolves(site, pages):
    broken = []
    for path, page in pages.items():
        for tag, _, value in page.refs:
            if _REMOTE.match(value) or value.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(value)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {value}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {value} (no such anchor)")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:30])


# ----------------------------------------------------------------------- in a browser
def _chromium():
    return next((c for c in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(c)), None)


# A probe appended to a copy of the page: once the page (images included) has loaded
# and MathJax has typeset, it records what the reader sees in the DOM.
_PROBE = """
<script>
window.addEventListener("load", function () {
  function report() {
    var imgs = Array.from(document.querySelectorAll("article img"));
    var maths = Array.from(document.querySelectorAll(".math"));
    var body = document.body;
    body.setAttribute("data-images", imgs.length);
    body.setAttribute("data-images-loaded", imgs.filter(function (i) {
      return i.complete && i.naturalWidth > 0; }).length);
    body.setAttribute("data-math", maths.length);
    body.setAttribute("data-math-typeset", maths.filter(function (m) {
      return m.querySelector("mjx-container") !== null; }).length);
    body.setAttribute("data-probe", "done");
  }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(report, report);
  } else { report(); }
});
</script>
"""

BROWSER_PAGES = {
    "index": "index.html",
    "logistic_regression": "api/generated/minilr.linear.LogisticRegression.html",
    "guide_cost": "guide/cost.html",
    "lesson_1": "notebooks/01_logistic_regression_from_scratch.html",
}


def _run_chromium(browser, profile, *args):
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
         "--window-size=1280,3600", "--virtual-time-budget=20000", *args],
        capture_output=True, text=True, timeout=120,
    )


def _requests_made_by_the_page(net_log):
    """http(s) requests in Chromium's network log started by the page itself (the browser's
    own background requests have no initiating origin; a file:// page's is "null")."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted({event["params"]["url"] for event in log["events"]
                   if event["type"] == start
                   and _REMOTE.match(event["params"].get("url", ""))
                   and event["params"].get("initiator") != "not an origin"})


class _Visible(HTMLParser):
    """The text a reader sees: outside scripts, styles, code and typeset math."""

    HIDDEN = {"script", "style", "pre", "code", "mjx-container", "textarea", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


@pytest.fixture(scope="session")
def browser():
    found = _chromium()
    if found is None:
        pytest.skip("Chromium is not installed (.ci/run installs it: apt-get install chromium)")
    return found


@pytest.mark.parametrize("name", BROWSER_PAGES)
def test_pages_in_headless_chromium_show_typeset_math_and_loaded_figures(site, browser, name,
                                                                        tmp_path):
    page = site / BROWSER_PAGES[name]
    probe = page.with_name(f"_probe_{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
                     encoding="utf-8")
    net_log = tmp_path / "net.json"
    dom = _run_chromium(browser, tmp_path / "profile", f"--log-net-log={net_log}",
                        "--dump-dom", probe.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    remote = _requests_made_by_the_page(net_log)
    assert not remote, f"{name} asked the network for {remote}"
    body = re.search(r"<body([^>]*)>", dom.stdout)
    attributes = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', body[1] if body else ""))
    assert attributes.get("probe") == "done", "the page never finished loading"
    math, typeset = int(attributes["math"]), int(attributes["math-typeset"])
    images, loaded = int(attributes["images"]), int(attributes["images-loaded"])
    if name in ("logistic_regression", "guide_cost", "lesson_1"):
        assert math > 0, f"{name} was expected to hold math"
    assert typeset == math, f"{name}: {typeset} of {math} formulas typeset by MathJax"
    if name == "lesson_1":
        assert images >= len(_figures(LESSONS[0])) > 0
    assert loaded == images, f"{name}: {loaded} of {images} images loaded"
    visible = _Visible()
    visible.feed(dom.stdout)
    raw = [s for s in ("$$", r"\frac", r"\sum", r"\sigma", r"\(", r"\[", r"\lambda")
           if s in "".join(visible.text)]
    assert not raw, f"{name}: raw TeX {raw} visible"

    shots = Path(os.environ.get("MINILR_DOCS_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    shot = _run_chromium(browser, tmp_path / "profile", f"--screenshot={shots / name}.png",
                         page.as_uri())
    assert shot.returncode == 0 and (shots / f"{name}.png").stat().st_size > 10_000
    probe.unlink()


# ------------------------------------------------------------------------- doctests
def _pytest_in_a_copy_of_the_project_config(tmp_path, example):
    """Run ``pytest`` with the project's own [tool:pytest] section on a probe module."""
    for name in ("setup.cfg", "pyproject.toml", "pytest.ini", "tox.ini"):  # wherever it is
        if (ROOT / name).exists():
            shutil.copyfile(ROOT / name, tmp_path / name)
    for folder in ("tests", "tutorials", "minilr"):
        (tmp_path / folder).mkdir()
    # a lesson as a script: the doctest collection must not import (run) it
    (tmp_path / "tutorials" / "lesson_script.py").write_text("raise SystemExit('ran')\n")
    (tmp_path / "minilr" / "probe_example.py").write_text(textwrap.dedent(f'''
        def double(x):
            """Twice ``x``.

            Examples
            --------
            >>> double(2)
            {example}
            """
            return 2 * x
    '''))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


def test_the_test_command_collects_and_passes_a_right_docstring_example(tmp_path):
    run = _pytest_in_a_copy_of_the_project_config(tmp_path, "4")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "1 passed" in run.stdout


def test_the_test_command_fails_on_a_broken_docstring_example(tmp_path):
    run = _pytest_in_a_copy_of_the_project_config(tmp_path, "5")
    assert run.returncode == 1, run.stdout[-3000:]
    assert "probe_example.double" in run.stdout and "Expected:" in run.stdout


def _without_examples(module):
    """The functions and classes of ``module.__all__`` whose docstring has no ``>>>``."""
    return [name for name in module.__all__
            if (inspect.isfunction(obj := getattr(module, name)) or inspect.isclass(obj))
            and ">>>" not in (obj.__doc__ or "")]


def test_the_examples_cover_every_public_function_and_class_of_every_public_module():
    """Every function, estimator and exception of a public module shows an example.

    The coursework checkers of ``minilr.exercises`` included: a teacher reads them too.
    """
    modules = _public_modules()
    assert {"minilr", "minilr.linear", "minilr.optim", "minilr.exercises",
            "minilr.exercises.batch", "minilr.exercises.judging.runner"} <= set(modules)
    missing = [f"{m}.{name}" for m in modules
               for name in _without_examples(importlib.import_module(m))]
    assert not missing, f"no Examples section: {missing}"


def test_the_examples_rule_flags_a_function_or_class_without_one():
    module = types.ModuleType("probe")

    def shown():
        """Twice one.

        >>> 2 * 1
        2
        """

    def bare():
        """No example."""

    class Bare:
        """No example either."""

    module.shown, module.bare, module.Bare, module.CONSTANT = shown, bare, Bare, 1
    module.__all__ = ["shown", "bare", "Bare", "CONSTANT"]
    assert _without_examples(module) == ["bare", "Bare"]
