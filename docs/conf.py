"""Sphinx configuration of minilr's documentation site.

Built offline: MathJax is bundled, notebooks are rendered from their
committed outputs (never executed here), and the API pages are generated
from each documented module's ``__all__`` at every build, so a name added
to a module's ``__all__`` gets its page without touching ``docs/``.
"""

import filecmp
import importlib
import inspect
import pkgutil
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import minilr  # noqa: E402

project = "minilr"
copyright = "minilr developers"
release = version = minilr.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "sphinx_copybutton",
    "sphinx_design",
    "matplotlib.sphinxext.plot_directive",  # the user guide's small plots, drawn at build time
    "sphinx-mathjax-offline",  # copies MathJax 3 into _static/mathjax: no CDN
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# ---------------------------------------------------------------- API pages
# The modules of the API reference, in reading order, then every other public
# module of minilr with an ``__all__`` (a new module gets its page by itself).
# Each one's public names are its ``__all__``.
API_MODULES = [
    "minilr",
    "minilr.functions",
    "minilr.losses",
    "minilr.optim",
    "minilr.gradcheck",
    "minilr.linear",
    "minilr.multiclass",
    "minilr.neural_net",
    "minilr.metrics",
    "minilr.plotting",
    "minilr.datasets",
    "minilr.exercises",
    "minilr.exceptions",
    "minilr.persistence",
    "minilr.base",
]


def _other_public_modules():
    found = []
    for info in pkgutil.walk_packages(minilr.__path__, "minilr."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            if hasattr(importlib.import_module(info.name), "__all__"):
                found.append(info.name)
    return [name for name in found if name not in API_MODULES]


API_MODULES += _other_public_modules()

# The stubs of the module pages written below (listed, so that a module added
# since the last build gets its stubs in an incremental build too).
autosummary_generate = [f"api/{m}.rst" for m in API_MODULES]
autosummary_ignore_module_all = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"          # the numpydoc sections carry the types and shapes
numpydoc_show_class_members = False  # the class template lists the members itself
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Nitpicky for minilr's own names only: a broken :func:`minilr...` reference
# fails the build; names of NumPy, SciPy or the standard library are not
# resolved (no intersphinx: the build is offline).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(?!minilr\b).*"),
    # minilr.exercises is being reorganised: a module reference that moves with it
    # should not fail the build.
    (r"py:mod", r"minilr\.exercises\..*"),
]


def _kind(obj):
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        return "Exceptions"
    if inspect.isclass(obj):
        return "Classes"
    if callable(obj):
        return "Functions"
    return "Data"


def _home(module_name, name):
    """The module whose page documents ``name``: where it is defined, if that
    module has a page, else the first page (in ``API_MODULES`` order) listing it."""
    defined_in = getattr(getattr(importlib.import_module(module_name), name), "__module__", None)
    if defined_in in API_MODULES and name in importlib.import_module(defined_in).__all__:
        return defined_in
    for candidate in API_MODULES:
        if name in getattr(importlib.import_module(candidate), "__all__", ()):
            return candidate
    return module_name


def api_pages():
    """``{module: {name: home module}}`` for every documented public name."""
    return {m: {n: _home(m, n) for n in importlib.import_module(m).__all__} for m in API_MODULES}


def _write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _summary(obj):
    """The first paragraph of ``obj``'s own docstring (a constant has none)."""
    doc = inspect.getdoc(obj) or ""
    if not callable(obj) and doc == inspect.getdoc(type(obj)):
        return ""
    return doc.split("\n\n")[0]


def _module_page(module_name, homes):
    module = importlib.import_module(module_name)
    lines = [module_name, "=" * len(module_name), "",
             f".. automodule:: {module_name}", "   :no-members:", ""]
    sections = {}
    for name, home in homes.items():
        sections.setdefault(_kind(getattr(module, name)), []).append((name, home))
    for kind in ("Classes", "Functions", "Exceptions", "Data"):
        if kind not in sections:
            continue
        lines += [kind, "-" * len(kind), ""]
        own = [n for n, h in sections[kind] if h == module_name]
        elsewhere = [(n, h) for n, h in sections[kind] if h != module_name]
        if own:
            lines += [f".. currentmodule:: {module_name}", "",
                      ".. autosummary::", "   :toctree: generated/", "   :nosignatures:", ""]
            lines += [f"   {n}" for n in own] + [""]
        if elsewhere:  # documented on their own module's page: a table of links
            lines += [".. list-table::", "   :widths: 30 70", ""]
            for n, h in elsewhere:
                summary = _summary(getattr(module, n))
                lines += [f"   * - :obj:`~{h}.{n}`", f"     - {' '.join(summary.split())}"]
            lines += [""]
    return "\n".join(lines)


def write_api_pages():
    pages = api_pages()
    index = ["API reference", "=============", "",
             "Every public name of minilr, one page each, generated from the docstrings.",
             "Each page links to the lines of source that compute it (``[source]``).", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   {m}" for m in API_MODULES]
    _write_if_changed(DOCS / "api" / "index.rst", "\n".join(index) + "\n")
    for module_name, homes in pages.items():
        _write_if_changed(DOCS / "api" / f"{module_name}.rst", _module_page(module_name, homes))
    # Pages of names or modules that are gone would be orphans (a warning, so an error).
    stubs = {f"{h}.{n}" for homes in pages.values() for n, h in homes.items()}
    for stale in (DOCS / "api").glob("*.rst"):
        if stale.stem not in pages and stale.stem != "index":
            stale.unlink()
    for stale in (DOCS / "api" / "generated").glob("*.rst"):
        if stale.stem not in stubs:
            stale.unlink()


plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.dpi": 100}

# ----------------------------------------------------------------- notebooks
# The lessons and exercise sets are rendered from the committed notebooks in
# tutorials/, outputs included; they are copied here because Sphinx reads only
# its source folder. pytest executes them; the docs never do.
nb_execution_mode = "off"
nb_ipywidgets_js = {}            # no widget manager from a CDN
nb_output_stderr = "show"        # a warning a lesson shows on purpose is part of it
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3


def copy_notebooks():
    """Copy tutorials/*.ipynb to notebooks/ and the student versions of
    tutorials/exercises/**.ipynb to notebooks/exercises/ (the same layout, so links
    between notebooks hold), dropping copies whose source is gone."""
    tutorials = ROOT / "tutorials"
    wanted = {}
    for source in sorted(tutorials.glob("*.ipynb")):
        wanted[DOCS / "notebooks" / source.name] = source
    for source in sorted((tutorials / "exercises").rglob("*.ipynb")):
        # A set's solved master holds the solutions and the teacher's hidden tests:
        # the site shows the student version only.
        if ".ipynb_checkpoints" not in source.parts and not _is_solved(source):
            relative = source.relative_to(tutorials / "exercises")
            wanted[DOCS / "notebooks" / "exercises" / relative] = source
    for target, source in wanted.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or not filecmp.cmp(source, target, shallow=False):
            shutil.copyfile(source, target)
    for stale in (DOCS / "notebooks").rglob("*.ipynb"):
        if stale not in wanted:
            stale.unlink()


def _is_solved(path):
    return path.stem.lower().endswith("_solved")


write_api_pages()
copy_notebooks()


def _describe_data(app, what, name, obj, options, lines):
    """A module constant without a doc comment would show its type's docstring."""
    if what == "data" and lines and type(obj).__doc__ and lines[0] in type(obj).__doc__:
        value = repr(obj)
        if len(value) <= 80:
            lines[:] = [f"``{value}``", "", "See the module's description."]
        else:
            size = f" of {len(obj)} items" if hasattr(obj, "__len__") else ""
            lines[:] = [f"A ``{type(obj).__name__}``{size}; see the module's description."]


_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=[,\s]|$)")


def _quote_shapes(app, what, name, obj, options, lines):
    """``ndarray of shape (n_iter_,)`` reads as a link to a target ``n_iter`` in
    reStructuredText; quote the fitted-attribute names inside shapes."""
    for i, line in enumerate(lines):
        if "shape (" in line:
            lines[i] = re.sub(r"shape \(([^)]*)\)",
                              lambda m: "shape (" + _TRAILING_UNDERSCORE.sub(r"``\1``", m[1]) + ")",
                              line)


def _resolve_reexport(app, env, node, contnode):
    """``minilr.LogisticRegression`` is ``minilr.linear.LogisticRegression``:
    resolve a reference to a re-exported name to the page that documents it."""
    if node.get("refdomain") != "py" or not node["reftarget"].startswith("minilr."):
        return None
    parts = node["reftarget"].split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        break
    else:
        return None
    if obj is None:
        return None
    name = getattr(obj, "__qualname__", parts[-1])  # a constant has no qualified name
    domain = env.get_domain("py")
    for module_name in API_MODULES:
        target = f"{module_name}.{name}"
        if not hasattr(obj, "__qualname__") and \
                getattr(importlib.import_module(module_name), name, None) is not obj:
            continue
        if target != node["reftarget"] and target in domain.objects:
            return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                       target, node, contnode)
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _describe_data)
    app.connect("autodoc-process-docstring", _quote_shapes, priority=400)
    app.connect("missing-reference", _resolve_reexport)


# --------------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"minilr {release}"
html_static_path = ["_static"]
html_css_files = ["minilr.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
html_copy_source = False
