"""The benchmark runner's quick mode: every case runs and agrees with its reference.

Only quality is asserted (final costs, accuracies, weights); times are reported by
``benchmarks/run.py`` and never asserted, since a shared machine makes them noisy.
"""

import json
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_quick_benchmarks_agree_with_their_references(tmp_path):
    out = tmp_path / "bench.json"
    # one repeat: only the quality figures are asserted here, and they do not depend on repeats
    done = subprocess.run([sys.executable, str(RUNNER), "--quick", "--repeats", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rows = json.loads(out.read_text())["rows"]
    cases = {row["case"].split(",")[0] for row in rows}
    assert len(rows) >= 10, cases
    failed = [row["case"] for row in rows if not row["quality_ok"]]
    assert not failed, failed
    assert "| case |" in done.stdout  # the table was printed
