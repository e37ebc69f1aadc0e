"""Progress bars for training: a widget in Jupyter, text in a terminal, none in workers."""

import multiprocessing
import threading

__all__ = ["in_worker", "progress_bar"]


def in_worker():
    """True inside a joblib or Dask worker: not the main thread of the main process.

    A worker's bar would be drawn into a process or thread nobody looks at (or
    interleaved with the others), so fits there run without one.

    Examples
    --------
    >>> from minilr.progress import in_worker
    >>> in_worker()  # this (the main) thread of the main process
    False
    """
    return (multiprocessing.parent_process() is not None
            or threading.current_thread() is not threading.main_thread())


def progress_bar(verbose, total, desc):
    """A ``tqdm.auto`` bar of ``total`` steps, or None when ``verbose`` is 0 or in a worker.

    In Jupyter, ``tqdm.auto`` draws an ipywidgets bar (installed with minilr's
    ``notebook`` extra); in a terminal, a text bar on stderr.

    Examples
    --------
    >>> from minilr.progress import progress_bar
    >>> progress_bar(0, total=100, desc="fit") is None  # verbose=0: no bar
    True
    """
    if not verbose or in_worker():
        return None
    from tqdm.auto import tqdm  # imported only when a bar is asked for

    return tqdm(total=total, desc=desc, leave=True)
