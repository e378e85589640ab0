"""Scenario 4, HTTP: Convene's requests per second and p99 latency on two routes, against nginx
serving a static file of the same size (docs/performance.md; targets: at least 0.8x nginx's
requests per second, p99 under 5 ms).

How: one Convene (fresh database; an organizer signs up and creates a session) and one private
nginx (its own config in a temp dir, one worker per core, daemon off, a free port) serving
Convene's own answers, byte for byte, as static files. `wrk` (2 threads, 64 connections,
10 s) then loads, alternating ours and nginx, at least 3 runs of each:
  - join: POST /api/join {code} (each join makes a participant: it is a write). Joins are
    rate-limited per client address, so the Lua script gives every request its own
    X-Forwarded-For (believed from 127.0.0.1, --trusted-proxy); nginx gets GETs of the
    same-sized file with the same headers;
  - session: GET /api/sessions/{id} as its owner (the sign-in cookie).
Reported: medians of requests/s and p50/p99 (wrk's latency histogram), the ratio
ours/nginx, and any non-2xx answer or socket error (after a run with non-2xx answers, one
probe request shows which status Convene gives).

    python3 bench/scenarios/http.py [--quick] [--duration S] [--runs N]
Results: bench/results/http.json and bench/results/http.md.
"""
import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import common

# Prints wrk's summary as one JSON line (latencies in microseconds).
REPORT_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"duration_us":%d,"non2xx":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""

# Each request from its own address: 10.<thread>.<n / 256>.<n % 256>.
VARYING_ADDRESS_LUA = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
request = function()
  n = n + 1
  local address = string.format("10.%d.%d.%d", id, math.floor(n / 256) % 256, n % 256)
  return wrk.format(METHOD, PATH, {["Content-Type"] = "application/json",
                                   ["X-Forwarded-For"] = address}, BODY)
end
"""


def lua_string(value):
    return json.dumps(value)  # a JSON string is a valid Lua string literal here (ASCII)


def write_lua(path, prelude):
    Path(path).write_text(prelude + "\n" + REPORT_LUA)
    return str(path)


def varying_address_lua(path, method, url_path, body):
    """A wrk script sending `method url_path` (with `body`), each request from its own
    address."""
    prelude = "METHOD, PATH, BODY = %s, %s, %s\n" % (
        lua_string(method), lua_string(url_path), lua_string(body) if body else "nil")
    return write_lua(path, prelude + VARYING_ADDRESS_LUA)


def wrk(args, url, script):
    command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
               "-d", "%ds" % args.duration, "-s", script, url]
    out = subprocess.run(command, capture_output=True, text=True,
                         timeout=args.duration + 60).stdout
    line = next((l for l in out.splitlines() if l.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError("wrk printed no summary:\n" + out)
    r = json.loads(line[len("WRK_JSON "):])
    return {"requests_per_s": r["requests"] / (r["duration_us"] / 1e6),
            "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
            "max_ms": r["max_us"] / 1000, "requests": r["requests"], "non2xx": r["non2xx"],
            "socket_errors": r["connect"] + r["read"] + r["write"] + r["timeout"]}


class Nginx:
    """A private nginx serving DIR/www, stopped on exit."""

    def __init__(self, directory):
        self.dir, self.port = Path(directory), common.free_port()
        self.www = self.dir / "www"
        self.www.mkdir(parents=True)
        # nginx's workers run as nobody: they must be able to read the files.
        for path in (self.dir.parent, self.dir, self.www):
            os.chmod(path, 0o755)
        conf = self.dir / "nginx.conf"
        conf.write_text(f"""
worker_processes {os.cpu_count()};
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    default_type application/json;
    # Keep connections as long as Convene does (nginx closes one after 1000 by default).
    keepalive_requests 100000000;
    client_body_temp_path {self.dir}/body;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.www};
    }}
}}
""")
        self.command = ["nginx", "-e", str(self.dir / "nginx-error.log"), "-c", str(conf),
                        "-p", str(self.dir)]
        self.proc = None

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def serve(self, name, data):
        (self.www / name).write_bytes(data)
        os.chmod(self.www / name, 0o644)

    def start(self, probe_path):
        self.proc = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(250):  # bounded: 5 s
            if self.proc.poll() is not None:
                break
            try:
                api = common.Api(self.port)
                if api.call("GET", probe_path)[0] == 200:
                    api.close()
                    return self
            except OSError:
                pass
            time.sleep(0.02)
        log = (self.dir / "nginx-error.log").read_text(errors="replace")
        raise RuntimeError("nginx did not start:\n" + log[-3000:])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s runs")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each server and route (3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if args.quick:
        args.duration = 2
    common.setup()

    with common.temp_dir("http") as tmp:
        binary, version = common.snapshot_binary(tmp)
        with common.Server(binary, tmp / "bench.db").start() as convene, \
                Nginx(tmp / "nginx") as nginx:
            api = common.Api(convene.port)
            common.sign_up(api, "organizer@example.org")
            _, session, _ = api.call("POST", "/api/sessions", {"title": "HTTP benchmark"},
                                     expect=201)
            session_path = "/api/sessions/" + session["id"]
            join_body = json.dumps({"code": session["code"]})
            # Convene's answers, served by nginx byte for byte: the same sizes.
            api.call("POST", "/api/join", {"code": session["code"]},
                     {"X-Forwarded-For": "10.255.0.1"}, expect=200)
            join_answer = api.last_body
            api.call("GET", session_path, expect=200)
            session_answer = api.last_body
            nginx.serve("join.json", join_answer)
            nginx.serve("session.json", session_answer)
            nginx.start("/session.json")
            sizes = {"join": len(join_answer), "session": len(session_answer)}
            common.log("answer sizes (bytes): %s" % sizes)

            session_lua = write_lua(tmp / "session.lua",
                                    'wrk.headers["Cookie"] = %s\n' % lua_string(api.cookie))
            targets = {  # (route, server): (URL, wrk script)
                ("join", "convene"): (convene.base + "/api/join", varying_address_lua(
                    tmp / "join.lua", "POST", "/api/join", join_body)),
                ("join", "nginx"): (nginx.base + "/join.json", varying_address_lua(
                    tmp / "join-nginx.lua", "GET", "/join.json", None)),
                ("session", "convene"): (convene.base + session_path, session_lua),
                ("session", "nginx"): (nginx.base + "/session.json", session_lua),
            }

            runs = []
            for run in range(1, args.runs + 1):
                for route in ("join", "session"):
                    for server in ("convene", "nginx"):
                        common.log("wrk: %s on %s, run %d/%d" % (route, server, run, args.runs))
                        result = wrk(args, *targets[(route, server)])
                        result.update(route=route, server=server, run=run)
                        if result["non2xx"] and server == "convene":
                            result["probe"] = probe(api, route, session_path, join_body)
                        runs.append(result)
            api.close()

    summarize(args, version, sizes, runs)


def probe(api, route, session_path, join_body):
    """One request like wrk's, from a new address: which status does Convene answer now?"""
    if route == "join":
        status, answer, _ = api.call("POST", "/api/join", json.loads(join_body),
                                     {"X-Forwarded-For": "10.254.1.1"})
    else:
        status, answer, _ = api.call("GET", session_path)
    code = (answer or {}).get("error", {}).get("code") if isinstance(answer, dict) else None
    return {"status": status, "code": code}


def summarize(args, version, sizes, runs):
    def med(route, server, key):
        return common.median([r[key] for r in runs if r["route"] == route
                              and r["server"] == server])

    summary = {}
    lines = ["# Scenario 4: HTTP against nginx", "",
             "%s; %s. wrk: %d threads, %d connections, %d s per run; medians of %d runs each, "
             "alternating ours and nginx%s." % (common.machine(), version, args.threads,
                                                args.connections, args.duration, args.runs,
                                                " (--quick)" if args.quick else ""), "",
             "| route | answer bytes | server | requests/s | p50 ms | p99 ms | max ms "
             "| non-2xx | socket errors |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for route, label in (("join", "POST /api/join"), ("session", "GET /api/sessions/{id}")):
        for server in ("convene", "nginx"):
            mine = [r for r in runs if r["route"] == route and r["server"] == server]
            lines.append("| %s | %d | %s | %.0f | %.2f | %.2f | %.1f | %d | %d |" % (
                label, sizes[route], server, med(route, server, "requests_per_s"),
                med(route, server, "p50_ms"), med(route, server, "p99_ms"),
                med(route, server, "max_ms"), sum(r["non2xx"] for r in mine),
                sum(r["socket_errors"] for r in mine)))
        ratio = med(route, "convene", "requests_per_s") / med(route, "nginx", "requests_per_s")
        p99 = med(route, "convene", "p99_ms")
        lines.append("| %s | | **ratio ours/nginx** | **%.2f×** | | | | | |" % (label, ratio))
        summary[route] = {"ratio": ratio, "p99_ms": p99, "ratio_met": ratio >= 0.8,
                          "p99_met": p99 < 5.0}
    lines += ["", "| target | join | session |", "|---|---|---|",
              "| ≥ 0.8× nginx's requests/s | %.2f× %s | %.2f× %s |" % (
                  summary["join"]["ratio"], met(summary["join"]["ratio_met"]),
                  summary["session"]["ratio"], met(summary["session"]["ratio_met"])),
              "| p99 < 5 ms | %.2f ms %s | %.2f ms %s |" % (
                  summary["join"]["p99_ms"], met(summary["join"]["p99_met"]),
                  summary["session"]["p99_ms"], met(summary["session"]["p99_met"]))]
    failed = [r for r in runs if r["server"] == "convene" and (r["non2xx"] or r["socket_errors"])]
    for r in failed:
        lines.append("")
        lines.append("**Run %d of %s had %d non-2xx answers and %d socket errors%s.**" % (
            r["run"], r["route"], r["non2xx"], r["socket_errors"],
            "; a probe right after answered %(status)s %(code)s" % r["probe"]
            if "probe" in r else ""))
        if r.get("probe", {}).get("status") == 429:
            lines.append("The per-address rate limit still bites despite the varying "
                         "X-Forwarded-For.")
    common.write_results("http", {
        "scenario": "http", "quick": args.quick, "machine": common.machine(),
        "convene": version, "wrk": {"threads": args.threads, "connections": args.connections,
                                    "duration_s": args.duration},
        "answer_bytes": sizes, "runs": runs, "summary": summary}, lines)


def met(ok):
    return "met" if ok else "**not met**"


if __name__ == "__main__":
    main()
