"""The students' processes: forked from a warm zygote (or started fresh), watched, and killed when they overrun.

:class:`Zygote` starts ``python -I worker.py --zygote`` once per class:
it imports NumPy and SciPy once, then forks one child per submission (its
own session, memory limit and alarm, stdin closed), so 200 submissions do
not pay those imports 200 times. :func:`run_worker` runs one job in such a
child (or, without a zygote, in a fresh ``python -I worker.py JOB``) and
yields the worker's events (``-B``: no ``__pycache__`` is written into a
student's folder); if the child goes silent for longer than a
call's limit it is killed, and if it ends without finishing, a ``died``
event carries its exit status.
"""

import json
import os
import pickle
import queue
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["Zygote", "run_worker", "kill_all", "GRACE"]

WORKER = str(Path(__file__).with_name("worker.py"))
GRACE = 3.0  # seconds past a call's own limit before its process is killed
_LIVE = set()  # process groups of the students' processes running now
_LOCK = threading.Lock()


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
    return env


def _kill(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        try:  # forked but not yet the leader of its own session
            os.kill(pgid, signal.SIGKILL)
        except OSError:
            pass  # already gone


def kill_all():
    """Kill every student's process still running (the grader was interrupted).

    Examples
    --------
    With no student's process running it does nothing:

    >>> from minilr.exercises.running.processes import kill_all
    >>> kill_all()
    """
    with _LOCK:
        for pgid in list(_LIVE):
            _kill(pgid)


class Zygote:
    """One warm process per class that forks the students' processes.

    ``preload`` names installed modules to import once more (what the
    course's support files import, such as ``matplotlib.pyplot``), so that
    no student's process pays for them.

    Examples
    --------
    :func:`~minilr.exercises.batch.grade` starts one per run and closes it at the end:

    >>> from minilr.exercises.running.processes import Zygote
    >>> zygote = Zygote()
    >>> zygote.alive()
    True
    >>> zygote.close()
    >>> zygote.alive()
    False
    """

    def __init__(self, preload=()):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._tmp = tempfile.mkdtemp(prefix="minilr-zygote-")
        self.proc = subprocess.Popen([sys.executable, "-I", "-B", WORKER, "--zygote", str(theirs.fileno()),
                                      ",".join(preload)],
                                     pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=self._tmp, env=_env(), start_new_session=True)
        theirs.close()
        self.sock, self._queues, self._next = ours, {}, 0
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True, name="minilr-zygote-reader").start()

    def _queue(self, job_id):
        with self._lock:
            return self._queues.setdefault(job_id, queue.Queue())

    def _read(self):
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
                self._queue(message["id"]).put(message)
            except (ValueError, KeyError, TypeError):
                continue
        with self._lock:  # the zygote is gone: nobody waits forever
            for q in self._queues.values():
                q.put({"status": None})

    def start(self, job_path, write_fd):
        """Fork a child for ``job_path`` reporting on ``write_fd``; ``(pid, queue of its status)``."""
        with self._lock:
            self._next += 1
            job_id = self._next
        q = self._queue(job_id)
        socket.send_fds(self.sock, [json.dumps({"id": job_id, "job": job_path}).encode()], [write_fd])
        reply = q.get(timeout=30)
        if "pid" not in reply:
            raise OSError("the grader's zygote process has ended")
        return reply["pid"], q

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        self.sock.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _kill(self.proc.pid)
            self.proc.wait()
        self.proc.stdout.close()


def _events(fd, timeout, load_timeout):
    """Parse the worker's JSON lines from ``fd`` until EOF; a ``{"event": "silent"}`` if it overruns."""
    buffer, deadline = b"", time.monotonic() + load_timeout + 10.0
    while True:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            yield {"event": "silent"}
            return
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                event = json.loads(line)
            except ValueError:
                continue
            deadline = time.monotonic() + (timeout if event.get("event") in ("start", "call")
                                           else load_timeout) + GRACE
            yield event


def run_worker(job, timeout, load_timeout, zygote=None):
    """Run one job; yields its events, then ``{"event": "died", "reason", "returncode"}`` if it did not end.

    ``job`` names the files to load, the functions to call with their cases, and the
    limits (:mod:`minilr.exercises.running.worker`); ``zygote`` forks the process, else a fresh
    interpreter runs it.

    Examples
    --------
    >>> from minilr.exercises.running.processes import run_worker
    >>> chunks = [("line 1", "def sigmoid(z):\\n    return 0.5\\n", 1)]
    >>> job = {"files": [{"path": "alice.py", "module": None, "chunks": chunks}], "modules": {},
    ...        "functions": [{"name": "sigmoid", "n_outputs": 1, "cases": [(0.0,), (3.0,)]}],
    ...        "timeout": 5.0, "memory_mb": 2000, "load_timeout": 10.0, "stage": None}
    >>> events = list(run_worker(job, timeout=5.0, load_timeout=10.0))
    >>> [e["event"] for e in events]
    ['loaded', 'start', 'call', 'call', 'end']
    >>> events[2]["value"], events[2]["error"]
    ([{'shape': [], 'data': [0.5]}], None)
    """
    with tempfile.TemporaryDirectory(prefix="minilr-grade-") as tmp:
        job_path = os.path.join(tmp, "job.pkl")
        with open(job_path, "wb") as f:
            pickle.dump(job, f)
        read_fd, write_fd = os.pipe()
        proc, status = None, None
        try:
            if zygote is not None and zygote.alive():
                pid, status = zygote.start(job_path, write_fd)
            else:
                proc = subprocess.Popen([sys.executable, "-I", "-B", WORKER, job_path], stdin=subprocess.DEVNULL,
                                        stdout=write_fd, stderr=subprocess.DEVNULL, cwd=tmp, env=_env(),
                                        start_new_session=True)
                pid = proc.pid
        finally:
            os.close(write_fd)
        with _LOCK:
            _LIVE.add(pid)
        ended = False
        try:
            for event in _events(read_fd, timeout, load_timeout):
                if event.get("event") == "silent":
                    _kill(pid)
                    yield {"event": "died", "reason": "timeout"}
                    return
                ended = ended or event.get("event") == "end"
                yield event
            if not ended:
                code = proc.wait(timeout=30) if proc is not None else status.get(timeout=30).get("status")
                ended = True  # it has exited: its pid may belong to another process soon
                yield {"event": "died", "reason": "exit", "returncode": code}
        finally:
            with _LOCK:
                _LIVE.discard(pid)
            if proc is not None:
                if proc.poll() is None:
                    _kill(pid)
                proc.wait()
            elif not ended:
                _kill(pid)
            os.close(read_fd)
