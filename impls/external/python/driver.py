#!/usr/bin/python3
"""One driver for the Python lock libraries: docs/driver-protocol.md v1.

    /usr/bin/python3 driver.py ADAPTER        (ADAPTER: adapters.ADAPTERS)

Debian's /usr/bin/python3 only: the python3-* packages live in its
dist-packages, which other Pythons on PATH do not see.

The protocol side is here; what each library does is in adapters.py. Every
handle is one library object living on its own thread (the greeting always
declares `threads`), created on that thread, so that thread-bound state
(lockfile's HOSTNAME-TID-PID names, sqlite3 connections) belongs to it.

Errors, kept apart so that a driver bug never looks like a lock bug:
  - the library's outcomes (its exceptions, its return values) are replies
    with the kind adapters.py maps them to; an exception the adapter does not
    know is `Error` naming its type (adapters.Adapter.call);
  - a malformed request with a readable seq is answered `err Error`;
    one without a readable seq is logged and the driver exits 2;
  - an exception in this driver's own code (outside a library call) is a
    driver bug: the traceback goes to stderr and the driver exits 2, so the
    harness reports a protocol error, never a verdict.
"""

import atexit
import os
import queue
import re
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import adapters  # noqa: E402  (after the path)

HANDLE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
SEQ = re.compile(r"^[0-9]{1,19}$")
# Which feature each request needs (acquire: by its timeout, adapters.py).
QUERY_FEATURE = {"is_locked": "is_locked", "i_am_locking": "i_am_locking",
                 "break": "break"}

_out_lock = threading.Lock()


def now():
    # CLOCK_MONOTONIC on Linux: the clock the protocol's t0/t1 are read on.
    return time.monotonic_ns()


def write_line(line):
    data = (line + "\n").encode("utf-8", "replace")
    with _out_lock:
        while data:  # whole lines: one request's reply is never torn
            data = data[os.write(1, data):]


def reply_ok(seq, t0, t1, answer=None):
    tail = "" if answer is None else (" true" if answer else " false")
    write_line("%s ok %d %d%s" % (seq, t0, t1, tail))


def reply_err(seq, t0, t1, kind, message):
    message = " ".join(str(message).split()) or kind
    write_line("%s err %d %d %s %s" % (seq, t0, t1, kind, message))


def die(message, code=2):
    """A driver bug or unusable input: say why on stderr and exit at once."""
    try:
        sys.stderr.write("driver.py: %s\n" % message)
        sys.stderr.flush()
    finally:
        os._exit(code)


def parse_timeout(text):
    """'inf' -> None, else seconds >= 0; a negative number means 0."""
    if text == "inf":
        return None
    if not re.match(r"^-?[0-9]+(\.[0-9]+)?$", text):
        raise ValueError("bad timeout '%s' (inf, 0 or seconds)" % text)
    return max(0.0, float(text))


class Handle:
    """One library object on its own thread; requests arrive on a queue.

    Thread safety: `requests` is the only shared state (queue.Queue)."""

    def __init__(self, adapter_class, name, path):
        self.requests = queue.Queue()
        self.thread = threading.Thread(
            target=self._run, args=(adapter_class, path),
            name="handle-" + name, daemon=True)

    def start(self):
        self.thread.start()

    def _run(self, adapter_class, path):
        try:
            self._serve(adapter_class, path)
        except BaseException:  # a driver bug, never a verdict
            die("driver bug on thread %s:\n%s" %
                (threading.current_thread().name, traceback.format_exc()))

    def _serve(self, adapter_class, path):
        seq = self.requests.get()
        t0 = now()
        try:
            adapter = adapter_class(path)
        except adapters.Outcome as o:
            reply_err(seq, t0, now(), o.kind, o.message)
            adapter = None
        else:
            reply_ok(seq, t0, now())
        while True:
            seq, op, arg = self.requests.get()
            if op == "close":
                t0 = now()
                if adapter is not None:
                    try:
                        adapter.close()
                    except adapters.Outcome as o:
                        reply_err(seq, t0, now(), o.kind, o.message)
                        return
                reply_ok(seq, t0, now())
                return
            if adapter is None:
                reply_err(seq, now(), now(), "Error",
                          "the handle's lock object could not be made")
                continue
            t0 = now()
            try:
                answer = getattr(adapter, op)(*arg)
            except adapters.Outcome as o:
                reply_err(seq, t0, now(), o.kind, o.message)
            else:
                reply_ok(seq, t0, now(), answer)


class Driver:
    """Reads requests from stdin and dispatches them to handles.

    Thread safety: only the main thread touches `handles`."""

    def __init__(self, adapter_class):
        self.adapter_class = adapter_class
        self.features = set(adapter_class.FEATURES)
        self.handles = {}

    def serve(self, stream):
        write_line("lockstress-driver 1 %s %s" % (
            self.adapter_class.NAME, ",".join(self.adapter_class.FEATURES)))
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if not self.request(line):
                break
        # End of input or quit: holding objects die with us, but the
        # libraries' atexit hooks run (lockfile's SQLiteLockFile removes its
        # database there); os._exit does not wait for handle threads.
        atexit._run_exitfuncs()
        os._exit(0)

    def request(self, line):
        fields = line.split(" ")
        if not SEQ.match(fields[0]):
            die("malformed request without a readable seq: %r" % line)
        seq = fields[0]
        t0 = now()
        try:
            return self.dispatch(seq, fields[1:], line)
        except ValueError as e:
            reply_err(seq, t0, now(), "Error",
                      "malformed request %r: %s" % (line, e))
            return True

    def dispatch(self, seq, fields, line):
        if "" in fields or not fields:
            raise ValueError("empty field")
        op = fields[0]
        if op == "quit":
            if len(fields) != 1:
                raise ValueError("quit takes nothing")
            t = now()
            reply_ok(seq, t, t)
            return False
        if op == "open":
            if len(fields) < 3:
                raise ValueError("open takes a handle and a path")
            name = self.handle_name(fields[1])
            path = line.split(" ", 3)[3]
            if name in self.handles:
                t = now()
                reply_err(seq, t, t, "Error", "handle %s is already open" %
                          name)
                return True
            handle = Handle(self.adapter_class, name, path)
            self.handles[name] = handle
            handle.requests.put(seq)
            handle.start()
            return True
        arity = {"acquire": 3, "acquire_shared": 3}.get(op, 2)
        if op not in ("acquire", "acquire_shared", "release", "is_locked",
                      "i_am_locking", "break", "close"):
            raise ValueError("unknown request '%s'" % op)
        if len(fields) != arity:
            raise ValueError("%s takes %d field(s)" % (op, arity - 1))
        name = self.handle_name(fields[1])
        args = ()
        if arity == 3:
            timeout = parse_timeout(fields[2])
            args = (timeout,)
        handle = self.handles.get(name)
        if handle is None:
            t = now()
            reply_err(seq, t, t, "Error", "handle %s is not open" % name)
            return True
        missing = self.missing_feature(op, args)
        if missing:
            t = now()
            reply_err(seq, t, t, "Unsupported", "%s is not declared" % missing)
            return True
        if op == "close":
            del self.handles[name]
        method = {"break": "break_lock"}.get(op, op)
        handle.requests.put((seq, method, args))
        return True

    def handle_name(self, text):
        if not HANDLE.match(text):
            raise ValueError("bad handle '%s'" % text)
        return text

    def missing_feature(self, op, args):
        need = []
        if op in ("acquire", "acquire_shared"):
            timeout = args[0]
            need.append("blocking" if timeout is None else
                        "nonblocking" if timeout == 0 else "timeout")
            if op == "acquire_shared":
                need.append("shared")
        elif op in QUERY_FEATURE:
            need.append(QUERY_FEATURE[op])
        for feature in need:
            if feature not in self.features:
                return feature
        return None


def main(argv):
    if len(argv) != 2 or argv[1] not in adapters.ADAPTERS:
        die("usage: driver.py ADAPTER (one of: %s)" %
            ", ".join(sorted(adapters.ADAPTERS)))
    try:
        adapter_class = adapters.load(argv[1])
    except ImportError as e:
        die("adapter %s: its library cannot be imported: %s" % (argv[1], e))
    try:
        Driver(adapter_class).serve(sys.stdin.buffer)
    except BaseException:
        die("driver bug:\n%s" % traceback.format_exc())


if __name__ == "__main__":
    main(sys.argv)
