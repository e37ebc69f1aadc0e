"""Reading a real class: support files, scripts read like notebooks, folders of one-function files.

Small written submissions in a temporary folder, graded through
:func:`minilr.exercises.batch.grade` or the CLI, each in its own process
from a private staged copy.
"""

import json
import subprocess
import sys
import textwrap

import pytest

from minilr.exercises.batch import grade
from minilr.exercises.reading.extract import read_file
from minilr.exercises.running.staging import SupportError

# The course's helper module, as a teacher has it (a stand-in written for these tests).
UTILS = """
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0, -z))


class Grader:
    def __setitem__(self, key, value):
        pass
"""

# A course notebook's first cells, then a function calling the helper module.
COURSE_CELLS = ("%matplotlib inline\nimport numpy as np\nfrom scipy.io import loadmat\nimport utils\n"
                "grader = utils.Grader()",
                "data = loadmat('ex3data1.mat')\nX, y = data['X'], data['y'].ravel()",
                "def predict(theta, X):\n    return (utils.sigmoid(X @ theta) >= 0.5).astype(int)",
                "grader[4] = predict\ngrader.grade()")


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return folder


def notebook(*cells):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None, "id": f"c{i}"}
        for i, c in enumerate(cells)]})


def by_exercise(records):
    return {r["exercise"]: r for r in records}


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "minilr", "check", *map(str, args), "--no-progress"],
                          capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------ support files
@pytest.fixture
def course(tmp_path):
    folder = write(tmp_path / "course", {"utils.py": UTILS})
    (folder / "Data").mkdir()
    (folder / "Data" / "weights.txt").write_text("0.5\n")
    return folder


def test_the_course_helper_module_is_found_with_support(tmp_path, course):
    folder = write(tmp_path / "class", {"ex2.ipynb": notebook(*COURSE_CELLS)})
    without = by_exercise(grade([folder], profile="ex2", progress=False))["ex2:predict"]
    assert without["verdict"] == "error"
    assert "the course's helper module `utils` is not here: pass it with `--support`" in without["message"]
    assert "cell 1, line 4" in without["message"]  # the import that failed, with its line
    given = by_exercise(grade([folder], profile="ex2", support=[course / "utils.py"], progress=False))
    assert given["ex2:predict"]["verdict"] == "pass", given["ex2:predict"]["message"]


def test_a_support_folder_is_placed_whole_and_read_only_beside_the_submission(tmp_path, course):
    folder = write(tmp_path / "class", {"alice.py": """
        import os
        import numpy as np
        from scipy.special import expit

        def sigmoid(z):
            scale = float(np.loadtxt(os.path.join("Data", "weights.txt"))) * 2
            writable = os.stat(os.path.join("Data", "weights.txt")).st_mode & 0o222
            return expit(z) * scale + writable
        """})
    (record,) = grade([folder], support=[course / "Data"], progress=False)
    assert record["verdict"] == "pass", record["message"]


def test_a_constant_loaded_from_a_course_data_file_needs_support_and_says_so(tmp_path, course):
    folder = write(tmp_path / "class", {"dan.py": """
        import numpy as np
        from scipy.special import expit

        weights = np.loadtxt("Data/weights.txt")
        scale = 2 * weights

        def sigmoid(z):
            return expit(z) * scale
        """})
    (without,) = grade([folder], progress=False)
    assert without["verdict"] == "error"
    assert ("It raised NameError: name 'scale' is not defined: its statement at line 6 failed (NameError: name "
            "'weights' is not defined: its statement at line 5 failed (Data/weights.txt not found (a data "
            "file of the course's? pass it with `--support`)))") in without["message"]
    (given,) = grade([folder], support=[course / "Data"], progress=False)
    assert given["verdict"] == "pass", given["message"]


def test_a_profile_names_its_support_files_relative_to_itself(tmp_path, course):
    (course / "course.toml").write_text('support = ["utils.py"]\n\n[exercises.predict]\ncheck = "predict_binary"\n')
    folder = write(tmp_path / "class", {"ex2.ipynb": notebook(*COURSE_CELLS)})
    (record,) = grade([folder], profile=course / "course.toml", progress=False)
    assert (record["exercise"], record["verdict"]) == ("course:predict", "pass"), record["message"]


@pytest.mark.parametrize("name, text, message", [
    ("nowhere.py", None, "minilr check: support file not found: {path}\n"),
    ("utils.py", "def sigmoid(z)\n    return z\n",
     "minilr check: support file {path} does not parse: syntax error at line 1: expected ':'\n"),
])
def test_support_errors_are_one_line_and_exit_2(tmp_path, name, text, message):
    folder = write(tmp_path / "class", {"alice.py": "def sigmoid(z):\n    return z\n"})
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    done = run_cli(folder, "--report", tmp_path / "grades.csv", "--support", path)
    assert (done.returncode, done.stderr, done.stdout) == (2, message.format(path=path), "")
    assert not (tmp_path / "grades.csv").exists()  # stopped before any report was started
    with pytest.raises(SupportError, match="support file"):
        grade([folder], support=[path], progress=False)


def test_a_missing_module_that_is_not_the_courses_says_it_is_not_installed(tmp_path):
    folder = write(tmp_path / "class", {"bob.py": """
        import numpy as np
        import seaborn as sns
        from scipy.special import expit

        def sigmoid(z):
            return expit(z)

        def softmax(Z):
            return sns.softmax(Z)
        """})
    records = by_exercise(grade([folder], progress=False))
    assert records["minilr:sigmoid"]["verdict"] == "pass"
    note = "line 3: module `seaborn` is not installed on the grading machine"
    assert note in records["minilr:sigmoid"]["message"]
    assert records["minilr:softmax"]["verdict"] == "error"
    assert "name 'sns' is not defined: module `seaborn` is not installed" in records["minilr:softmax"]["message"]


def test_the_student_runs_in_a_private_scratch_folder_not_the_class_folder(tmp_path):
    folder = write(tmp_path / "class", {
        "alice.py": """
            import os
            from scipy.special import expit

            def sigmoid(z):
                open("alice_was_here.txt", "w").close()
                return expit(z) + os.path.exists("bob.py") + (os.getcwd() == CLASS)
            """.replace("CLASS", repr(str(tmp_path / "class"))),
        "bob.py": "def cost(theta, X, y, lam):\n    return 0.0\n"})
    records = {r["submission"]: r for r in grade([folder], progress=False)}
    assert records["alice.py"]["verdict"] == "pass", records["alice.py"]["message"]
    assert sorted(p.name for p in folder.iterdir()) == ["alice.py", "bob.py"]


# ------------------------------------------------------------------ scripts read like notebooks
SCRIPT = """
import numpy as np
from scipy.io import loadmat
from scipy import optimize
import matplotlib.pyplot as plt

input_layer_size = 3
data = loadmat('D:\\\\ml\\\\ex3data1.mat')
X, y = data['X'], data['y'].ravel()


def sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def lrCostFunction(theta, X, y, lambda_):
    m = y.size
    z = X @ theta
    temp = theta.copy()
    temp[0] = 0
    J = np.mean(np.logaddexp(0, z) - y * z) + lambda_ / (2 * m) * temp @ temp
    return J, X.T @ (sigmoid(z) - y) / m + lambda_ / m * temp


def predictOneVsAll(all_theta, X):
    return np.argmax(np.column_stack([np.ones(len(X)), X]) @ all_theta.T, axis=1) + (input_layer_size - 3)


def report(accuracy):
    print "Training set accuracy:", accuracy


all_theta = np.array([optimize.minimize(lrCostFunction, np.zeros(401), (X, y == c, 0.1), jac=True).x
                      for c in range(10)])
plt.plot(all_theta[0])
plt.show()
report(np.mean(predictOneVsAll(all_theta, X) == y))
raise SystemExit("done")
"""


def test_a_script_is_read_like_a_notebook_its_top_level_never_runs(tmp_path):
    folder = write(tmp_path / "class", {"hw3.py": SCRIPT})
    records = by_exercise(grade([folder], profile="ex3", progress=False))
    assert records["ex3:lrCostFunction"]["verdict"] == "pass", records["ex3:lrCostFunction"]["message"]
    # It adds input_layer_size - 3: the constant was run (else a NameError), the data load never was.
    assert records["ex3:predictOneVsAll"]["verdict"] == "pass", records["ex3:predictOneVsAll"]["message"]
    message = records["ex3:lrCostFunction"]["message"]
    assert "line 30: syntax error (Missing parentheses in call to 'print'" in message  # the def of `report`
    assert "loadmat" not in message and "ex3data1" not in message and "SystemExit" not in message


def test_a_python2_print_costs_only_its_function(tmp_path):
    folder = write(tmp_path / "class", {"old.py": """
        import numpy as np
        from scipy.special import expit

        def sigmoid(z):
            return expit(z)

        def softmax(Z):
            print "Z is", Z
            return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)

        def gradient(theta, X, y, lam):
            g = X.T @ (sigmoid(X @ theta) - y) / len(y)
            g[1:] += lam / len(y) * theta[1:]
            return g
        """})
    records = by_exercise(grade([folder], progress=False))
    assert records["minilr:sigmoid"]["verdict"] == records["minilr:gradient"]["verdict"] == "pass"
    softmax = records["minilr:softmax"]
    assert softmax["verdict"] == "error" and softmax["message"].startswith(
        "syntax error at line 9 of old.py: Missing parentheses in call to 'print'")
    assert "line 9: syntax error" in records["minilr:sigmoid"]["message"]  # reported with its line


def test_decorators_classes_star_imports_globals_and_the_main_guard(tmp_path):
    folder = write(tmp_path / "class", {"carol.py": """
        import functools
        import numpy as np
        from scipy.special import *

        calls = 0
        SCALE = 1.0


        class Helpers:
            offset = SCALE - 1.0

            @staticmethod
            def stable(z):
                return expit(z) + Helpers.offset


        def counted(f):
            @functools.wraps(f)
            def wrapper(*args):
                global calls
                calls += 1
                return f(*args)
            return wrapper


        @counted
        def sigmoid(z):
            return Helpers.stable(z)


        softmax_ = softmax
        def softmax(Z):
            return softmax_(Z, axis=1)


        if __name__ == "__main__":
            def sigmoid(z):
                return z
            print(sigmoid(0))
        """})
    records = by_exercise(grade([folder], progress=False))
    assert records["minilr:sigmoid"]["verdict"] == "pass", records["minilr:sigmoid"]["message"]
    assert records["minilr:softmax"]["verdict"] == "pass", records["minilr:softmax"]["message"]


def test_what_a_script_runs_is_its_imports_defs_and_the_constants_they_use(tmp_path):
    path = tmp_path / "s.py"
    path.write_text(textwrap.dedent(SCRIPT))
    sf = read_file(path)
    kept = [(label, source.split("\n")[0]) for label, source, _ in sf.chunks]
    # Not `X, y = data[...]`: the functions' parameter X is not the script's X.
    assert kept == [("line 2", "import numpy as np"), ("line 3", "from scipy.io import loadmat"),
                    ("line 4", "from scipy import optimize"), ("line 5", "import matplotlib.pyplot as plt"),
                    ("line 7", "input_layer_size = 3"), ("line 12", "def sigmoid(z):"),
                    ("line 16", "def lrCostFunction(theta, X, y, lambda_):"),
                    ("line 25", "def predictOneVsAll(all_theta, X):")]
    assert sf.broken == {"report": "syntax error at line 30 of s.py: Missing parentheses in call to 'print'. "
                                   "Did you mean print(...)?"}


# ------------------------------------------------------------------ folders of one-function files
ONE_FUNCTION_FILES = {
    "sigmoid.py": """
        from scipy.special import expit

        def sigmoid(z):
            return expit(z)

        print(sigmoid(0))
        raise SystemExit("a script's last line")
        """,
    "costFunction.py": """
        import numpy as np
        from sigmoid import sigmoid

        def costFunction(theta, X, y):
            m = y.size
            z = X @ theta
            return np.mean(np.logaddexp(0, z) - y * z), X.T @ (sigmoid(z) - y) / m
        """,
    "predict.py": """
        import sigmoid as s

        def predict(theta, X):
            return (s.sigmoid(X @ theta) >= 0.5).astype(int)
        """,
    "costFunctionReg.py": """
        from costFunction import costFunction

        def costFunctionReg(theta, X, y, lambda_):
            J, grad = costFunction(theta, X, y)
            reg = theta.copy()
            reg[0] = 0
            return J + lambda_ / (2 * y.size) * reg @ reg, grad + lambda_ / y.size * reg
        """,
}

PACKAGE = {
    "main.ipynb": notebook("import numpy as np\nfrom mypkg.cost import costFunction\nfrom mypkg import predict",
                           "from mypkg.regularized import costFunctionReg"),
    "mypkg/__init__.py": "from .maths import sigmoid\nfrom .predict import predict\n",
    "mypkg/maths.py": "from scipy.special import expit\n\ndef sigmoid(z):\n    return expit(z)\n",
    "mypkg/cost.py": ONE_FUNCTION_FILES["costFunction.py"].replace("from sigmoid import", "from .maths import"),
    "mypkg/predict.py": textwrap.dedent(ONE_FUNCTION_FILES["predict.py"]).replace("import sigmoid as s",
                                                                                "from . import maths as s"),
    "mypkg/regularized.py": ONE_FUNCTION_FILES["costFunctionReg.py"].replace("from costFunction", "from .cost"),
}


@pytest.mark.parametrize("layout", [ONE_FUNCTION_FILES, PACKAGE], ids=["flat", "package"])
def test_a_folder_of_one_function_files_imports_its_siblings(tmp_path, layout):
    folder = write(tmp_path / "class" / "student", layout)
    records = by_exercise(grade([folder.parent], profile="ex2", progress=False))
    assert {e: r["verdict"] for e, r in records.items()} == {
        "ex2:sigmoid": "pass", "ex2:costFunction": "pass", "ex2:predict": "pass", "ex2:costFunctionReg": "pass"}, \
        {e: r["message"] for e, r in records.items()}
