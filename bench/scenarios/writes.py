"""Scenario 5, writes: session creations and registrations per second with SQLite's
`synchronous = NORMAL` (what Convene uses), and what `FULL` would cost (docs/performance.md).

How: for each mode, alternately (normal, full, normal, full…), a fresh Convene on a fresh
database; an organizer signs up and makes an event with one session a month ahead. Then N
client threads, each with its own keep-alive connection, send requests back to back for a
fixed time, one route after the other:
  - create: POST /api/sessions {title} as the organizer (cookie);
  - register: POST /api/public/events/{slug}/registrations, each with a new email and a new
    X-Forwarded-For (the route allows 30 a minute per client address; --trusted-proxy
    127.0.0.1 makes the server believe the header). Each registration also queues its
    emails, which the server's relay then writes as .eml files: that is part of the load.
Reported per route and mode: requests/s, p50/p99 latency, failed requests, and the CPU used
by the server and by this client (if the client uses a whole core, it is the limit).

The mode is set with `convene serve --sqlite-synchronous normal|full`. A binary without that
flag (src/storage/connection.cpp hard-codes NORMAL) is measured in NORMAL only, and the
results say so.

    python3 bench/scenarios/writes.py [--quick] [--synchronous normal|full|both]
                                      [--clients N] [--duration S] [--runs N]
Results: bench/results/writes.json and bench/results/writes.md.
"""
import argparse
import datetime
import itertools
import os
import threading
import time
from collections import Counter

import common

FLAG = "--sqlite-synchronous"


def load(port, cookie, clients, duration, make_request):
    """`clients` threads call make_request(n) -> (method, path, body, headers) back to back
    for `duration` seconds. Returns latencies (s) of 2xx answers and a Counter of statuses."""
    latencies, statuses, lock = [], Counter(), threading.Lock()
    counter = itertools.count()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client():
        api = common.Api(port, cookie)
        mine, seen = [], Counter()
        start.wait()
        while time.monotonic() < stop_at[0]:
            method, path, body, headers = make_request(next(counter))
            began = time.perf_counter()
            try:
                status = api.call(method, path, body, headers)[0]
            except Exception as e:  # noqa: BLE001 (counted and reported, never hidden)
                status = type(e).__name__
            if isinstance(status, int) and 200 <= status < 300:
                mine.append(time.perf_counter() - began)
            seen[status] += 1
        api.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + duration
    start.wait()
    for t in threads:
        t.join()
    return latencies, statuses


def measure(server, cookie, args, route, make_request):
    cpu_before, client_before = common.cpu_seconds(server.pid), os.times()
    began = time.monotonic()
    latencies, statuses = load(server.port, cookie, args.clients, args.duration, make_request)
    wall = time.monotonic() - began
    client_after = os.times()
    ok = sum(n for s, n in statuses.items() if isinstance(s, int) and 200 <= s < 300)
    return {
        "route": route, "requests_per_s": ok / wall, "ok": ok,
        "failed": {str(s): n for s, n in statuses.items()
                   if not (isinstance(s, int) and 200 <= s < 300)},
        "p50_ms": common.percentile(latencies, 50) * 1000 if latencies else None,
        "p99_ms": common.percentile(latencies, 99) * 1000 if latencies else None,
        "server_cpu_cores": (common.cpu_seconds(server.pid) - cpu_before) / wall,
        "client_cpu_cores": (client_after.user + client_after.system
                             - client_before.user - client_before.system) / wall,
    }


def one_run(binary, tmp, mode, flag_supported, args, run):
    extra = [FLAG, mode] if flag_supported else []
    with common.Server(binary, tmp / ("writes-%s-%d.db" % (mode, run)), extra).start() as server:
        api = common.Api(server.port)
        common.sign_up(api, "organizer@example.org")
        _, event, _ = api.call("POST", "/api/events", {"title": "Writes benchmark"}, expect=201)
        start = (datetime.datetime.utcnow() + datetime.timedelta(days=30)).strftime(
            "%Y-%m-%dT10:00")
        _, made, _ = api.call("POST", "/api/events/%s/sessions" % event["id"],
                              {"start": start, "timezone": "Europe/Paris"}, expect=201)
        session_id = made["sessions"][0]["id"]
        api.close()

        def create(n):
            return "POST", "/api/sessions", {"title": "Session %d" % n}, None

        def register(n):
            address = "10.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)
            return ("POST", "/api/public/events/%s/registrations" % event["slug"],
                    {"session_id": session_id, "name": "Registrant %d" % n,
                     "email": "r%d@example.org" % n, "timezone": "Europe/Paris"},
                    {"X-Forwarded-For": address})

        results = []
        for route, make_request in (("create", create), ("register", register)):
            common.log("writes: %s, synchronous=%s, run %d/%d" % (route, mode, run, args.runs))
            result = measure(server, api.cookie, args, route, make_request)
            result.update(mode=mode, run=run)
            results.append(result)
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s per route, 1 run")
    parser.add_argument("--synchronous", choices=("normal", "full", "both"), default="both")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per route (10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each mode (3)")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.runs = 2, 1
    common.setup()

    notes = []
    modes = ["normal", "full"] if args.synchronous == "both" else [args.synchronous]
    with common.temp_dir("writes") as tmp:
        binary, version = common.snapshot_binary(tmp)
        flag_supported = FLAG in common.binary_help(binary)
        if not flag_supported:
            notes.append("This Convene has no `%s` flag (src/storage/connection.cpp hard-codes "
                         "`PRAGMA synchronous = NORMAL`): NORMAL only, FULL not measured." % FLAG)
            modes = ["normal"]
        runs = []
        for run in range(1, args.runs + 1):
            for mode in list(modes):
                try:
                    runs += one_run(binary, tmp, mode, flag_supported, args, run)
                except RuntimeError as e:
                    if mode != "full" or "exited" not in str(e):
                        raise
                    notes.append("The server refused `%s full`; FULL not measured:\n\n```\n%s\n```"
                                 % (FLAG, str(e).strip()[-1000:]))
                    modes.remove("full")
    summarize(args, version, runs, notes)


def summarize(args, version, runs, notes):
    def med(route, mode, key):
        return common.median([r[key] for r in runs if r["route"] == route and r["mode"] == mode
                              and r[key] is not None])

    lines = ["# Scenario 5: writes, synchronous NORMAL and FULL", "",
             "%s; %s. %d clients, %g s per route; medians of %d runs of each mode, alternating%s."
             % (common.machine(), version, args.clients, args.duration, args.runs,
                " (--quick)" if args.quick else ""), "",
             "| route | synchronous | requests/s | p50 ms | p99 ms | failed | server CPU (cores) "
             "| client CPU (cores) |",
             "|---|---|---:|---:|---:|---|---:|---:|"]
    modes = sorted({r["mode"] for r in runs}, key=["normal", "full"].index)
    summary = {}
    for route, label in (("create", "POST /api/sessions"),
                         ("register", "POST /api/public/events/{slug}/registrations")):
        for mode in modes:
            failed = Counter()
            for r in runs:
                if r["route"] == route and r["mode"] == mode:
                    failed.update(r["failed"])
            lines.append("| %s | %s | %.0f | %.2f | %.2f | %s | %.2f | %.2f |" % (
                label, mode.upper(), med(route, mode, "requests_per_s"),
                med(route, mode, "p50_ms"), med(route, mode, "p99_ms"),
                ", ".join("%s: %d" % item for item in sorted(failed.items())) or "0",
                med(route, mode, "server_cpu_cores"), med(route, mode, "client_cpu_cores")))
            summary.setdefault(route, {})[mode] = {
                "requests_per_s": med(route, mode, "requests_per_s"),
                "p50_ms": med(route, mode, "p50_ms"), "p99_ms": med(route, mode, "p99_ms")}
        if len(modes) == 2:
            cost = summary[route]["full"]["requests_per_s"] / summary[route]["normal"][
                "requests_per_s"]
            summary[route]["full_over_normal"] = cost
            lines.append("| %s | **FULL / NORMAL** | **%.2f×** | | | | | |" % (label, cost))
    lines += ["", "NORMAL in WAL mode syncs the log only at checkpoints: a power cut may lose the "
              "last commits, never corrupt the database. FULL syncs the log at every commit: "
              "one more fsync per write transaction%s." % (
                  ", which is what the FULL / NORMAL rows measure on this machine's disk"
                  if len(modes) == 2 else "")]
    for note in notes:
        lines += ["", "**" + note.split("\n")[0] + "**"] + note.split("\n")[1:]
    common.write_results("writes", {
        "scenario": "writes", "quick": args.quick, "machine": common.machine(),
        "convene": version, "clients": args.clients, "duration_s": args.duration,
        "runs": runs, "summary": summary, "notes": notes}, lines)


if __name__ == "__main__":
    main()
