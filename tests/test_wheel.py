"""minilr as a course installs it: built into a wheel, installed into a fresh virtual environment.

``python -m build`` makes the sdist and, from it, the wheel (so the sdist is shown to hold
all the wheel needs). The wheel goes into a new environment in a temporary folder outside
the repository, with no access to the packages of the environment running the tests: pip
installs exactly the wheel's own ``install_requires`` (from its cache when it has them). The
commands then run from a working directory that is neither the repository nor tutorials/,
with ``MINILR_DATA_DIR`` unset, so the data can only come from inside the installed package.
"""

import ast
import configparser
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import minilr
from minilr.datasets import BREAST_CANCER_FILE, DIGITS_FILE

REPO = Path(__file__).resolve().parent.parent
DATA_FILES = (BREAST_CANCER_FILE, DIGITS_FILE)
LEFTOVERS = (".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".pytest_cache",
             ".hypothesis", ".ipynb_checkpoints", "minilr-demo", "dask-*-space")

# Reads both data sets and reports where they came from, as one line of Python literals.
LOADERS = """
import sysconfig
import minilr, numpy as np
from minilr.datasets import data_dir, load_breast_cancer_wisconsin, load_digits_20x20
X, y, names = load_breast_cancer_wisconsin()
D, d = load_digits_20x20()
print(repr((minilr.__file__, str(data_dir()), X.shape, int(y.sum()), int(np.isnan(X).sum()),
            D.shape, np.bincount(d).tolist(), sysconfig.get_paths()["purelib"])))
"""

# A student's file with a correct sigmoid (computed from log-sigmoid: no overflow for any z).
STUDENT = """import numpy as np


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
"""


def _run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """(sdist, wheel) built by ``python -m build`` from the repository."""
    # From a copy without the checkout's build leftovers: setuptools would reuse a stale
    # minilr.egg-info/SOURCES.txt (an editable install writes one) and hide a missing rule.
    source = tmp_path_factory.mktemp("source") / "minilr"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*LEFTOVERS))
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)])
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(out.iterdir())
    return sdists[0], wheels[0]


@pytest.fixture(scope="module")
def student_env(tmp_path_factory, dists):
    """A fresh virtual environment with the wheel installed, and an environment for its commands."""
    home = tmp_path_factory.mktemp("student")
    assert REPO not in home.parents  # outside the repository
    venv.create(home / "venv", with_pip=False)  # the running pip installs into it (--python)
    python = home / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items()
           if k not in {"MINILR_DATA_DIR", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # --no-compile: byte-compiling all of numpy, scipy and matplotlib would double the install
    # time; the modules the commands import are compiled when they are imported.
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-compile", str(dists[1])], env=env)
    cwd = home / "work"  # neither the repository nor tutorials/
    cwd.mkdir()
    return python, env, cwd


def test_wheel_holds_the_package_and_its_data_and_no_tests_notebooks_or_benchmarks(dists):
    with zipfile.ZipFile(dists[1]) as wheel:
        sizes = {info.filename: info.file_size for info in wheel.infolist()}
    names = set(sizes)
    package = {n for n in names if not n.startswith(f"minilr-{minilr.__version__}.dist-info/")}
    assert all(n.startswith("minilr/") for n in package), sorted(package)
    for name in DATA_FILES:
        assert sizes[f"minilr/data/{name}"] == (REPO / "minilr" / "data" / name).stat().st_size
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "minilr").rglob("*.py")}
    assert {n for n in package if n.endswith(".py")} == modules
    assert package == modules | {f"minilr/data/{name}" for name in DATA_FILES}
    # The code's licence and the data's provenance (its licences ask for it) travel along.
    info = [n for n in names if n.startswith(f"minilr-{minilr.__version__}.dist-info/")]
    assert any(n.endswith("/LICENSE") for n in info) and any(n.endswith("README.md") for n in info)
    unwanted = [n for n in names if n.endswith(".ipynb") or "conftest" in n
                or re.search(r"(^|/)(tests?|tutorials|benchmarks|bench_\w+\.py|test_\w+\.py)(/|$)", n)]
    assert not unwanted


def test_sdist_holds_every_file_the_wheel_and_the_tests_need(dists):
    with tarfile.open(dists[0]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if tracked.returncode == 0:
        needed = set(tracked.stdout.splitlines())  # one path per line: names may hold spaces
    else:  # an unpacked sdist, not a git checkout: it must hold what it holds now
        needed = {p.relative_to(REPO).as_posix() for p in REPO.rglob("*") if p.is_file()
                  and not any(fnmatch.fnmatch(part, pattern) for part in p.relative_to(REPO).parts
                              for pattern in LEFTOVERS)}
    needed = {n for n in needed if not n.startswith(".") and "/." not in n}
    assert {"setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md", "PKG-INFO"} <= names
    assert not needed - names, sorted(needed - names)


def test_version_comes_from_minilr_version_only(dists):
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg")
    assert config["metadata"]["version"] == "attr: minilr.__version__"
    with zipfile.ZipFile(dists[1]) as wheel:
        metadata = wheel.read(f"minilr-{minilr.__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {minilr.__version__}\n" in metadata
    assert dists[1].name == f"minilr-{minilr.__version__}-py3-none-any.whl"


def test_twine_check_passes_on_both_and_the_readme_is_the_long_description(dists):
    done = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dists)])
    assert done.stdout.count("PASSED") == 2, done.stdout
    with zipfile.ZipFile(dists[1]) as wheel:
        metadata = wheel.read(f"minilr-{minilr.__version__}.dist-info/METADATA").decode()
    assert "Description-Content-Type: text/markdown" in metadata
    assert (REPO / "README.md").read_text().splitlines()[0] in metadata


def test_installed_demo_runs_and_writes_its_figures(student_env, tmp_path):
    python, env, cwd = student_env
    out = tmp_path / "figures"
    done = _run([str(python), "-m", "minilr", "demo", "--out", str(out)], cwd=cwd, env=env)
    for model in ("logistic regression (breast cancer)", "one-vs-all (digits)",
                  "MLP 400-25-10 (digits)"):
        assert model in done.stdout
    pngs = list(out.glob("*.png"))
    assert len(pngs) >= 4 and all(p.stat().st_size > 1000 for p in pngs)


def test_installed_loaders_read_the_data_inside_the_installed_package(student_env):
    python, env, cwd = student_env
    done = _run([str(python), "-c", LOADERS], cwd=cwd, env=env)
    module, data, X_shape, malignant, nans, D_shape, counts, site = ast.literal_eval(done.stdout)
    assert Path(site).is_relative_to(python.parent.parent)  # the fresh environment's own
    assert Path(module).is_relative_to(site) and Path(data).is_relative_to(site)
    assert Path(data).parent == Path(module).parent and Path(data).name == "data"
    assert (X_shape, malignant, nans) == ((699, 9), 241, 0)
    assert D_shape == (5000, 400) and counts == [500] * 10


def test_loaders_work_when_minilr_is_imported_from_the_zipped_wheel(student_env, dists):
    python, env, cwd = student_env
    code = f"import sys; sys.path.insert(0, {str(dists[1])!r})\n" + LOADERS
    done = _run([str(python), "-c", code], cwd=cwd, env=env)
    module, data, X_shape, malignant, _, D_shape, counts, _ = ast.literal_eval(done.stdout)
    assert module.startswith(str(dists[1]) + os.sep) and data.startswith(str(dists[1]) + os.sep)
    assert (X_shape, malignant, D_shape, counts) == ((699, 9), 241, (5000, 400), [500] * 10)


def test_installed_check_runs_on_a_students_file(student_env):
    python, env, cwd = student_env
    (cwd / "student.py").write_text(STUDENT)
    done = _run([str(python), "-m", "minilr", "check", "student.py"], cwd=cwd, env=env)
    assert "sigmoid" in done.stdout
