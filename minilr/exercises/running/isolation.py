"""Contain one student's process on Linux: namespaces, Landlock, a pids cgroup and a size-limited tmpfs.

:func:`contain` is called in the process forked for one submission, before
any of the student's code runs. With the kernel's own mechanisms, and no
Docker, no setuid helper and no daemon, it

* unshares a user, mount, network, PID and IPC namespace: the network
  namespace has no interface up, so every connection fails, loopback
  included; the PID namespace makes the student's process its ``init``
  (forked so by :func:`fork_into_namespace`, or forked once more here), so
  that every process it starts (children, grandchildren, a double-forked
  daemon) is killed by the kernel when it ends;
* mounts a tmpfs of ``disk_bytes`` over the scratch directory, holding a
  copy of what the grader put there (the submission, the support files):
  the only place it can write, gone with the mount namespace;
* caps the number of its processes: as root (which ``RLIMIT_NPROC`` does
  not bind) by a pids cgroup it is moved into (:mod:`.cgroups`), else with
  ``RLIMIT_NPROC`` counted inside the new user namespace;
* restricts itself with Landlock: it may read the paths it is given (the
  Python installation, minus what is forbidden) and write only the scratch;
  no TCP ``connect``/``bind`` (ABI 4), no signal or abstract socket out of
  its domain (ABI 6), and no more mounts.

Each mechanism is used when the kernel has it; :func:`contain` returns the
protections in force (``files``, ``network``, ``processes``, ``disk``) and
the grader reports them. Setting ``MINILR_ISOLATION=off`` in the grader's
environment grades as on a system without them. This module uses the
standard library only: the worker (a script, not part of the package)
loads it by path.
"""

import ctypes
import os
import platform
import resource
import signal
import stat
import sys

__all__ = ["contain", "probe", "offered", "describe", "prepare", "fork_into_namespace", "disabled", "PROTECTIONS",
           "OFF"]

PROTECTIONS = ("files", "network", "processes", "disk")
OFF = "MINILR_ISOLATION"  # "off": behave as a kernel without these mechanisms

_CLONE_NEWNS, _CLONE_NEWIPC, _CLONE_NEWUSER = 0x00020000, 0x08000000, 0x10000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_NOSUID, _MS_NODEV, _MS_REC, _MS_PRIVATE = 2, 4, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38
_LANDLOCK = (444, 445, 446)  # landlock_create_ruleset, _add_rule, _restrict_self: every architecture but alpha
# Landlock's file-system rights by ABI version: execute ... make_sym (1), refer (2), truncate (3), ioctl_dev (5)
_FS_BITS = {1: 13, 2: 14, 3: 15, 4: 15, 5: 16}
_READ = 1 | 4 | 8  # EXECUTE | READ_FILE | READ_DIR
_FILE_RIGHTS = 1 | 2 | 4 | (1 << 14) | (1 << 15)  # the rights a rule on a file (not a folder) may carry
_OPENED = {}  # path -> O_PATH descriptor, opened once in the warm process (:func:`prepare`)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _check(result):
    if result < 0:
        number = ctypes.get_errno()
        raise OSError(number, os.strerror(number))
    return result


def _landlock_abi(libc):
    if libc is None or platform.machine() == "alpha":
        return 0
    version = libc.syscall(_LANDLOCK[0], None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(version, 0)


def disabled():
    """Whether ``MINILR_ISOLATION=off`` asks to grade as on a system without these mechanisms.

    Examples
    --------
    >>> from minilr.exercises.running.isolation import disabled
    >>> disabled() in (True, False)
    True
    """
    return os.environ.get(OFF, "").lower() in ("off", "0", "no", "false")


def probe():
    """What this machine offers: the Landlock ABI and whether namespaces can be made (checked in a child).

    Returns
    -------
    dict
        ``{"landlock": int, "namespaces": bool, "uid": int}``; all false
        off Linux or when ``MINILR_ISOLATION=off``.

    Examples
    --------
    >>> from minilr.exercises.running.isolation import probe
    >>> sorted(probe())
    ['landlock', 'namespaces', 'uid']
    """
    libc = _libc()
    if libc is None or disabled():
        return {"landlock": 0, "namespaces": False, "uid": os.geteuid() if libc else 0}
    pid = os.fork()
    if pid == 0:  # unshare(CLONE_NEWUSER) needs a single-threaded process: a fresh child is one
        try:
            _check(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWPID))
        except BaseException:  # noqa: BLE001 - any failure means "not available"
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return {"landlock": _landlock_abi(libc), "namespaces": os.waitstatus_to_exitcode(status) == 0,
            "uid": os.geteuid()}


def offered(found):
    """The protections a :func:`probe` result allows, as :func:`contain` would report them.

    ``found["cgroup"]``: whether a pids cgroup can be made (:mod:`.cgroups`), the cap that holds for root.

    Examples
    --------
    >>> from minilr.exercises.running.isolation import offered
    >>> sorted(offered({"landlock": 7, "namespaces": True, "cgroup": True}))
    ['disk', 'files', 'network', 'processes']
    >>> sorted(offered({"landlock": 0, "namespaces": False, "cgroup": False}))
    []
    """
    got = set()
    if found["namespaces"]:
        got.update(("network", "disk"))
        if found.get("cgroup") or found.get("uid", 0) != 0:
            got.add("processes")
    if found["landlock"]:
        got.add("files")
        if found["landlock"] >= 4:
            got.add("network")
    return frozenset(got)


def describe(protections):
    """The protections in words, for a report: ``"files, network, processes, disk"``, or ``"none"``.

    Examples
    --------
    >>> from minilr.exercises.running.isolation import describe
    >>> describe({"network", "files"}), describe(())
    ('files, network', 'none')
    """
    return ", ".join(p for p in PROTECTIONS if p in protections) or "none"


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _namespaces(libc, pid):
    uid, gid = os.geteuid(), os.getegid()
    _check(libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | pid))
    # The same ids inside: files keep their owners; capabilities hold in these namespaces only.
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def fork_into_namespace():
    """``os.fork()``, the child the ``init`` of a new PID namespace (root only; else a plain fork).

    The warm process calls it: the child then needs no second fork in
    :func:`contain`, and killing it kills everything it started.

    Examples
    --------
    >>> import os
    >>> from minilr.exercises.running.isolation import fork_into_namespace
    >>> pid = fork_into_namespace()
    >>> if pid == 0:
    ...     os._exit(0 if os.getpid() == 1 or os.geteuid() != 0 else 1)  # nothing here can raise
    >>> os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    0
    """
    libc = _libc()
    own = None
    if libc is not None and not disabled() and os.geteuid() == 0:
        own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        if libc.unshare(_CLONE_NEWPID) != 0:
            os.close(own)
            own = None
    pid = os.fork()
    if pid != 0 and own is not None:  # the next child starts in this namespace again, then its own
        libc.setns(own, _CLONE_NEWPID)
        os.close(own)
    return pid


def prepare(paths):
    """Open the paths a student's process may read once, in the warm process its children are forked from.

    Examples
    --------
    >>> import sys
    >>> from minilr.exercises.running.isolation import prepare
    >>> prepare([sys.base_prefix]) >= 1
    True
    """
    for path in paths:
        if path not in _OPENED:
            try:
                _OPENED[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except (FileNotFoundError, NotADirectoryError, PermissionError):
                _OPENED[path] = None  # a path this machine does not have (out of descriptors: raised)
    return sum(fd is not None for fd in _OPENED.values())


def _copy_tree(source_fd, target):
    """Copy the folder open as ``source_fd`` (now hidden under a mount) into ``target``."""
    for entry in os.scandir(source_fd):
        path = os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            os.mkdir(path)
            inner = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=source_fd)
            try:
                _copy_tree(inner, path)
                os.chmod(path, stat.S_IMODE(os.fstat(inner).st_mode))
            finally:
                os.close(inner)
        elif entry.is_file(follow_symlinks=False):
            source = os.open(entry.name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=source_fd)
            try:
                target_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                    stat.S_IMODE(os.fstat(source).st_mode))
                try:
                    while os.sendfile(target_fd, source, None, 1 << 20):
                        pass
                finally:
                    os.close(target_fd)
            finally:
                os.close(source)


def _private_scratch(libc, scratch, disk_bytes):
    """A tmpfs of ``disk_bytes`` over ``scratch``, holding a copy of what was there."""
    source = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _check(libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None))
        options = f"size={disk_bytes},mode=0700".encode()
        _check(libc.mount(b"minilr-scratch", os.fsencode(scratch), b"tmpfs", _MS_NOSUID | _MS_NODEV, options))
        _copy_tree(source, scratch)
    finally:
        os.close(source)


def _landlock(libc, abi, readable, writable):
    create, add, restrict = _LANDLOCK
    handled = (1 << _FS_BITS[min(abi, 5)]) - 1
    attr = _RulesetAttr(handled, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)  # TCP bind+connect; signals+sockets
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _check(libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)))
    prepare([*readable, *writable])
    try:
        for path, rights in [(p, _READ) for p in readable] + [(p, handled) for p in writable]:
            fd = _OPENED.get(path)
            if fd is None:
                continue
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                rights &= _FILE_RIGHTS
            rule = _PathBeneath(rights & handled, fd)
            _check(libc.syscall(add, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0)))
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        _check(libc.syscall(restrict, ctypes.c_int(ruleset), ctypes.c_uint32(0)))
    finally:
        os.close(ruleset)
        for fd in _OPENED.values():
            if fd is not None:
                os.close(fd)
        _OPENED.clear()


def _wait_and_pass_on(pid):
    """The process outside the PID namespace: end as its init ends, with the same status."""
    for sig in (signal.SIGALRM, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def contain(readable, scratch, *, capped=None, max_processes=64, disk_bytes=2**30):
    """Confine this process (a fresh single-threaded child) before the student's code runs in it.

    In the ``init`` of its own PID namespace (:func:`fork_into_namespace`)
    this returns in the same process. Elsewhere, with namespaces available,
    it forks once more: the call returns in the new child (``init`` of a new
    PID namespace), while this process waits for it and exits with its
    status, which the grader sees as the child's.

    Parameters
    ----------
    readable : list of str
        Files and folders the student's code may read (and execute), with everything beneath them.
    scratch : str
        A folder whose contents (the submission's copy, the support files) become the
        student's private, writable scratch; the current directory afterwards.
    capped : callable, optional
        Called last, before Landlock: True once this process is in a pids
        cgroup (:mod:`~minilr.exercises.running.cgroups`), which caps its processes.
    max_processes : int
        Without a cgroup, and not root: ``RLIMIT_NPROC`` in its user namespace.
    disk_bytes : int
        Size of the scratch; also the largest file it may write anywhere.

    Returns
    -------
    frozenset of str
        The protections in force, among :data:`PROTECTIONS`.

    Examples
    --------
    Contained in a child, which cannot read this module's own folder any more:

    >>> import os, sys, tempfile
    >>> from minilr.exercises.running.isolation import contain
    >>> here = os.path.dirname(contain.__code__.co_filename)
    >>> with tempfile.TemporaryDirectory() as scratch:
    ...     pid = os.fork()
    ...     if pid == 0:
    ...         status = 2
    ...         try:
    ...             got = contain([sys.base_prefix, sys.prefix], scratch)
    ...             status = 0 if "files" not in got else 1
    ...             os.listdir(here)
    ...         except PermissionError:
    ...             status = 0
    ...         finally:
    ...             os._exit(status)
    ...     _, status = os.waitpid(pid, 0)
    >>> os.waitstatus_to_exitcode(status)
    0
    """
    libc = _libc()
    resource.setrlimit(resource.RLIMIT_FSIZE, (disk_bytes, disk_bytes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file past the limit: EFBIG, not a killed process
    if libc is None or disabled():
        os.chdir(scratch)
        return frozenset()
    got = set()
    init = os.getpid() == 1
    try:
        _namespaces(libc, 0 if init else _CLONE_NEWPID)
        _private_scratch(libc, scratch, disk_bytes)
        got.update(("network", "disk"))
        namespaced = True
    except OSError:
        namespaced = False
    if namespaced and not init:
        pid = os.fork()  # the first child in a new PID namespace is its init
        if pid != 0:
            _wait_and_pass_on(pid)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # the waiting process killed: so is this one
    if namespaced and os.geteuid() != 0:  # counted in this user namespace alone
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))
        got.add("processes")
    if namespaced and capped is not None and capped():
        got.add("processes")
    os.chdir(scratch)
    abi = _landlock_abi(libc)
    if abi:
        try:
            _landlock(libc, abi, readable, [scratch, "/dev/null"])
            got.add("files")
            if abi >= 4:
                got.add("network")
        except OSError:
            pass
    return frozenset(got)


if __name__ == "__main__":
    import json

    print(json.dumps(probe()))
