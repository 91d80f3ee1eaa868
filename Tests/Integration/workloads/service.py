"""A supervised process for the sidecar tests: it says what happens to it in a shared log.

usage: service.py NAME LOG [SETTING...] [STEP...]
Each line it appends to LOG is "NAME EVENT [DETAIL]", in one O_APPEND write, so processes
sharing the log never mix their lines. It logs "NAME start" first, runs the steps in order,
then waits for signals. Every catchable signal but CHLD and CONT is blocked from the start and
taken synchronously, also during the steps, so none is lost or acts by default.

settings:
  ignore SIG        log "NAME SIG ignored" and carry on (repeatable)
  stop-work SECS    on a stop signal, log "NAME stopping", work SECS, log "NAME stopped"
  stop-after FILE   the same, but work until FILE exists
  stop-code N       exit code after a stop signal (default 0)
steps:
  env VAR           log "NAME env VAR=VALUE" (or "NAME env VAR unset")
  sleep SECS        wait that long (still taking signals)
  after FILE        wait until FILE exists (still taking signals)
  touch FILE        log "NAME touching", then create FILE
  listen HOST:PORT  log "NAME listening", then listen for TCP connections there
  http PORT FILE    log "NAME serving", then answer HTTP GETs on 127.0.0.1:PORT: 200, or 500
                    while FILE exists; each answer logs "NAME http STATUS PATH"
  notify            log "NAME notifying", then send READY=1 to $NOTIFY_SOCKET (sd_notify)
  exit N            log "NAME exit N" and exit with N
A step is logged before it acts, so that its line comes before anything it causes.
Any signal not ignored logs "NAME SIG" and stops the process.
"""
import http.server
import os
import signal
import socket
import sys
import threading
import time

name, log_path, *words = sys.argv[1:]
passive = {signal.SIGCHLD, signal.SIGCONT, signal.SIGKILL, signal.SIGSTOP}
catchable = signal.valid_signals() - passive
signal.pthread_sigmask(signal.SIG_BLOCK, catchable)


def note(text):
    descriptor = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(descriptor, f"{name} {text}\n".encode())
    finally:
        os.close(descriptor)


def signal_name(number):
    try:
        return signal.Signals(number).name[3:]
    except ValueError:
        return f"RTMIN+{number - signal.SIGRTMIN}"


ignored, stop_work, stop_after, stop_code = set(), 0.0, None, 0
steps = []
index = 0
while index < len(words):
    word = words[index]
    if word == "notify":
        steps.append((word, None))
        index += 1
        continue
    if word == "http":
        steps.append((word, (words[index + 1], words[index + 2])))
        index += 3
        continue
    value = words[index + 1]
    index += 2
    if word == "ignore":
        ignored.add(value)
    elif word == "stop-work":
        stop_work = float(value)
    elif word == "stop-after":
        stop_after = value
    elif word == "stop-code":
        stop_code = int(value)
    else:
        steps.append((word, value))


def take_signal(timeout):
    """Waits up to `timeout` for a signal and acts on it."""
    info = signal.sigwaitinfo(catchable) if timeout is None else signal.sigtimedwait(catchable, timeout)
    if info is None:
        return
    received = signal_name(info.si_signo)
    if received in ignored:
        note(f"{received} ignored")
        return
    note(received)
    if stop_work or stop_after:
        note("stopping")
        time.sleep(stop_work)
        while stop_after and not os.path.exists(stop_after):
            time.sleep(0.01)
        note("stopped")
    os._exit(stop_code)


def wait_until(condition, deadline=None):
    while not condition() and (deadline is None or time.monotonic() < deadline):
        take_signal(0.01)


def serve_http(port, failing):
    """Answers GETs in a thread (signals stay blocked there too): 200, or 500 while `failing`
    exists."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 500 if os.path.exists(failing) else 200
            note(f"http {status} {self.path}")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *arguments):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    note("serving")
    threading.Thread(target=server.serve_forever, daemon=True).start()


note("start")
listener = None
for step, value in steps:
    if step == "env":
        note(f"env {value}={os.environ[value]}" if value in os.environ else f"env {value} unset")
    elif step == "sleep":
        wait_until(lambda: False, time.monotonic() + float(value))
    elif step == "after":
        wait_until(lambda: os.path.exists(value))
    elif step == "touch":
        note("touching")
        open(value, "a").close()
    elif step == "listen":
        host, port = value.rsplit(":", 1)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, int(port)))
        note("listening")
        listener.listen(16)
    elif step == "notify":
        address = os.environ["NOTIFY_SOCKET"]
        if address.startswith("@"):
            address = "\0" + address[1:]
        note("notifying")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notifier:
            notifier.sendto(b"READY=1", address)
    elif step == "http":
        serve_http(int(value[0]), value[1])
    elif step == "exit":
        note(f"exit {value}")
        os._exit(int(value))
    else:
        raise SystemExit(f"service.py: unknown step {step!r}")
while True:
    take_signal(None)
