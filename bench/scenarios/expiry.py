"""Scenario 6, expiry: 100k sessions ending across 10 minutes, then 10k ending in the same
second (docs/performance.md; targets: every session closed within 1 s of its end date, idle
CPU near zero otherwise, the end-date index used).

How Convene closes sessions (src/domain/session_service.cpp, src/app/app.cpp,
src/jobs/scheduler.cpp): one scheduler thread sleeps until the earliest `ends_at` of an open
session (`kSelectNextEndDate`, at most 60 s), then `CloseExpired(now)` reads every open
session with `ends_at <= now` (`kSelectExpired`) and, in one transaction, updates each one
and appends a `closed` audit entry, then pushes `closed` to its live sockets. `closed_at` is
set to `ends_at` (even when late), so lateness is measured by the audit entry's `at`
(seconds, every session) and by the `closed` WebSocket message (milliseconds, a sample).

How: a fresh database is migrated by the server (an organizer signs up), the server is
stopped, and the sessions are inserted directly with sqlite3 as SessionService::Create
would (a `join` slide each, unique codes and links). Then the server starts; this script
subscribes to a sample of the sessions over WebSocket as their owner, samples the server's
CPU time (/proc/PID/stat) every second, and waits until the last end date has passed.
Reported: close lateness (WebSocket ms, audit s), sessions left open, the server's CPU in
the idle windows (before the first end, between the two batches, after the last) and while
closing, and EXPLAIN QUERY PLAN of the statements the auto-close job runs.

    python3 bench/scenarios/expiry.py [--quick] [--sessions N] [--spread S] [--burst N]
Results: bench/results/expiry.json and bench/results/expiry.md.
"""
import argparse
import json
import os
import random
import selectors
import sqlite3
import threading
import time

import common

# What one wake of the auto-close job runs (src/app/app.cpp MakeJobs: every job runs at every
# wake, so housekeeping's two deletes too).
STATEMENTS = [
    ("session_repository.cpp", "kSelectExpired"),
    ("session_repository.cpp", "kUpdateSession"),
    ("session_repository.cpp", "kSelectNextEndDate"),
    ("session_repository.cpp", "kPurgeTrash"),
    ("credential_repository.cpp", "kDeleteExpiredLoginSessions"),
]


def insert_sessions(db_path, owner_id, ends):
    """Inserts one open standard session (and its join slide) per end date in `ends`."""
    now = int(time.time())
    codes = random.sample(range(1_000_000), len(ends))
    ids = [common.new_id() for _ in ends]
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        slides = [(common.new_id(), sid, now) for sid in ids]
        db.executemany("INSERT INTO sessions (id, owner_id, title, kind, status, code, "
                       "link_token, active_slide_id, created_at, ends_at) "
                       "VALUES (?, ?, ?, 'standard', 'open', ?, ?, ?, ?, ?)",
                       ((sid, owner_id, "Expiry %d" % i, "%06d" % codes[i], common.new_token(),
                         slides[i][0], now, ends[i]) for i, sid in enumerate(ids)))
        db.executemany("INSERT INTO slides (id, session_id, position, kind, title, body, "
                       "created_at) VALUES (?, ?, 0, 'join', 'Join', '', ?)", slides)
    db.close()
    return ids


class Watcher:
    """WebSocket subscriptions to sampled sessions; records when each `closed` arrives."""

    def __init__(self, port, cookie, session_ids):
        self.closed_at = {}  # session id -> wall-clock time of its `closed` message
        self.selector = selectors.DefaultSelector()
        self.sockets = []
        for sid in session_ids:
            ws = common.WebSocket(port, "/ws/sessions/" + sid, {"Cookie": cookie})
            self.selector.register(ws, selectors.EVENT_READ, sid)
            self.sockets.append(ws)
        self.stopping = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping:
            for key, _ in self.selector.select(timeout=0.2):
                now = time.time()
                ws = key.fileobj
                for text in ws.feed():
                    if json.loads(text).get("type") == "closed":
                        self.closed_at.setdefault(key.data, now)
                if ws.closed:
                    self.selector.unregister(ws)

    def close(self):
        self.stopping = True
        self.thread.join()
        for ws in self.sockets:
            ws.close()


class CpuSampler:
    """The server's CPU time every second: [(wall time, cpu seconds)]."""

    def __init__(self, pid):
        self.pid, self.samples, self.stopping = pid, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.samples.append((time.time(), common.cpu_seconds(self.pid)))
            except OSError:
                return  # the server is gone
            self.stopping.wait(1.0)

    def window(self, start, end):
        """CPU used between two wall-clock times, from the samples inside them."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None
        (t0, c0), (t1, c1) = inside[0], inside[-1]
        return {"start": t0, "seconds": t1 - t0, "cpu_s": c1 - c0,
                "cpu_percent": 100 * (c1 - c0) / (t1 - t0),
                "ticks_per_s": (c1 - c0) * os.sysconf("SC_CLK_TCK") / (t1 - t0)}

    def stop(self):
        self.stopping.set()
        self.thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="2k sessions across 30 s, then 1k in one second")
    parser.add_argument("--sessions", type=int, default=100_000, help="spread sessions (100k)")
    parser.add_argument("--spread", type=int, default=600, help="across this many seconds (600)")
    parser.add_argument("--burst", type=int, default=10_000, help="ending in one second (10k)")
    parser.add_argument("--sample", type=int, default=100,
                        help="sessions watched over WebSocket in each batch (100)")
    parser.add_argument("--lead", type=int, default=45,
                        help="seconds from inserting to the first end date (45)")
    parser.add_argument("--gap", type=int, default=30,
                        help="idle seconds between the last spread end and the burst (30)")
    parser.add_argument("--after", type=int, default=15, help="seconds watched after the burst")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.spread, args.burst = 2_000, 30, 1_000
        args.sample, args.lead, args.gap, args.after = 50, 15, 10, 8
    common.setup()

    with common.temp_dir("expiry") as tmp:
        binary, version = common.snapshot_binary(tmp)
        db_path = str(tmp / "expiry.db")
        user, cookie = common.migrate_with_organizer(binary, db_path)

        first_end = int(time.time()) + args.lead
        spread_ends = [first_end + i * args.spread // args.sessions for i in range(args.sessions)]
        burst_end = first_end + args.spread + args.gap
        began = time.monotonic()
        ids = insert_sessions(db_path, user["id"], spread_ends + [burst_end] * args.burst)
        spread_ids, burst_ids = ids[:args.sessions], ids[args.sessions:]
        insert_s = time.monotonic() - began
        common.log("inserted %d + %d sessions in %.1f s" % (args.sessions, args.burst, insert_s))

        step = max(1, args.sessions // args.sample)
        sample = {sid: end for sid, end in list(zip(spread_ids, spread_ends))[::step]}
        sample.update((sid, burst_end) for sid in random.sample(burst_ids, args.sample))

        with common.Server(binary, db_path).start() as server:
            cpu = CpuSampler(server.pid)
            watcher = Watcher(server.port, cookie, list(sample))
            subscribed = time.time()
            try:
                if subscribed > first_end - 2:
                    raise SystemExit("subscribed only %.1f s before the first end date: use a "
                                     "larger --lead" % (first_end - subscribed))
                common.log("watching %d sessions; first end in %.0f s, burst in %.0f s"
                           % (len(sample), first_end - subscribed, burst_end - subscribed))
                time.sleep(max(0.0, burst_end + args.after - time.time()))
            finally:
                watcher.close()
                cpu.stop()

        db = sqlite3.connect(db_path)
        report(args, version, db, sample, watcher.closed_at, cpu, insert_s,
               subscribed, first_end, burst_end)


def report(args, version, db, sample, closed_at, cpu, insert_s, subscribed, first_end,
           burst_end):
    spread_end = first_end + args.spread  # one past the last spread end date

    def lateness(sids):
        delays = [(closed_at[sid] - sample[sid]) * 1000 for sid in sids if sid in closed_at]
        return {"watched": len(sids), "closed_message": len(delays),
                "p50_ms": common.percentile(delays, 50) if delays else None,
                "max_ms": max(delays) if delays else None,
                "over_1s": sum(d > 1000 for d in delays)}

    ws = {"spread": lateness([s for s, end in sample.items() if end < spread_end]),
          "burst": lateness([s for s, end in sample.items() if end == burst_end])}
    # Every session: its `closed` audit entry (seconds) against its end date.
    rows = db.execute("SELECT s.ends_at = ?, s.status, a.at - s.ends_at FROM sessions s "
                      "LEFT JOIN session_audit a ON a.session_id = s.id AND a.action = 'closed'",
                      (burst_end,)).fetchall()
    audit = {}
    for batch, is_burst in (("spread", 0), ("burst", 1)):
        mine = [r for r in rows if r[0] == is_burst]
        lags = [r[2] for r in mine if r[2] is not None]
        audit[batch] = {"sessions": len(mine), "still_open": sum(r[1] == "open" for r in mine),
                        "lag_0s": lags.count(0), "lag_1s": lags.count(1),
                        "lag_over_1s": sum(l > 1 for l in lags),
                        "max_lag_s": max(lags) if lags else None}
    windows = {
        "idle before the first end": cpu.window(subscribed + 1, first_end - 0.5),
        "closing the spread": cpu.window(first_end, spread_end + 1),
        "idle between the batches": cpu.window(spread_end + 2, burst_end - 0.5),
        "closing the burst": cpu.window(burst_end - 0.5, burst_end + 3),
        "idle after the burst": cpu.window(burst_end + 3, burst_end + args.after),
    }
    plans = {}
    for file_name, constant in STATEMENTS:
        plan = common.query_plan(db, common.repository_sql(file_name, constant))
        plans[constant] = {"plan": plan, "full_scans": common.full_scans(plan)}

    lines = ["# Scenario 6: expiry", "",
             "%s; %s%s. %d sessions ending across %d s, then %d ending at the same second; "
             "%d of each watched over WebSocket. Rows inserted in %.1f s."
             % (common.machine(), version, " (--quick)" if args.quick else "", args.sessions,
                args.spread, args.burst, args.sample, insert_s), "",
             "| batch | sessions | still open | closed in the same second (audit) | 1 s late "
             "| > 1 s late | max s | WebSocket `closed` p50 ms | max ms | > 1 s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for batch in ("spread", "burst"):
        a, w = audit[batch], ws[batch]
        lines.append("| %s | %d | %d | %d | %d | %d | %s | %s | %s | %d of %d%s |" % (
            batch, a["sessions"], a["still_open"], a["lag_0s"], a["lag_1s"], a["lag_over_1s"],
            a["max_lag_s"], fmt(w["p50_ms"]), fmt(w["max_ms"]), w["over_1s"],
            w["closed_message"], "" if w["closed_message"] == w["watched"]
            else " (**%d never got `closed`**)" % (w["watched"] - w["closed_message"])))
    lines += ["", "| server CPU | seconds | CPU % | ticks/s |", "|---|---:|---:|---:|"]
    for name, w in windows.items():
        lines.append("| %s | %s |" % (name, " | ".join(
            ("%.1f" % w["seconds"], "%.2f" % w["cpu_percent"], "%.2f" % w["ticks_per_s"])
            if w else ("too short",) * 3)))
    lines += ["", "Query plans (Python's SQLite %s, on the database after the run):" %
              sqlite3.sqlite_version, ""]
    for constant, p in plans.items():
        lines.append("- `%s`: %s%s" % (constant, "; ".join(p["plan"]) or "(no table read)",
                                       " — **full table scan**" if p["full_scans"] else ""))
    common.write_results("expiry", {
        "scenario": "expiry", "quick": args.quick, "machine": common.machine(),
        "convene": version, "sizes": vars(args), "insert_s": insert_s,
        "websocket_lateness": ws, "audit_lateness": audit, "cpu": windows,
        "cpu_samples": cpu.samples, "query_plans": plans}, lines)


def fmt(value):
    return "-" if value is None else "%.0f" % value


if __name__ == "__main__":
    main()
