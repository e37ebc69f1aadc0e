"""A pids cgroup per student's process: a cap on how many processes it may have, which holds for root too.

``RLIMIT_NPROC`` does not bind root, and a grader often runs as root (in CI,
in a container). The kernel's ``pids`` controller does: :func:`create` makes
a cgroup ``minilr-NAME`` with ``pids.max`` set, :func:`attach` moves the
student's process into it before any of the student's code runs (every
process it starts is then counted there), and :func:`release`, once it has
ended, kills whatever is left in it and removes it. Works with cgroup v1's
``pids`` hierarchy, or v2 where ``pids`` is enabled at the root; without
either (or without root) :func:`create` returns None and the cap falls back
to ``RLIMIT_NPROC`` inside the student's user namespace. Standard library
only: the worker loads this file by path.
"""

import os
import signal
import time

__all__ = ["available", "create", "attach", "path_for", "release"]

_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


def _root():
    """A pids hierarchy this process may write: cgroup v1's ``pids`` controller, or v2 with ``pids`` enabled."""
    if os.geteuid() != 0:
        return None
    if os.path.isdir(_ROOTS[0]) and os.access(_ROOTS[0], os.W_OK):
        return _ROOTS[0]
    try:
        with open(os.path.join(_ROOTS[1], "cgroup.subtree_control")) as f:
            if "pids" in f.read().split() and os.access(_ROOTS[1], os.W_OK):
                return _ROOTS[1]
    except OSError:
        pass
    return None


def available():
    """Whether :func:`create` can make a pids cgroup here (root, and a writable pids hierarchy).

    Examples
    --------
    >>> from minilr.exercises.running.cgroups import available
    >>> available() in (True, False)
    True
    """
    return _root() is not None


def path_for(name):
    """The folder of the cgroup ``minilr-NAME`` (None without a pids hierarchy).

    Examples
    --------
    >>> from minilr.exercises.running.cgroups import path_for
    >>> path_for("1-2") is None or path_for("1-2").endswith("minilr-1-2")
    True
    """
    root = _root()
    return None if root is None else os.path.join(root, f"minilr-{name}")


def create(name, max_processes):
    """A new cgroup ``minilr-NAME`` whose processes (threads included) are at most ``max_processes``.

    Returns its folder, for the process to write itself into
    (``cgroup.procs``), or None where there is no pids hierarchy to use.

    Examples
    --------
    >>> import os
    >>> from minilr.exercises.running.cgroups import create, release
    >>> path = create(f"doctest-{os.getpid()}", 8)
    >>> path is None or open(os.path.join(path, "pids.max")).read().strip() == "8"
    True
    >>> path is None or release(path)
    True
    """
    path = path_for(name)
    if path is None:
        return None
    try:
        os.mkdir(path)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(max_processes))
    except OSError:
        return None
    return path


def attach(path, pid=0):
    """Move ``pid`` (0: this process) into the cgroup at ``path``; False if it could not be moved.

    Examples
    --------
    >>> from minilr.exercises.running.cgroups import attach
    >>> attach(None)
    False
    """
    if path is None:
        return False
    try:
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(pid))
    except OSError:
        return False
    return True


def release(path, wait=1.0):
    """Kill every process left in the cgroup at ``path`` and remove it; True once it is gone.

    Examples
    --------
    >>> from minilr.exercises.running.cgroups import release
    >>> release(None)
    False
    """
    if path is None or not os.path.isdir(path):
        return False
    deadline = time.monotonic() + wait
    while True:  # a process that left its session is still in here: killed one by one
        try:
            with open(os.path.join(path, "cgroup.procs")) as f:
                pids = [int(p) for p in f.read().split()]
        except OSError:
            pids = []
        if not pids:
            try:
                os.rmdir(path)
                return True
            except OSError:
                pass
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
