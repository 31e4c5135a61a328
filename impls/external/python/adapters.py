"""One small class per Python lock library: its calls, its outcomes mapped
onto the protocol's kinds, and exactly the features it offers.

Each class is read against the library's source in Debian 12
(/usr/lib/python3/dist-packages/...); the comment on each says which calls
it makes, how the library reports each outcome, and what it does not offer.
An adapter never adds behaviour the library lacks (no extra thread lock,
no retry, no bookkeeping the library does not do) except where the class
comment says the API cannot express a request at all.

Requests (driver.py calls them on the handle's own thread):
  __init__(path)   open: make the library's object
  acquire(timeout) timeout None (wait for ever), 0 (do not wait), or seconds
  acquire_shared(timeout), release(), is_locked(), i_am_locking(),
  break_lock(), close()
They return None, or True/False for the queries, or raise Outcome.

Thread safety: an adapter object is used by its handle's thread only.
"""

import importlib
import os


class Outcome(Exception):
    """An `err` reply: a protocol kind and a message."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def refused(timeout):
    """The kind for "not acquired" when the library does not say which:
    AlreadyLocked for a non-blocking try, LockTimeout after a wait."""
    return "AlreadyLocked" if timeout == 0 else "LockTimeout"


class Adapter:
    NAME = ""
    FEATURES = ()
    # (module name, attribute to bind it to on the class)
    MODULES = ()
    # (exception class name as "module:Class", kind), first match wins;
    # resolved in load().
    ERRORS = ()

    def __init__(self, path):
        self.path = path

    def call(self, fn, *args, **kwargs):
        """Calls the library; its exceptions become outcomes."""
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # the library's, judged by the suite
            for cls, kind in self._errors:
                if isinstance(e, cls):
                    raise Outcome(kind, "%s: %s" % (type(e).__name__, e))
            raise Outcome("Error", "%s.%s: %s" % (
                type(e).__module__, type(e).__name__, e))

    def close(self):
        """Drops the object; the library's own destructor does the rest."""


# ---------------------------------------------------------------- lockfile
# lockfile 0.12.2 (lockfile/__init__.py): acquire(timeout) blocks for ever
# on None, raises AlreadyLocked at once when timeout <= 0, LockTimeout after
# a positive timeout; release() raises NotLocked / NotMyLock; is_locked(),
# i_am_locking(), break_lock(). Every class leaves a stale lock when its
# holder dies (needs break_lock). threaded=True (the default but for
# PIDLockFile) names locks HOSTNAME-TID-PID: threads are promised.
LOCKFILE_ERRORS = tuple(
    ("lockfile:" + name, name) for name in (
        "AlreadyLocked", "LockTimeout", "LockFailed", "NotLocked",
        "NotMyLock", "UnlockError", "LockError"))
LOCKFILE_FEATURES = ("blocking", "nonblocking", "timeout", "is_locked",
                     "i_am_locking", "break", "threads")


class LockfileBase(Adapter):
    FEATURES = LOCKFILE_FEATURES
    ERRORS = LOCKFILE_ERRORS
    CLASS = None  # "module:Class"

    def __init__(self, path):
        super().__init__(path)
        module, name = self.CLASS.split(":")
        cls = getattr(importlib.import_module(module), name)
        self.lock = self.call(cls, path)

    def acquire(self, timeout):
        self.call(self.lock.acquire, timeout=timeout)

    def release(self):
        self.call(self.lock.release)

    def is_locked(self):
        return bool(self.call(self.lock.is_locked))

    def i_am_locking(self):
        return bool(self.call(self.lock.i_am_locking))

    def break_lock(self):
        self.call(self.lock.break_lock)


class LockfileLink(LockfileBase):
    """lockfile.LinkLockFile: link(2) of HOSTNAME-TID-PID to PATH.lock."""
    NAME = "py-lockfile-link"
    CLASS = "lockfile.linklockfile:LinkLockFile"


class LockfileMkdir(LockfileBase):
    """lockfile.MkdirLockFile: mkdir PATH.lock, HOSTNAME-TID-PID inside."""
    NAME = "py-lockfile-mkdir"
    CLASS = "lockfile.mkdirlockfile:MkdirLockFile"


class LockfileSqlite(LockfileBase):
    """lockfile.SQLiteLockFile: a row in a table of a database that the
    class makes with tempfile.mkstemp() once per process (class attribute
    testdb) — so each process has its own database."""
    NAME = "py-lockfile-sqlite"
    CLASS = "lockfile.sqlitelockfile:SQLiteLockFile"

    def __init__(self, path):
        # Where mkstemp() puts the per-process database (as TMPDIR would):
        # beside the lock, so that it goes with the test's directory even
        # when the driver is killed before the library's atexit unlink.
        import tempfile
        if tempfile.tempdir is None:
            tempfile.tempdir = os.path.dirname(os.path.abspath(path))
        super().__init__(path)


class LockfilePid(LockfileBase):
    """lockfile.pidlockfile.PIDLockFile: PATH made with O_CREAT|O_EXCL,
    holding "PID\\n". Always threaded=False: the owner is the process, so
    threads are outside its promise (manifest outside_promise)."""
    NAME = "py-lockfile-pid"
    CLASS = "lockfile.pidlockfile:PIDLockFile"


# ------------------------------------------------------------- zc.lockfile
class ZcLockfile(Adapter):
    """zc.lockfile.LockFile(path): the constructor takes flock(LOCK_EX |
    LOCK_NB) or raises zc.lockfile.LockError; close() unlocks (a no-op once
    closed). No blocking, no timeout, no queries. Releasing before any
    LockFile object exists cannot be expressed: UnlockError, without a call
    (the library says nothing about who holds the lock).
    Interprocess only: threads are outside its promise."""
    NAME = "py-zc-lockfile"
    FEATURES = ("nonblocking", "stale_recovery", "threads")
    ERRORS = (("zc.lockfile:LockError", "AlreadyLocked"),)

    def __init__(self, path):
        super().__init__(path)
        self.lock = None

    def acquire(self, timeout):
        self.lock = self.call(self.zc.LockFile, self.path)

    def release(self):
        if self.lock is None:
            raise Outcome("UnlockError", "no zc.lockfile.LockFile was made on "
                          "this handle (the API has no release without one)")
        self.call(self.lock.close)

    def close(self):
        if self.lock is not None:
            self.call(self.lock.close)


# ------------------------------------------------------------------ locket
class Locket(Adapter):
    """locket.lock_file(path, timeout=T): a per-path in-process
    threading.Lock, then flock on PATH (blocking for T None, polled every
    retry period otherwise); LockError when the timeout passes; release()
    raises LockError("cannot release unlocked lock") when the file lock is
    not held. The lock object is per path and process, shared by every
    lock_file() of that path (a weak dictionary): the _Locker is kept here
    while held so the lock is not collected. Locks "behave like
    threading.Lock": threads are promised; not reentrant."""
    NAME = "py-locket"
    FEATURES = ("blocking", "nonblocking", "timeout", "stale_recovery",
                "threads")
    ERRORS = (("locket:LockError", "LockError"),)

    def __init__(self, path):
        super().__init__(path)
        self.locker = None

    def acquire(self, timeout):
        locker = self.locket.lock_file(self.path, timeout=timeout)
        try:
            self.call(locker.acquire)
        except Outcome as o:
            # locket raises LockError for "not acquired in time".
            raise Outcome(refused(timeout), o.message) if (
                o.kind == "LockError") else o
        self.locker = locker

    def release(self):
        locker = self.locker or self.locket.lock_file(self.path)
        try:
            self.call(locker.release)
        except Outcome as o:
            # ... and for "cannot release unlocked lock".
            raise Outcome("NotLocked", o.message) if (
                o.kind == "LockError") else o
        self.locker = None


# ---------------------------------------------------------------- filelock
class Filelock(Adapter):
    """filelock.FileLock 3.9: flock(LOCK_EX|LOCK_NB) on PATH polled every
    0.05 s; acquire(timeout=-1) waits for ever, acquire(blocking=False) tries
    once; filelock.Timeout either way (named AlreadyLocked or LockTimeout by
    the request). Reentrant (a counter). release() of an unheld lock does
    nothing. `is_locked` is whether THIS object holds it: i_am_locking."""
    NAME = "py-filelock"
    CLASS = "FileLock"
    FEATURES = ("blocking", "nonblocking", "timeout", "i_am_locking",
                "reentrant", "stale_recovery", "threads")
    ERRORS = (("filelock:Timeout", "LockTimeout"),)

    def __init__(self, path):
        super().__init__(path)
        self.lock = self.call(getattr(self.filelock, self.CLASS), path)

    def acquire(self, timeout):
        try:
            if timeout == 0:
                self.call(self.lock.acquire, blocking=False)
            else:
                self.call(self.lock.acquire,
                          timeout=-1 if timeout is None else timeout)
        except Outcome as o:
            # One exception, Timeout, for both: the request names it.
            raise Outcome(refused(timeout), o.message) if (
                o.kind == "LockTimeout") else o

    def release(self):
        self.call(self.lock.release)

    def i_am_locking(self):
        return bool(self.lock.is_locked)


class FilelockSoft(Filelock):
    """filelock.SoftFileLock: PATH made with O_CREAT|O_EXCL, removed on
    release; a dead holder's file stays (no stale recovery, no break)."""
    NAME = "py-filelock-soft"
    CLASS = "SoftFileLock"
    FEATURES = ("blocking", "nonblocking", "timeout", "i_am_locking",
                "reentrant", "threads")


# --------------------------------------------------------------- fasteners
class Fasteners(Adapter):
    """fasteners.InterProcessLock 0.17: fcntl.lockf (POSIX record locks,
    owned by the process) on PATH, polled with back-off; acquire(blocking,
    timeout) returns False when not acquired; release() raises
    threading.ThreadError when not acquired. The documentation gives
    threading.Lock for threads and this for processes: threads are outside
    its promise. ThreadError on release says only "this object did not
    acquire it", not whether anybody holds it: UnlockError, the base kind
    (neither NotLocked nor NotMyLock is claimed for it)."""
    NAME = "py-fasteners"
    FEATURES = ("blocking", "nonblocking", "timeout", "stale_recovery",
                "threads")
    ERRORS = (("threading:ThreadError", "UnlockError"),)

    def __init__(self, path):
        super().__init__(path)
        self.lock = self.call(self.fasteners.InterProcessLock, path)

    def acquire(self, timeout):
        if not self.call(self.lock.acquire, blocking=timeout != 0,
                         timeout=timeout or None):
            raise Outcome(refused(timeout), "acquire() returned False")

    def release(self):
        self.call(self.lock.release)


class FastenersRw(Adapter):
    """fasteners.InterProcessReaderWriterLock 0.17: lockf F_WRLCK (write) or
    F_RDLCK (read) on PATH; acquire_*_lock() return False when not
    acquired; release_write_lock / release_read_lock. The adapter calls the
    release that matches the mode this handle acquired (the write one when
    it holds nothing: what a caller without a lock would call). Threads are
    outside its promise (as InterProcessLock)."""
    NAME = "py-fasteners-rw"
    FEATURES = ("blocking", "nonblocking", "timeout", "shared",
                "stale_recovery", "threads")

    def __init__(self, path):
        super().__init__(path)
        self.lock = self.call(self.fasteners.InterProcessReaderWriterLock,
                              path)
        self.mode = None

    def _acquire(self, fn, timeout, mode):
        if not self.call(fn, blocking=timeout != 0, timeout=timeout or None):
            raise Outcome(refused(timeout), "acquire returned False")
        self.mode = mode

    def acquire(self, timeout):
        self._acquire(self.lock.acquire_write_lock, timeout, "write")

    def acquire_shared(self, timeout):
        self._acquire(self.lock.acquire_read_lock, timeout, "read")

    def release(self):
        fn = (self.lock.release_read_lock if self.mode == "read" else
              self.lock.release_write_lock)
        self.call(fn)
        self.mode = None


# ------------------------------------------------------------- portalocker
class Portalocker(Adapter):
    """portalocker.Lock 2.2: flock(LOCK_EX|LOCK_NB) on PATH (opened 'a'),
    retried every check_interval (0.25 s) until the timeout; there is no
    wait for ever (timeout None means the default, 5 s). Not acquired:
    portalocker.AlreadyLocked with fail_when_locked=True (the non-blocking
    try), LockException after the timeout. release() of an unheld lock does
    nothing. Threads are outside its promise."""
    NAME = "py-portalocker"
    FEATURES = ("nonblocking", "timeout", "stale_recovery", "threads")
    ERRORS = (("portalocker.exceptions:AlreadyLocked", "AlreadyLocked"),
              ("portalocker.exceptions:LockException", "LockTimeout"))

    def __init__(self, path):
        super().__init__(path)
        self.lock = self.call(self.portalocker.Lock, path)

    def acquire(self, timeout):
        self.call(self.lock.acquire, timeout=timeout,
                  fail_when_locked=timeout == 0)

    def release(self):
        self.call(self.lock.release)


# -------------------------------------------------------- oslo.concurrency
class OsloLockutils(Adapter):
    """oslo_concurrency.lockutils.lock(name, external=True, lock_path=DIR,
    blocking=B): the documented external lock, a context manager: an
    in-process semaphore per name ("so that threads inside the same
    application can not collide") and fasteners.InterProcessLock on
    DIR/name. Not acquired (blocking=False): AcquireLockFailedException.
    No timeout, no queries. acquire enters the context, release leaves it;
    a release with no context entered cannot be expressed: UnlockError,
    without a call (the library says nothing about who holds the lock)."""
    NAME = "py-oslo-lockutils"
    FEATURES = ("blocking", "nonblocking", "stale_recovery", "threads")
    ERRORS = (("oslo_concurrency.lockutils:AcquireLockFailedException",
               "AlreadyLocked"),)

    def __init__(self, path):
        super().__init__(path)
        self.directory, self.name = os.path.split(os.path.abspath(path))
        self.context = None

    def acquire(self, timeout):
        context = self.lockutils.lock(self.name, external=True,
                                      lock_path=self.directory,
                                      blocking=timeout is None)
        self.call(context.__enter__)
        self.context = context

    def release(self):
        if self.context is None:
            raise Outcome("UnlockError", "no lockutils.lock() context is open "
                          "on this handle (the API has no release without "
                          "one)")
        context, self.context = self.context, None
        self.call(context.__exit__, None, None, None)


# name on the command line -> (class, modules bound to class attributes)
ADAPTERS = {
    "lockfile.link": (LockfileLink, {"lockfile": "lockfile"}),
    "lockfile.mkdir": (LockfileMkdir, {"lockfile": "lockfile"}),
    "lockfile.sqlite": (LockfileSqlite, {"lockfile": "lockfile"}),
    "lockfile.pid": (LockfilePid, {"lockfile": "lockfile"}),
    "zc.lockfile": (ZcLockfile, {"zc": "zc.lockfile"}),
    "locket": (Locket, {"locket": "locket"}),
    "filelock": (Filelock, {"filelock": "filelock"}),
    "filelock.soft": (FilelockSoft, {"filelock": "filelock"}),
    "fasteners": (Fasteners, {"fasteners": "fasteners"}),
    "fasteners.rw": (FastenersRw, {"fasteners": "fasteners"}),
    "portalocker": (Portalocker, {"portalocker": "portalocker"}),
    "oslo.lockutils": (OsloLockutils,
                       {"lockutils": "oslo_concurrency.lockutils"}),
}


def _resolve(spec):
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def load(key):
    """Imports the library (ImportError when missing) and returns the class
    with its modules and exception classes bound."""
    cls, modules = ADAPTERS[key]
    for attribute, module in modules.items():
        setattr(cls, attribute, importlib.import_module(module))
    cls._errors = tuple((_resolve(spec), kind) for spec, kind in cls.ERRORS)
    return cls
