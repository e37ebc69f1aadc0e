"""A hostile class, graded in one run next to honest students, reaches nothing it should not.

Each hostile submission attacks from inside its ``sigmoid`` (ex2), so that
what it got shows in that record: it overwrites its classmates, the report
and the teacher's support file; reads a classmate's file and runs it;
connects to a listener on 127.0.0.1; writes 5 GB into its scratch folder and
into the temporary folder; starts 200 sleeping processes and a
double-forked daemon; imports minilr's sigmoid by ``import``, through
``sys.modules``, with ``importlib`` and a name built at run time, and
after taking the guard off ``sys.meta_path``; walks ``gc.get_objects()``
for an expected answer or a reference. Afterwards every file is the same,
the listener saw nobody, no process is left, the disk is as free as before,
the honest students have the verdicts they have alone, and each hostile
``sigmoid`` is ``error`` or ``fail`` with the reason. Then the system
without containment (``MINILR_ISOLATION=off``): graded as before, the
report and the summary say ``none``, and ``--require-isolation`` refuses.
"""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

CORPUS = Path(__file__).parent / "grading_corpus"
HONEST = ["ex2_lee_jiwoo.py", "ex2_nguyen.py", "ex2_omar_farouk.py"]
TAG = f"mlrh{np.random.default_rng(28).integers(10**5, 10**6)}"  # the hostile processes' name, to find them

HEAD = "import numpy as np\n\n\ndef sigmoid(z):\n"
HOSTILE = {
    "vandal.py": """
    import glob
    denied = []
    for path in glob.glob({class_!r} + "/*.py") + [{sibling!r}, {report!r}, {support!r}]:
        try:
            with open(path, "w") as f:
                f.write("def sigmoid(z):\\n    return 0\\n")
        except OSError as error:
            denied.append(error)
    if denied:
        raise denied[-1]
    return 1 / (1 + np.exp(-z))
""",
    "spy.py": """
    namespace = {{}}
    exec(open({class_!r} + "/ex2_lee_jiwoo.py").read(), namespace)
    return namespace["sigmoid"](z)
""",
    "caller.py": """
    import socket
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"answers?")
    return 1 / (1 + np.exp(-z))
""",
    "filler.py": """
    import tempfile
    block = b"\\0" * 2**20
    for folder in (".", tempfile.gettempdir(), "/tmp", "/var/tmp"):
        with open(folder + "/five_gigabytes", "wb") as f:
            for _ in range(5 * 1024):
                f.write(block)
    return 1 / (1 + np.exp(-z))
""",
    "breeder.py": """
    import ctypes, os, time
    name = ctypes.create_string_buffer({tag!r}.encode())
    ctypes.CDLL(None).prctl(15, name, 0, 0, 0)  # PR_SET_NAME: what the test looks for afterwards
    if os.fork() == 0:  # a daemon: double fork, its own session
        os.setsid()
        if os.fork() == 0:
            time.sleep(120)
        os._exit(0)
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(120)
            os._exit(0)
    return 1 / (1 + np.exp(-z))
""",
    "cheat_import.py": """
    from minilr.functions import sigmoid as reference
    return reference(z)
""",
    "cheat_modules.py": """
    import sys
    module = sys.modules.get("minilr.functions") or __import__("minilr.functions", fromlist=["sigmoid"])
    return module.sigmoid(z)
""",
    "cheat_importlib.py": """
    import importlib
    return importlib.import_module("mini" + "lr." + "functions").sigmoid(z)
""",
    "cheat_unguarded.py": """
    import importlib, sys
    sys.meta_path[:] = [f for f in sys.meta_path if "minilr" not in type(f).__module__]
    return importlib.import_module("".join(["sk", "learn"])).utils.extmath.expit(z)
""",
    "snoop.py": """
    import gc, sys
    found = [name for name in sys.modules if name == "minilr" or name.startswith(("minilr.", "sklearn"))]
    for obj in gc.get_objects():
        try:
            name = getattr(obj, "__module__", "")
            name = name if isinstance(name, str) else ""
            if callable(obj) and (name == "minilr" or name.startswith("minilr.")):
                found.append(obj)
            elif isinstance(obj, dict) and (isinstance(obj.get("expected"), (np.ndarray, float, tuple))
                                            or callable(obj.get("reference"))):
                found.append(obj)
            elif callable(getattr(obj, "reference", None)) or type(obj).__name__ in ("Spec", "Case", "Exercise"):
                found.append(obj)
        except Exception:
            continue
    if found:
        raise RuntimeError("found " + repr(found[0])[:80])
    return np.zeros_like(np.asarray(z, dtype=float))
""",
}
# What each hostile sigmoid's record must say: a mistake key, or words of its message.
EXPECTED = {"vandal.py": ("error", "permission"), "spy.py": ("error", "permission"),
            "caller.py": ("error", "permission denied"), "filler.py": ("error", "no space left"),
            "breeder.py": ("error", "resource temporarily unavailable"),
            "cheat_import.py": ("fail", "forbidden_import"), "cheat_modules.py": ("fail", "forbidden_import"),
            "cheat_importlib.py": ("fail", "forbidden_import"), "cheat_unguarded.py": ("fail", "forbidden_import"),
            "snoop.py": ("fail", "")}


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "minilr", "check", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def hashes(folder):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def tagged():
    """Processes named by a hostile submission that are still alive (zombies are gone already)."""
    alive = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == TAG and "Z" not in (comm.parent / "stat").read_text().split(")")[-1][:3]:
                alive.append(int(comm.parent.name))
        except OSError:
            continue
    return alive


def verdicts(records, name):
    return sorted((r["exercise"], r["verdict"], tuple(r["mistakes"]), r["points"]) for r in records
                  if r["submission"] == name)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    class_, teacher, out = root / "class", root / "teacher", root / "out"
    for folder in (class_, teacher, out):
        folder.mkdir()
    for name in HONEST:
        shutil.copy(CORPUS / name, class_ / name)
    support = teacher / "ex2data1.txt"
    support.write_text("34.62,78.02,0\n30.28,43.89,0\n35.84,72.90,0\n")
    report = out / "report.json"
    report.write_text('{"minilr": {}, "records": []}\n')  # a previous run's report: only the grader replaces it
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    fill = {"class_": str(class_), "report": str(report), "support": str(support), "sibling": str(class_ / HONEST[0]),
            "port": listener.getsockname()[1], "tag": TAG}
    for name, body in HOSTILE.items():
        (class_ / name).write_text(HEAD + textwrap.indent(textwrap.dedent(body.format(**fill)).strip(), "    ") + "\n")
    before = {**hashes(class_), **hashes(teacher)}
    free = shutil.disk_usage(root).free, shutil.disk_usage("/tmp").free
    done = run_cli(class_, "--profile", "ex2", "--report", report, "--jobs", "2", "--timeout", "5",
                   "--support", support)
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    honest = root / "honest"
    honest.mkdir()
    for name in HONEST:
        shutil.copy(CORPUS / name, honest / name)
    alone = run_cli(honest, "--profile", "ex2", "--report", out / "alone.json")
    written = json.loads(report.read_text())
    return {"done": done, "records": written["records"], "header": written["minilr"], "before": before,
            "after": {**hashes(class_), **hashes(teacher)}, "connected": connected, "free": free, "root": root,
            "alone": json.loads((out / "alone.json").read_text())["records"] if alone.returncode == 0
            else alone.stderr}


def test_the_run_finishes_and_says_every_protection_held(hostile_run):
    done = hostile_run["done"]
    assert done.returncode == 0, done.stderr
    assert "Isolation: files, network, processes, disk." in done.stdout
    assert hostile_run["header"]["protections"] == "files, network, processes, disk"


def test_every_file_of_the_class_and_the_teacher_is_unchanged(hostile_run):
    assert hostile_run["after"] == hostile_run["before"]


def test_the_report_is_the_graders_alone(hostile_run):
    names = {r["submission"] for r in hostile_run["records"]}
    assert names == set(HONEST) | set(HOSTILE)


def test_the_listener_saw_no_connection(hostile_run):
    assert not hostile_run["connected"]


def test_no_process_of_the_class_is_left(hostile_run):
    assert tagged() == []


def test_the_disk_is_as_free_as_before(hostile_run):
    before, before_tmp = hostile_run["free"]
    after, after_tmp = shutil.disk_usage(hostile_run["root"]).free, shutil.disk_usage("/tmp").free
    assert after > before - 2**30 and after_tmp > before_tmp - 2**30  # others share this disk: 5 GB would show


@pytest.mark.parametrize("name", HONEST)
def test_each_honest_student_has_the_verdicts_it_has_alone(hostile_run, name):
    assert isinstance(hostile_run["alone"], list), hostile_run["alone"]
    assert verdicts(hostile_run["records"], name) == verdicts(hostile_run["alone"], name)
    assert verdicts(hostile_run["records"], name)  # graded, not an empty comparison


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_sigmoid_gets_error_or_fail_with_its_reason(hostile_run, name):
    (record,) = [r for r in hostile_run["records"] if r["submission"] == name and r["function"] == "sigmoid"]
    verdict, reason = EXPECTED[name]
    assert record["verdict"] == verdict, record
    assert reason in " ".join(record["mistakes"]) or reason in record["message"].lower(), record
    assert not any(r["verdict"] == "pass" for r in hostile_run["records"] if r["submission"] == name)


def test_a_forbidden_import_names_what_it_used(hostile_run):
    (record,) = [r for r in hostile_run["records"] if r["submission"] == "cheat_importlib.py"
                 and r["function"] == "sigmoid"]
    assert record["mistakes"] == ["forbidden_import"] and record["points"] == 0
    assert "minilr.functions" in record["message"]


# ------------------------------------------------------------------ functions given as inputs
HONEST_NG = """
import numpy as np


def numerical_gradient(f, theta, eps=1e-5):
    grad = np.zeros_like(theta, dtype=float)
    for j in range(theta.size):
        step = np.zeros_like(theta, dtype=float)
        step[j] = eps
        grad[j] = (f(theta + step) - f(theta - step)) / (2 * eps)
    return grad
"""
THIEF_NG = """
import sys


def numerical_gradient(f, theta, eps=1e-5):
    loaded = [name for name in sys.modules if name == "minilr" or name.startswith("minilr.")]
    reference = getattr(f, "func", f).__globals__.get("_numerical_gradient")
    if reference is not None:
        return reference(f, theta)
    raise RuntimeError("nothing to take; minilr modules loaded: " + ", ".join(loaded[:5]))
"""


def test_a_function_given_as_input_brings_no_reference_with_it(tmp_path):
    """``numerical_gradient(f, theta)`` is handed ``f``: from the inputs module, without minilr."""
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "honest.py").write_text(HONEST_NG)
    (tmp_path / "class" / "thief.py").write_text(THIEF_NG)
    done = run_cli(tmp_path / "class", "--profile", "minilr", "--report", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    records = {r["submission"]: r for r in json.loads((tmp_path / "r.json").read_text())["records"]
               if r["function"] == "numerical_gradient"}
    assert records["honest.py"]["verdict"] == "pass", records["honest.py"]
    assert records["thief.py"]["verdict"] == "error", records["thief.py"]
    assert "nothing to take; minilr modules loaded:  (at thief.py" in records["thief.py"]["message"]


# ------------------------------------------------------------------ profiles: forbid and allow
CHEAT_EXPIT = "from scipy.special import expit\n\n\ndef sigmoid(z):\n    return expit(z)\n"


@pytest.mark.parametrize("toml, verdict", [('forbid = ["scipy.special.expit"]\n', "fail"), ("", "pass")])
def test_a_toml_profile_forbids_a_function(tmp_path, toml, verdict):
    (tmp_path / "course.toml").write_text(f'name = "course"\n{toml}\n[exercises.sigmoid]\ncheck = "sigmoid"\n')
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ana.py").write_text(CHEAT_EXPIT)
    done = run_cli(tmp_path / "class", "--profile", tmp_path / "course.toml", "--report", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    (record,) = json.loads((tmp_path / "r.json").read_text())["records"]
    assert record["verdict"] == verdict, record
    assert ("forbidden_import" in record["mistakes"]) == (verdict == "fail")


def test_a_toml_profile_allows_minilr(tmp_path):
    (tmp_path / "course.toml").write_text('name = "course"\nallow = ["minilr"]\n\n'
                                          '[exercises.sigmoid]\ncheck = "sigmoid"\n')
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "ana.py").write_text("from minilr.functions import sigmoid\n")
    done = run_cli(tmp_path / "class", "--profile", tmp_path / "course.toml", "--report", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    (record,) = json.loads((tmp_path / "r.json").read_text())["records"]
    assert record["verdict"] == "pass", record


@pytest.mark.parametrize("key", ["forbid", "allow"])
def test_a_malformed_forbid_list_is_a_profile_error(tmp_path, key):
    (tmp_path / "course.toml").write_text(f'{key} = "minilr"\n\n[exercises.sigmoid]\ncheck = "sigmoid"\n')
    (tmp_path / "ana.py").write_text(CHEAT_EXPIT)
    done = run_cli(tmp_path / "ana.py", "--profile", tmp_path / "course.toml")
    assert done.returncode == 2
    assert f"line 1: {key} must be a list of names" in done.stderr


# ------------------------------------------------------------------ where containment is not available
SPY = "def sigmoid(z):\n    import numpy as np\n    open({sibling!r}).read()\n    return np.exp(-np.logaddexp(0, -z))\n"


@pytest.fixture
def small_class(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(CORPUS / "ex2_lee_jiwoo.py", folder / "ex2_lee_jiwoo.py")
    (folder / "reader.py").write_text(SPY.format(sibling=str(folder / "ex2_lee_jiwoo.py")))
    return folder


def test_without_containment_it_grades_as_before_and_says_so(small_class, tmp_path):
    report = tmp_path / "r.json"
    done = run_cli(small_class, "--profile", "ex2", "--report", report, env={"MINILR_ISOLATION": "off"})
    assert done.returncode == 0, done.stderr
    assert "Isolation: none" in done.stdout
    written = json.loads(report.read_text())
    assert written["minilr"]["protections"].startswith("none")
    records = written["records"]
    reader = [r for r in records if r["submission"] == "reader.py" and r["function"] == "sigmoid"]
    assert reader[0]["verdict"] == "pass"  # as before: nothing stopped it from reading its classmate
    contained = run_cli(small_class, "--profile", "ex2", "--report", tmp_path / "c.json")
    reader = [r for r in json.loads((tmp_path / "c.json").read_text())["records"] if r["submission"] == "reader.py"]
    assert reader[0]["verdict"] == "error" and "permission" in reader[0]["message"].lower()


def test_require_isolation_refuses_without_containment(small_class, tmp_path):
    report = tmp_path / "r.json"
    done = run_cli(small_class, "--profile", "ex2", "--report", report, "--require-isolation",
                   env={"MINILR_ISOLATION": "off"})
    assert done.returncode == 2
    assert "--require-isolation" in done.stderr and "Landlock" in done.stderr
    assert not report.exists()  # refused before a report file is started


def test_require_isolation_grades_where_containment_is_available(small_class, tmp_path):
    done = run_cli(small_class, "--profile", "ex2", "--require-isolation", "--report", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    assert "Isolation: files, network, processes, disk." in done.stdout


def test_the_class_report_names_the_protections(small_class, tmp_path):
    done = run_cli(small_class, "--profile", "ex2", "--report", tmp_path / "class.html",
                   env={"MINILR_ISOLATION": "off"})
    assert done.returncode == 0, done.stderr
    assert "none (each student" in (tmp_path / "class.html").read_text()
    run_cli(small_class, "--profile", "ex2", "--report", tmp_path / "contained.html")
    assert "files, network, processes, disk" in (tmp_path / "contained.html").read_text()
