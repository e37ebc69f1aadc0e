"""Shared timing helpers for the benchmarks: interleaved repeats, median times."""

import statistics
import time
import warnings


def timed(fn):
    """Run ``fn()`` once; return (seconds, result)."""
    with warnings.catch_warnings():
        # Benchmarks run fixed epoch counts on purpose: a ConvergenceWarning is expected.
        warnings.simplefilter("ignore", UserWarning)
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result


def interleaved(ours, reference, repeats):
    """Time ``ours`` and ``reference`` alternately ``repeats`` times.

    Returns
    -------
    (median seconds of ours, median seconds of reference, last result of ours,
     last result of reference)
    """
    t_ours, t_ref = [], []
    r_ours = r_ref = None
    for _ in range(repeats):
        t, r_ref = timed(reference)
        t_ref.append(t)
        t, r_ours = timed(ours)
        t_ours.append(t)
    return statistics.median(t_ours), statistics.median(t_ref), r_ours, r_ref


def in_batches(ours, reference, repeats, batch=20, warm_up=5, pause=0.3):
    """Time ``ours`` and ``reference`` in alternating batches of ``batch`` consecutive calls.

    For calls of a few milliseconds that use both cores, as a fit makes them: back
    to back. Alternating single calls would time each function against the other's
    leftovers (OpenBLAS's threads keep spinning for about 0.1 s after a threaded
    call, on the cores the other function's threads want), so each batch starts
    after a ``pause`` and ``warm_up`` untimed calls (the first calls after an idle
    spell run up to twice as slow on this machine, for both functions alike).

    Returns the same tuple as :func:`interleaved`.
    """
    times = {ours: [], reference: []}
    results = {}
    for _ in range(repeats):
        for fn in (reference, ours):
            time.sleep(pause)
            for _ in range(warm_up):
                results[fn] = fn()
            for _ in range(batch):
                t, results[fn] = timed(fn)
                times[fn].append(t)
    return (statistics.median(times[ours]), statistics.median(times[reference]),
            results[ours], results[reference])


def row(case, minilr_s, reference_s, target, quality, ok, reference="", higher_is_better=False):
    """One line of the benchmark table.

    ``target`` is the largest acceptable ratio minilr / reference (time), or the
    smallest acceptable ratio when ``higher_is_better`` (throughput).
    """
    ratio = minilr_s / reference_s if reference_s else float("nan")
    met = ratio >= target if higher_is_better else ratio <= target
    return {
        "case": case,
        "reference": reference,
        "minilr_s": minilr_s,
        "reference_s": reference_s,
        "ratio": ratio,
        "target": (">= " if higher_is_better else "<= ") + f"{target:g}",
        "target_met": bool(met),
        "quality": quality,
        "quality_ok": bool(ok),
    }
