"""Gradescope's autograder zip, and what runs inside it.

``python -m minilr autograder gradescope --profile ex2 -o autograder.zip``
writes the zip Gradescope's "Autograder Specifications" ask for, with its two
scripts at the root of the archive:

* ``setup.sh`` installs minilr from the wheel inside the zip (``wheels/``),
  built from this checkout when the zip is made; pip fetches only minilr's
  own dependencies (NumPy, SciPy, ...);
* ``run_autograder`` grades ``/autograder/submission`` as one submission and
  writes ``/autograder/results/results.json``
  (:func:`~minilr.exercises.reporting.gradescope.results_json`);
* ``minilr-autograder.json`` (the settings), the profile's TOML file when it
  is not a built-in one, and ``support/`` (files copied next to the
  student's, e.g. the course's ``utils.py``).

Both scripts read ``AUTOGRADER_ROOT`` in place of ``/autograder``, so the
whole route runs in a temporary folder in the tests.
"""

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .gradescope import VISIBILITIES

__all__ = ["build_zip", "build_wheel", "gather", "SETUP_SH", "RUN_AUTOGRADER", "AutograderError"]

SETTINGS = "minilr-autograder.json"

SETUP_SH = """#!/usr/bin/env bash
# Runs once, as root, when Gradescope builds the image: install minilr from the wheel in this zip.
set -euo pipefail
SOURCE="${AUTOGRADER_ROOT:-/autograder}/source"
PYTHON="${MINILR_PYTHON:-python3}"
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    apt-get install -y python3 python3-pip
fi
WHEEL=$(ls "$SOURCE"/wheels/minilr-*.whl)
# Newer Ubuntu images mark the system Python as externally managed (PEP 668).
"$PYTHON" -m pip install --no-cache-dir "$WHEEL" \\
    || "$PYTHON" -m pip install --no-cache-dir --break-system-packages "$WHEEL"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Runs for each submission: grade /autograder/submission, write /autograder/results/results.json.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT"
exec "${MINILR_PYTHON:-python3}" -m minilr autograder run --root "$ROOT"
"""

_LEFTOVERS = (".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis",
              ".ipynb_checkpoints", "minilr-demo", "dask-*-space", "node_modules")


class AutograderError(ValueError):
    """The zip cannot be built as asked (no checkout to build the wheel from, a missing support file...).

    Examples
    --------
    >>> from minilr.exercises.reporting.autograder import AutograderError, build_zip
    >>> try:
    ...     build_zip("autograder.zip", "ex2", visibility="sometimes")
    ... except AutograderError as exc:
    ...     print(exc)
    unknown visibility 'sometimes': use one of visible, after_due_date, after_published, hidden.
    """


def _checkout():
    root = Path(__file__).resolve().parents[3]
    if not ((root / "pyproject.toml").is_file() and (root / "minilr" / "__init__.py").is_file()):
        raise AutograderError(f"minilr at {root} is not a source checkout, so its wheel cannot be built here: "
                              "pass the wheel with --wheel PATH (e.g. from `pip download minilr --no-deps`).")
    return root


def build_wheel(folder):
    """Build minilr's wheel from this checkout into ``folder`` (``python -m build --wheel``, else ``pip wheel``).

    The checkout is copied first without its build leftovers, so a stale
    ``egg-info`` cannot leave a file out of the wheel.

    Examples
    --------
    Building takes a few seconds (``tests/test_autograder.py`` builds one); here, only where it builds from:

    >>> from minilr.exercises.reporting.autograder import _checkout
    >>> (_checkout() / "pyproject.toml").is_file()
    True
    """
    root = _checkout()
    source = Path(folder) / "src"
    shutil.copytree(root, source, ignore=shutil.ignore_patterns(*_LEFTOVERS))
    try:
        import build  # noqa: F401 - the PyPA builder, when installed (minilr's dev extra has it)

        command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(folder), str(source)]
    except ImportError:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(folder), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    wheels = sorted(Path(folder).glob("minilr-*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        raise AutograderError(f"building minilr's wheel failed (`{' '.join(command[1:4])}`):\n{done.stderr[-2000:]}")
    return wheels[0]


def _add(archive, path, arcname, mode=0o644):
    info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
    info.compress_type = zipfile.ZIP_DEFLATED
    data = path.read_bytes() if isinstance(path, Path) else path.encode()
    archive.writestr(info, data)


def build_zip(out, profile, *, support=(), visibility="visible", timeout=None, memory_mb=None, wheel=None):
    """Write the autograder zip to ``out``; returns the names it holds.

    Parameters
    ----------
    out : str or Path
        The zip to write.
    profile : str or Path
        A built-in profile's name or a course's TOML file (copied into the zip).
    support : list of str or Path
        Files or folders put next to the student's files when grading.
    visibility : str
        Each test's visibility on Gradescope (:data:`~minilr.exercises.reporting.gradescope.VISIBILITIES`).
    timeout, memory_mb : float and int, optional
        The grader's limits (default: those of ``python -m minilr check``).
    wheel : str or Path, optional
        minilr's wheel; default: built from this checkout now.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.autograder import build_zip
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     fake = Path(folder) / "minilr-0.1.0-py3-none-any.whl"
    ...     _ = fake.write_bytes(b"PK")
    ...     names = build_zip(Path(folder) / "autograder.zip", "ex2", wheel=fake)
    >>> names
    ['minilr-autograder.json', 'run_autograder', 'setup.sh', 'wheels/minilr-0.1.0-py3-none-any.whl']
    """
    from ..judging.profiles import BUILTIN, load_profile

    if visibility not in VISIBILITIES:
        raise AutograderError(f"unknown visibility '{visibility}': use one of {', '.join(VISIBILITIES)}.")
    load_profile(profile)  # a wrong profile fails here, not on Gradescope
    settings = {"profile": str(profile), "visibility": visibility, "timeout": timeout, "memory_mb": memory_mb,
                "support": []}
    files = {}
    if str(profile) not in BUILTIN:
        settings["profile"] = f"profile/{Path(profile).name}"
        files[settings["profile"]] = Path(profile)
    for item in map(Path, support):
        if not item.exists():
            raise AutograderError(f"no such support file or folder: {item}")
        settings["support"].append(item.name)
        if item.is_dir():
            for f in sorted(p for p in item.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
                files[f"support/{item.name}/{f.relative_to(item).as_posix()}"] = f
        else:
            files[f"support/{item.name}"] = item
    out = Path(out)
    with tempfile.TemporaryDirectory() as folder:
        wheel = Path(wheel) if wheel is not None else build_wheel(folder)
        files[f"wheels/{wheel.name}"] = wheel
        tmp = out.with_name(f".{out.name}.partial")
        with zipfile.ZipFile(tmp, "w") as archive:
            _add(archive, SETUP_SH, "setup.sh", 0o755)
            _add(archive, RUN_AUTOGRADER, "run_autograder", 0o755)
            _add(archive, json.dumps(settings, indent=1) + "\n", SETTINGS)
            for name, path in sorted(files.items()):
                _add(archive, path, name)
        tmp.replace(out)
    with zipfile.ZipFile(out) as archive:
        return sorted(archive.namelist())


@contextlib.contextmanager
def gather(root):
    """``(submission, settings)`` of a Gradescope run: the student's files, and where the support files are.

    The submission is copied into a temporary folder (the grader stages it
    again, with the support files beside it, for the student's process).
    ``submission`` is None when the student handed in no ``.py`` or ``.ipynb``
    file. ``settings["profile"]`` is the built-in name or the path of the TOML
    file, and ``settings["support"]`` the paths of the support files in the zip's
    ``support/`` folder, to pass to the grader as ``support``.

    Examples
    --------
    >>> import json, tempfile
    >>> from pathlib import Path
    >>> from minilr.exercises.reporting.autograder import gather
    >>> with tempfile.TemporaryDirectory() as root:
    ...     root = Path(root)
    ...     for folder in ("source/support", "submission"):
    ...         (root / folder).mkdir(parents=True)
    ...     _ = (root / "source" / "minilr-autograder.json").write_text(json.dumps(
    ...         {"profile": "ex2", "visibility": "visible", "support": ["utils.py"]}))
    ...     _ = (root / "source" / "support" / "utils.py").write_text("def sigmoid(z):\\n    return z\\n")
    ...     _ = (root / "submission" / "ex2.py").write_text("def sigmoid(z):\\n    return z\\n")
    ...     with gather(root) as (submission, settings):
    ...         graded = [p.name for p in submission.files]
    ...         support = [Path(p).name for p in settings["support"]]
    >>> graded, settings["profile"], support
    (['ex2.py'], 'ex2', ['utils.py'])
    """
    from ..reading.extract import Submission, is_submission_file

    root = Path(root)
    source = root / "source"
    settings = json.loads((source / SETTINGS).read_text(encoding="utf-8"))
    if settings["profile"].startswith("profile/"):
        settings["profile"] = str(source / settings["profile"])
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "submission"
        if (root / "submission").is_dir():
            shutil.copytree(root / "submission", work, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        else:
            work.mkdir()
        settings["support"] = [str(source / "support" / name) for name in settings.get("support", [])
                               if (source / "support" / name).exists()]
        files = sorted(p for p in work.rglob("*") if p.is_file() and is_submission_file(p))
        yield (Submission("submission", files, str(work)) if files else None), settings
