"""Shared helpers for the benchmark scenarios in bench/scenarios/ (Python 3 stdlib only).

- Server: runs `build-bench/convene serve` on a free port with its own database and log,
  waits (bounded) until it answers HTTP, and always stops it (a `with` block).
- Api: JSON calls over one keep-alive connection; keeps the sign-in cookie, and sends the
  Origin the server wants with a cookie (docs/api.md, "Origin check").
- sign_up / sign_in, cpu_seconds (from /proc/PID/stat), WebSocket (a minimal client),
  repository_sql (a statement as written in src/storage/*_repository.cpp), ids and tokens
  in Convene's formats (for rows inserted directly), and the results files.

Every scenario calls `setup()` first: SIGTERM and SIGHUP then unwind like Ctrl-C, so that
the `with` blocks stop the processes and remove the temporary files on any exit.
"""
import base64
import contextlib
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# bench/scenarios/http.py (scenario 4) shadows the standard library's `http` for the scripts
# run from this folder: import the real one with the folder out of the path.
_PATH = sys.path[:]
sys.path[:] = [p for p in _PATH if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import http.client  # noqa: E402
sys.path[:] = _PATH
HTTPConnection = http.client.HTTPConnection  # for the scenarios (import common, not http)

ROOT = Path(__file__).resolve().parents[2]
BUILT_BINARY = ROOT / "build-bench" / "convene"
RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-1"


def setup():
    """Makes termination signals unwind the stack (closing every `with` block)."""
    def leave(signum, _frame):
        raise SystemExit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)
    os.chdir(ROOT)


def log(message):
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def temp_dir(prefix):
    path = Path(tempfile.mkdtemp(prefix="convene-bench-%s-" % prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def built_binary():
    """build-bench/convene, or the file named by $CONVENE_BENCH_BINARY (another build)."""
    return Path(os.environ.get("CONVENE_BENCH_BINARY", BUILT_BINARY))


def snapshot_binary(directory):
    """A private copy of build-bench/convene: the build may be replaced during a scenario, and
    every run of one scenario must use the same binary. Returns (path, `--version` text)."""
    source = built_binary()
    if not source.exists():
        raise SystemExit("no %s: build the bench preset first" % source)
    for attempt in range(5):
        copy = Path(directory) / "convene"
        shutil.copy2(source, copy)
        check = subprocess.run([str(copy), "--version"], capture_output=True, text=True)
        if check.returncode == 0:
            return copy, check.stdout.strip()
        time.sleep(3)  # the linker may be writing it: try a complete file again
    raise SystemExit("%s --version fails: %s" % (source, check.stderr.strip()))


def binary_help(binary):
    return subprocess.run([str(binary), "--help"], capture_output=True, text=True).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `convene serve` process; a context manager that always stops it."""

    def __init__(self, binary, db, extra_args=(), name="convene"):
        self.binary, self.db, self.extra_args = str(binary), str(db), list(extra_args)
        self.log_path = Path(str(db) + ".%s.log" % name)
        self.proc = None
        self.port = None

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def pid(self):
        return self.proc.pid

    def command(self):
        return [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--db", self.db,
                "--trusted-proxy", "127.0.0.1", "--log-level", "warn"] + self.extra_args

    def spawn(self):
        """Starts the process without waiting for it (start-up timing does its own wait)."""
        self.port = free_port()
        with open(self.log_path, "ab") as out:
            # Its own session: Ctrl-C reaches us, and we stop the server in order.
            self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def start(self, timeout=30.0):
        self.spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("convene exited with status %d at start-up:\n%s"
                                   % (self.proc.returncode, self.log()))
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            time.sleep(0.02)  # polling for the port to answer, bounded by the deadline
        self.stop()
        raise RuntimeError("convene did not answer within %.0f s:\n%s" % (timeout, self.log()))

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def stop(self, timeout=30.0):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log("convene did not stop within %.0f s of SIGTERM: killing it" % timeout)
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def cpu_seconds(pid):
    """User + system CPU time of a process (all its threads), from /proc/PID/stat."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After "pid (comm)": state is field 3, utime 14 and stime 15 (1-based, proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Api:
    """JSON over one keep-alive HTTP connection to a server, with its sign-in cookie."""

    def __init__(self, port, cookie=None):
        self.port, self.cookie = port, cookie
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, headers=None, expect=None):
        """Returns (status, JSON answer or None, response headers); `expect` raises on another
        status. The answer's bytes stay in `last_body`."""
        sent = {"Content-Type": "application/json"} if body is not None else {}
        if self.cookie:
            sent["Cookie"] = self.cookie
            sent["Origin"] = "http://127.0.0.1:%d" % self.port
        sent.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        try:
            self.conn.request(method, path, data, sent)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            # The server closed a kept-alive connection: one new connection, once.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, data, sent)
            response = self.conn.getresponse()
        raw = self.last_body = response.read()
        answer = json.loads(raw) if raw and "json" in response.getheader("Content-Type", "") \
            else None
        if expect is not None and response.status != expect:
            raise RuntimeError("%s %s: %d, expected %d: %s" % (method, path, response.status,
                                                               expect, raw[:300]))
        return response.status, answer, response.headers

    def close(self):
        self.conn.close()


def _keep_cookie(api, headers):
    match = re.search(r"convene_session=([^;]+)", headers.get("Set-Cookie", ""))
    if not match:
        raise RuntimeError("no convene_session cookie in the answer")
    api.cookie = "convene_session=" + match.group(1)


def sign_up(api, email, name="Bench organizer", password=PASSWORD):
    """POST /api/auth/signup; the Api keeps the cookie. Returns the user JSON."""
    _, user, headers = api.call("POST", "/api/auth/signup",
                                {"email": email, "password": password, "name": name}, expect=201)
    _keep_cookie(api, headers)
    return user


def sign_in(api, email, password=PASSWORD):
    """POST /api/auth/login; the Api keeps the cookie. Returns the user JSON."""
    _, user, headers = api.call("POST", "/api/auth/login",
                                {"email": email, "password": password}, expect=200)
    _keep_cookie(api, headers)
    return user


def migrate_with_organizer(binary, db, email="organizer@example.org"):
    """Starts a server once on a new database file (which migrates it), signs an organizer up,
    and stops it. Returns (user JSON, cookie): the sign-in session is in the database."""
    with Server(binary, db, name="migrate").start() as server:
        api = Api(server.port)
        user = sign_up(api, email)
        api.close()
    return user, api.cookie


# Identifiers as Convene draws them (src/util/random.cpp), for rows inserted directly.
def new_id():
    """26 characters of lower-case base32 from 16 random bytes (Random::Id)."""
    return base64.b32encode(os.urandom(16)).decode().lower().rstrip("=")


def new_token(prefix=""):
    """43 characters of base64url from 32 random bytes (Random::Token)."""
    return prefix + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def repository_sql(file_name, constant):
    """The text of `constexpr std::string_view <constant> = "…" "…";` in
    src/storage/<file_name>, with the file's #define'd column lists expanded: the statement
    as the server runs it, for EXPLAIN QUERY PLAN."""
    source = (ROOT / "src" / "storage" / file_name).read_text()
    macros = {m.group(1): m.group(2) for m in re.finditer(r"#define (\w+)((?:.*\\\n)*.*)", source)}

    def expand(text):  # string literals, and the macros among them, in order
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\b([A-Z_][A-Z0-9_]+)\b', text)
        return "".join(literal or expand(macros.get(name, "")) for literal, name in parts)

    match = re.search(r"std::string_view %s\s*=(.*?);" % constant, source, re.S)
    if not match:
        raise RuntimeError("no %s in src/storage/%s" % (constant, file_name))
    return expand(match.group(1))


def query_plan(db, sql):
    """EXPLAIN QUERY PLAN of a statement on a sqlite3 connection (every parameter bound to 0):
    one line per step, e.g. "SEARCH s USING INDEX sessions_open_ends_at (ends_at<?)"."""
    numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
    count = max(numbered) if numbered else sql.count("?")
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, [0] * count)]


def full_scans(plan):
    """The steps of a plan that read a whole table ("SCAN t" with no index)."""
    return [step for step in plan if step.startswith("SCAN ") and " USING " not in step
            and not step.startswith("SCAN CONSTANT")]


class WebSocket:
    """A minimal WebSocket client: the handshake, reading the server's (unmasked) frames, and
    answering pings, so the server does not drop a quiet socket. Nothing else is sent."""

    def __init__(self, port, path, headers=None, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port, "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        lines += ["%s: %s" % item for item in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("connection closed during the WebSocket handshake")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError("WebSocket upgrade of %s refused: %s" % (path, head[:200]))
        self.closed = False

    def fileno(self):
        return self.sock.fileno()

    def feed(self):
        """Reads what is available; returns the complete text messages (str). Call when the
        socket is readable."""
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
        self.buffer += chunk
        messages = []
        while True:
            frame = self._next_frame()
            if frame is None:
                return messages
            opcode, payload = frame
            if opcode == 1:
                messages.append(payload.decode())
            elif opcode == 9:  # ping: a masked pong with the same payload
                mask = os.urandom(4)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)
            elif opcode == 8:
                self.closed = True

    def _next_frame(self):
        data = self.buffer
        if len(data) < 2:
            return None
        opcode, length, offset = data[0] & 0x0F, data[1] & 0x7F, 2
        if length == 126:
            if len(data) < 4:
                return None
            length, offset = struct.unpack("!H", data[2:4])[0], 4
        elif length == 127:
            if len(data) < 10:
                return None
            length, offset = struct.unpack("!Q", data[2:10])[0], 10
        if len(data) < offset + length:
            return None
        self.buffer = data[offset + length:]
        if not data[0] & 0x80:
            raise RuntimeError("fragmented WebSocket message: not handled by this client")
        return opcode, data[offset:offset + length]

    def close(self):
        self.sock.close()


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def median(values):
    return statistics.median(values) if values else float("nan")


def machine():
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f
                      if line.startswith("model name")), "")
    return "%d cores, %s, %s" % (os.cpu_count(), model or platform.machine(), platform.release())


def write_results(name, data, markdown_lines):
    """bench/results/<name>.json and <name>.md; prints the Markdown."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with open(RESULTS / (name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    text = "\n".join(markdown_lines) + "\n"
    (RESULTS / (name + ".md")).write_text(text, encoding="utf-8")
    print(text)
    log("results: bench/results/%s.json and bench/results/%s.md" % (name, name))
