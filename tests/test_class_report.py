"""The class report, the feedback files and the regrade comparison, as a teacher runs them.

The corpus of students' submissions (``tests/grading_corpus``) is graded once
through ``python -m minilr check`` into a JSON report; ``python -m minilr
report`` then writes the class report and the feedback from it. The HTML is
checked against the records it was written from (each mistake count, each
verdict count), for its links, and in headless Chromium (installed by
``.ci/run``), where its charts must be drawn.
"""

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from minilr.exercises.batch import GradeReport
from minilr.exercises.judging.profiles import spec_for
from minilr.exercises.reporting.classreport import class_report_html
from minilr.exercises.reporting.gradesfile import metadata
from minilr.exercises.reporting.summary import explain

CORPUS = Path(__file__).parent / "grading_corpus"
NOT_SUBMISSIONS = ("expected.json", "conftest.py", "README.md", "__pycache__")


def minilr_cli(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "minilr", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The corpus graded once into grades.json, then summarised by `report`: (folder, records)."""
    tmp = tmp_path_factory.mktemp("classreport")
    shutil.copytree(CORPUS, tmp / "class", ignore=shutil.ignore_patterns(*NOT_SUBMISSIONS))
    done = minilr_cli("check", tmp / "class", "--report", tmp / "grades.json", "--jobs", "2", "--no-progress")
    assert done.returncode == 0, done.stderr[-3000:]
    records = json.loads((tmp / "grades.json").read_text())["records"]
    assert len({r["submission"] for r in records}) >= 30
    done = minilr_cli("report", tmp / "grades.json", "--html", tmp / "out" / "class.html",
                      "--feedback", tmp / "out" / "feedback")
    assert done.returncode == 0, done.stderr
    return tmp, records


class _Page(HTMLParser):
    """Every id, href, src and count cell of a page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.sources, self.counts, self.scripts = set(), [], [], [], 0
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.links.append(a["href"])
        if "src" in a:
            self.sources.append(a["src"])
        self.scripts += tag == "script"
        if tag == "td" and a.get("class") == "count" and "data-exercise" in a:
            self._cell = [a["data-exercise"], a.get("data-mistake"), a.get("data-verdict"), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[3] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.counts.append(self._cell)
            self._cell = None


def parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_mistake_and_verdict_count_in_the_html_is_the_records_count(graded):
    tmp, records = graded
    page = parse(tmp / "out" / "class.html")
    mistakes = Counter((r["exercise"], k) for r in records if r["exercise"] for k in set(r["mistakes"]))
    verdicts = Counter((r["exercise"], r["verdict"]) for r in records if r["exercise"])
    shown_mistakes = [(e, m, int(n)) for e, m, _, n in page.counts if m]
    assert {(e, m) for e, m, _ in shown_mistakes} == set(mistakes)  # every key, and no other
    assert all(n == mistakes[(e, m)] for e, m, n in shown_mistakes), shown_mistakes
    shown_verdicts = [(e, v, int(n)) for e, _, v, n in page.counts if v]
    assert all(n == verdicts[(e, v)] for e, v, n in shown_verdicts)
    assert {(e, v) for e, v, n in shown_verdicts if n} == set(verdicts)
    assert len(mistakes) >= 20  # the corpus makes most of the catalogue's mistakes
    text = (tmp / "out" / "class.html").read_text()
    for _, key in mistakes:  # each key with its one-line explanation
        assert explain(key) and __import__("html").escape(explain(key), quote=True) in text, key


def test_every_link_resolves_and_nothing_is_fetched(graded):
    tmp, records = graded
    page = parse(tmp / "out" / "class.html")
    text = (tmp / "out" / "class.html").read_text()
    assert page.scripts == 0 and not page.sources
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", text), "a remote URL in the page"
    assert len(page.links) > 100
    for link in page.links:
        target, _, fragment = link.partition("#")
        if not target:
            assert fragment in page.ids, link
        else:
            assert (tmp / "out" / target).is_file(), link
    students = {r["submission"] for r in records}
    linked = {link for link in page.links if link.endswith(".html") and not link.startswith("#")}
    assert len(linked) == len(students)  # every student links to their feedback file


def test_the_report_subcommand_and_check_write_the_same_report(graded, tmp_path):
    """`check --report class.html` grades and writes the page that `report` writes from the JSON."""
    tmp, records = graded
    names = ["amira_lesson.py", "nadia_lesson.py", "pedro_lesson.py"]
    folder = tmp_path / "class"
    folder.mkdir()
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    done = minilr_cli("check", folder, "--profile", "lesson", "--report", tmp_path / "class.html", "--no-progress",
                      "--feedback", tmp_path / "fb")
    assert done.returncode == 0, done.stderr
    page = parse(tmp_path / "class.html")
    mine = [r for r in records if r["submission"] in names and r["profile"] == "lesson"]
    counts = Counter((r["exercise"], k) for r in mine for k in set(r["mistakes"]))
    assert {(e, m): int(n) for e, m, _, n in page.counts if m} == dict(counts)
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == sorted(f"{n}.{s}" for n in names
                                                                         for s in ("html", "md"))


def test_mistake_counts_in_python_and_in_jupyter(graded):
    _, records = graded
    counts = GradeReport(records).mistake_counts()
    for (exercise, key), students in counts.items():
        assert sorted(students) == sorted(r["submission"] for r in records
                                          if r["exercise"] == exercise and key in r["mistakes"])
    table = counts._repr_html_()
    assert table.count("<tr>") == len(counts) + 1 and "bias_regularized" in table


def _hidden_numbers(exercises):
    """Distinctive strings of every hidden case's inputs and expected outputs (4 significant digits or more)."""
    found = set()
    for exercise in exercises:
        profile, name = exercise.split(":", 1)
        spec = spec_for(profile, name)
        for case in spec.cases:
            values = list(case.args)
            if spec.reference is not None:
                out = spec.reference(*case.args)
                values += list(out) if isinstance(out, tuple) else [out]
            for v in values:
                try:
                    a = np.asarray(v, dtype=float).ravel()
                except (TypeError, ValueError):
                    continue
                for x in a[np.isfinite(a)][:400]:
                    if abs(x) >= 1e-3 and not float(x).is_integer():
                        found.update({f"{x:.4f}", f"{x:.5g}"})
    return {s for s in found if len(s.strip("-0.")) >= 4}


def test_no_hidden_case_value_appears_in_any_feedback_file(graded):
    tmp, records = graded
    hidden = _hidden_numbers({r["exercise"] for r in records if r["exercise"]})
    assert len(hidden) > 1000
    files = sorted((tmp / "out" / "feedback").iterdir())
    assert len(files) == 2 * len({r["submission"] for r in records})
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    numbers = set(re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text))
    assert not numbers & hidden, sorted(numbers & hidden)[:10]
    # The search can fail: a message that shows a case's expected value is caught.
    leaked = next(iter(sorted(hidden)))
    assert set(re.findall(r"-?\d+\.\d+(?:e-?\d+)?", f"J: expected {leaked}, got 0.5")) & hidden


def test_feedback_file_of_a_student(graded):
    tmp, records = graded
    text = (tmp / "out" / "feedback" / "nadia_lesson.py.md").read_text()
    mine = [r for r in records if r["submission"] == "nadia_lesson.py"]
    points = sum(r["points"] for r in mine), sum(r["max_points"] for r in mine)
    assert f"**{points[0]:g}/{points[1]:g} points**" in text
    for r in mine:
        for key in r["mistakes"]:  # each diagnosis on its own line, with its fix
            assert re.search(rf"^- \*\*{key}\*\*: \S", text, re.M), key
    fragile = (tmp / "out" / "feedback" / "ben_okafor_lesson.ipynb.md").read_text()
    assert "Fragile: right values on every ordinary case" in fragile and "full points in this profile" in fragile
    strict = (tmp / "out" / "feedback" / "tomas_minilr.py.md").read_text()
    assert "fragile, scored as a failure in this profile" in strict
    notes = (tmp / "out" / "feedback" / "ex2_anna_mueller.ipynb.md").read_text()
    assert "## Notes on loading your submission" in notes and "could not import module 'utils'" in notes
    page = (tmp / "out" / "feedback" / "nadia_lesson.py.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<li><b>" in page


def test_errors_are_listed_with_their_cause(graded):
    tmp, records = graded
    text = (tmp / "out" / "class.html").read_text()
    errored = [r for r in records if r["verdict"] == "error"]
    assert errored
    section = text.split('id="errors"', 1)[1].split("</section>", 1)[0]
    assert "syntax" in section and "zoe_ex3.py" in section
    slow = text.split('id="slowest"', 1)[1].split("</section>", 1)[0]
    assert slow.count("<tr>") == 11 and " s</td>" in slow  # the ten slowest functions, timed


def test_the_report_in_headless_chromium_draws_its_charts(graded, tmp_path):
    browser = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
    if browser is None:
        pytest.skip("Chromium is not installed (.ci/run installs it: apt-get install chromium)")
    tmp, _ = graded
    # A probe in a copy of the page: the page itself has no script and needs none.
    probe = ("<script>window.addEventListener('load',function(){var s=document.querySelectorAll('svg.chart');"
             "var drawn=0,bars=0;s.forEach(function(g){var b=g.getBoundingClientRect();if(b.width>50&&b.height>10)"
             "drawn++;g.querySelectorAll('rect').forEach(function(r){if(r.getBBox().width>0)bars++;});});"
             "document.body.setAttribute('data-charts',s.length);document.body.setAttribute('data-drawn',drawn);"
             "document.body.setAttribute('data-bars',bars);});</script>")
    copy = tmp / "out" / "probe.html"
    copy.write_text((tmp / "out" / "class.html").read_text().replace("</body>", probe + "</body>"))
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
              f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2000", "--virtual-time-budget=5000"]
    dom = subprocess.run([*common, "--dump-dom", copy.as_uri()], capture_output=True, text=True, timeout=120).stdout
    charts, drawn, bars = (int(re.search(rf'data-{k}="(\d+)"', dom).group(1)) for k in ("charts", "drawn", "bars"))
    assert charts >= 20 and drawn == charts and bars > 100
    shot = tmp_path / "class.png"
    subprocess.run([*common, f"--screenshot={shot}", (tmp / "out" / "class.html").as_uri()], capture_output=True,
                   timeout=120)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3)
    for colour in ("1a7f37", "cf222e"):  # the pass and fail bars are on screen
        rgb = np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)])
        assert (np.abs(pixels - rgb).sum(axis=1) < 20).sum() > 500, colour


# ------------------------------------------------------------------ regrades and bad input
def _class(folder, sources):
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        (folder / name).write_text(source)
    return folder


GOOD = "import numpy as np\n\ndef sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))\n"
BAD = "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(np.clip(z, -500, 500)))\n"


def test_compare_prints_and_reports_what_changed(tmp_path):
    _class(tmp_path / "v1", {"ada.py": BAD, "bob.py": GOOD})
    _class(tmp_path / "v2", {"ada.py": GOOD, "bob.py": GOOD})
    common = ["--profile", "ex2", "--no-progress"]
    assert minilr_cli("check", tmp_path / "v1", "--report", tmp_path / "old.json", *common).returncode == 0
    done = minilr_cli("check", tmp_path / "v2", "--report", tmp_path / "new.json", "--compare", tmp_path / "old.json",
                      *common)
    assert done.returncode == 0, done.stderr
    assert "1 changed since the earlier report" in done.stdout
    assert re.search(r"ada\.py ex2:sigmoid \(sigmoid\): fail 0 \[\w+\] -> pass 1", done.stdout), done.stdout
    (change,) = json.loads((tmp_path / "new.json").read_text())["changes"]
    assert change["before"]["verdict"] == "fail" and change["after"]["verdict"] == "pass"
    done = minilr_cli("report", tmp_path / "new.json", "--html", tmp_path / "c.html", "--compare", tmp_path / "old.json")
    assert done.returncode == 0 and 'id="changes"' in (tmp_path / "c.html").read_text()


def _report(path, **header):
    meta = {**metadata("ex2"), **header}
    path.write_text(json.dumps({"minilr": meta, "records": []}))
    return path


@pytest.mark.parametrize("case, message", [
    ("version", "was written by minilr 0.0.1; this is minilr"),
    ("corrupt", "is not a JSON report (corrupt or truncated"),
    ("bare list", "is a bare list of records"),
    ("not a report", "is not a minilr JSON report"),
])
def test_unusable_json_report_is_a_clear_message_and_exit_2(tmp_path, case, message):
    path = tmp_path / "grades.json"
    if case == "version":
        _report(path, version="0.0.1")
    elif case == "corrupt":
        path.write_text('{"minilr": {"report": 1, "ver')
    elif case == "bare list":
        path.write_text("[]")
    else:
        path.write_text('{"students": []}')
    done = minilr_cli("report", path, "--html", tmp_path / "class.html")
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "class.html").exists()


def test_compare_with_a_report_of_another_profile_is_refused(tmp_path):
    _class(tmp_path / "class", {"ada.py": GOOD})
    old = _report(tmp_path / "old.json", profile="ex3")
    done = minilr_cli("check", tmp_path / "class", "--profile", "ex2", "--compare", old, "--no-progress")
    assert done.returncode == 2 and "graded with profile ex3, this run with ex2" in done.stderr
    done = minilr_cli("report", _report(tmp_path / "new.json"), "--compare", old)
    assert done.returncode == 2 and "compare reports of one profile" in done.stderr


@pytest.mark.parametrize("option", ["--report", "--feedback"])
def test_unwritable_output_is_a_clear_message_and_exit_2(tmp_path, option):
    _class(tmp_path / "class", {"ada.py": GOOD})
    (tmp_path / "a_file").write_text("")
    target = tmp_path / "a_file" / "out.html"  # under a file: no one can write there, root included
    done = minilr_cli("check", tmp_path / "class", option, target, "--no-progress")
    assert done.returncode == 2 and f"cannot write {target}" in done.stderr and "Traceback" not in done.stderr
    done = minilr_cli("report", _report(tmp_path / "g.json"), "--html" if option == "--report" else option, target)
    assert done.returncode == 2 and f"cannot write {target}" in done.stderr


def test_a_class_of_500_records_is_under_2_mb(graded):
    """The size only; the time is benchmarks/bench_report.py's."""
    _, records = graded
    big = [dict(r, submission=f"{k:03d}_{r['submission']}") for k in range(500 // len(records) + 1) for r in records]
    page = class_report_html(big[:500], metadata("ex2"))
    assert len(page.encode()) < 2_000_000
