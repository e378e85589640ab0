"""Scenario 7, start-up: how long Convene takes to serve with a database of 1M sessions and
100k registrations (docs/performance.md; target: serving in under 1 s).

The database: the server migrates an empty file and an organizer signs up; then, with the
server stopped, sqlite3 inserts in one transaction 49 more organizers, 1M sessions over the
50 of them (each with its join slide; 85% closed, 1% of all in the trash, 14% open and
ending 30 days to 2 years ahead, 1% main sessions), one event per 500 registrations with 52
weekly event sessions each (half past, half ahead, Europe/Paris), and 100k registrations
spread over those, each with a personal link. It is built once and kept in --cache (keyed
by the sizes and the migrations), and rebuilt when older than 20 days (end dates and trash
ages are relative to when it was built); the runs use a copy. No outbox rows and no event
rooms are made.

How: time from exec of `convene serve` to the first 200 on GET / (a page) and on
GET /api/me (an API route, with a sign-in cookie), each polled by its own thread every
2 ms; several runs, alternating with an empty database (the same schema, one organizer) as
a baseline; medians. The page cache is warm (the database was just copied): a cold disk
would add its reads.

What the server reads at start-up (src/app/app.cpp App::App and App::Start): the schema
version; EventService::RealignStarts (every scheduled event session ahead, each converted
again from its wall time and zone); the scheduler's first, synchronous round of jobs
(auto-close of overdue sessions and the next end date; housekeeping: trash and expired
sign-ins); the outbox relay's first round (on its own thread). Each statement is timed here
with sqlite3 on the same database, with its query plan, and shown as a share of the
start-up time.

    python3 bench/scenarios/startup.py [--quick] [--sessions N] [--registrations N] [--runs N]
Results: bench/results/startup.json and bench/results/startup.md.
"""
import argparse
import datetime
import hashlib
import json
import random
import shutil
import sqlite3
import threading
import time
import zoneinfo
from pathlib import Path

import common

ORGANIZERS = 50
WEEKS = 52
DAY = 86400
MAX_AGE_DAYS = 20

# (repository file, statement, parameters as a function of now): what start-up runs.
STARTUP_STATEMENTS = [
    ("event_repository.cpp", "kListScheduledAfter", lambda now: (now,)),
    ("session_repository.cpp", "kSelectExpired", lambda now: (now,)),
    ("session_repository.cpp", "kSelectNextEndDate", lambda now: ()),
    ("session_repository.cpp", "kPurgeTrash", lambda now: (now - 30 * DAY,)),
    ("credential_repository.cpp", "kDeleteExpiredLoginSessions", lambda now: (now,)),
    ("outbox_repository.cpp", "kSelectDue", lambda now: (now, 50)),
    ("outbox_repository.cpp", "kSelectNextDue", lambda now: ()),
]


def build(binary, tmp, path, args):
    """Builds the database in `tmp` and moves it to `path` when complete; returns its
    metadata (a sign-in cookie among it)."""
    building = tmp / "building.db"
    admin, _ = common.migrate_with_organizer(binary, building)
    now = int(time.time())
    began = time.monotonic()
    db = sqlite3.connect(building)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA cache_size = -1000000")  # 1 GB: random keys in big indexes
    with db:
        password_hash = db.execute("SELECT password_hash FROM users").fetchone()[0]
        organizers = [admin["id"]] + [common.new_id() for _ in range(ORGANIZERS - 1)]
        db.executemany("INSERT INTO users (id, email, name, password_hash, role, created_at) "
                       "VALUES (?, ?, ?, ?, 'member', ?)",
                       [(uid, "organizer%d@example.org" % i, "Organizer %d" % i, password_hash,
                         now) for i, uid in enumerate(organizers[1:], 1)])
        make_sessions(db, organizers, args.sessions, now)
        make_events(db, organizers, args.registrations, now)
        # A sign-in session for the API route, valid for as long as the database is kept.
        token = common.new_token("cvs_")
        db.execute("INSERT INTO login_sessions VALUES (?, ?, ?, ?, ?)",
                   (common.sha256_hex(token), admin["id"], now, now + 365 * DAY, now))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    shutil.move(building, path)
    meta = {"built_at": now, "build_s": time.monotonic() - began, "cookie": "convene_session="
            + token, "sessions": args.sessions, "registrations": args.registrations}
    Path(str(path) + ".json").write_text(json.dumps(meta))
    return meta


def make_sessions(db, organizers, count, now):
    """Sessions as SessionService::Create makes them, in the states a long-lived server has."""
    codes = random.sample(range(1_000_000), count)  # at 1M, every code there is
    rng = random.Random(7)

    def rows():
        for i in range(count):
            sid, slide = common.new_id(), common.new_id()
            created = now - rng.randrange(2 * 365 * DAY)
            kind, status, ends, closed, reason, deleted = "standard", "open", None, None, None, None
            roll = rng.random()
            if roll < 0.01:
                kind = "main"
            elif roll < 0.15:
                ends = now + rng.randrange(30 * DAY, 2 * 365 * DAY)
            else:
                status, reason = "closed", "expiry"
                ends = closed = created + rng.randrange(1, 30 * DAY)
                if roll > 0.99:
                    deleted = now - rng.randrange(7 * DAY)
            yield (sid, organizers[i % len(organizers)], "Session %d" % i, kind, status,
                   "%06d" % codes[i], common.new_token(), slide, created, ends, closed, reason,
                   deleted, slide, sid, created)

    db.execute("CREATE TEMP TABLE new_sessions (id, owner_id, title, kind, status, code, "
               "link_token, active_slide_id, created_at, ends_at, closed_at, close_reason, "
               "deleted_at, slide_id, slide_session_id, slide_created_at)")
    db.executemany("INSERT INTO new_sessions VALUES (%s)" % ", ".join("?" * 16), rows())
    db.execute("INSERT INTO sessions (id, owner_id, title, kind, status, code, link_token, "
               "active_slide_id, created_at, ends_at, closed_at, close_reason, deleted_at) "
               "SELECT id, owner_id, title, kind, status, code, link_token, active_slide_id, "
               "created_at, ends_at, closed_at, close_reason, deleted_at FROM new_sessions")
    db.execute("INSERT INTO slides (id, session_id, position, kind, title, body, created_at) "
               "SELECT slide_id, id, 0, 'join', 'Join', '', created_at FROM new_sessions")
    db.execute("DROP TABLE new_sessions")


def make_events(db, organizers, registrations, now):
    """Events of 52 weekly event sessions (18:00 Paris, half of them past), and the
    registrations spread over those sessions, each with a personal link."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    first = datetime.date.fromtimestamp(now) - datetime.timedelta(weeks=WEEKS // 2)
    event_sessions = []
    for e in range(max(1, registrations // 500)):
        eid = common.new_id()
        db.execute("INSERT INTO events (id, owner_id, title, slug, created_at) "
                   "VALUES (?, ?, ?, ?, ?)", (eid, organizers[e % len(organizers)],
                                              "Event %d" % e, "event-%d" % e, now))
        for week in range(WEEKS):
            local = datetime.datetime.combine(first + datetime.timedelta(weeks=week),
                                              datetime.time(18, 0))
            starts_at = int(local.replace(tzinfo=paris).timestamp())
            event_sessions.append((common.new_id(), eid, "Event %d" % e,
                                   local.strftime("%Y-%m-%dT%H:%M"), "Europe/Paris",
                                   starts_at, 60, "scheduled", now))
    db.executemany("INSERT INTO event_sessions (id, event_id, name, start_local, timezone, "
                   "starts_at, duration_minutes, status, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", event_sessions)
    rows, links = [], []
    for r in range(registrations):
        es = event_sessions[r % len(event_sessions)]
        rid = common.new_id()
        rows.append((rid, es[0], "Registrant %d" % r, "p%d@example.org" % r, "Europe/Paris",
                     "self", min(now, es[5] - DAY)))
        links.append((common.sha256_hex(common.new_token()), rid))
    db.executemany("INSERT INTO registrations (id, event_session_id, name, email, timezone, "
                   "source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO registration_links (token_hash, registration_id) VALUES (?, ?)",
                   links)


def cached_database(binary, tmp, args):
    """The database for these sizes: reused from --cache when fresh enough, else built."""
    migrations = hashlib.sha256(b"".join(p.read_bytes() for p in
                                         sorted((common.ROOT / "migrations").glob("*.sql"))))
    cache = Path(args.cache).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / ("startup-%ds-%dr-%s.db" % (args.sessions, args.registrations,
                                               migrations.hexdigest()[:10]))
    meta_path = Path(str(path) + ".json")
    if path.exists() and meta_path.exists() and not args.rebuild:
        meta = json.loads(meta_path.read_text())
        if time.time() - meta["built_at"] < MAX_AGE_DAYS * DAY:
            common.log("reusing %s (built %s)" % (path, time.ctime(meta["built_at"])))
            return path, meta, False
    common.log("building %s: %d sessions, %d registrations…" % (path, args.sessions,
                                                                 args.registrations))
    return path, build(binary, tmp, path, args), True


def time_to_serve(binary, db_path, cookie):
    """Execs the server and returns the seconds until GET / and GET /api/me first answer 200."""
    server = common.Server(binary, db_path, name="startup")
    found = {}

    def poll(path, headers):
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and server.proc.poll() is None:
            try:
                conn = common.HTTPConnection("127.0.0.1", server.port, timeout=10)
                conn.request("GET", path, headers=headers)
                if conn.getresponse().status == 200:
                    found[path] = time.perf_counter() - began
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.002)  # polling for the server to answer, bounded by the deadline

    with server:
        began = time.perf_counter()
        server.spawn()
        pollers = [threading.Thread(target=poll, args=("/", {})),
                   threading.Thread(target=poll, args=("/api/me", {"Cookie": cookie}))]
        for p in pollers:
            p.start()
        for p in pollers:
            p.join()
        if len(found) < 2:
            raise RuntimeError("convene did not serve %s within 60 s:\n%s"
                               % ([p for p in ("/", "/api/me") if p not in found], server.log()))
        return found["/"], found["/api/me"]


def statement_costs(db_path):
    """Each start-up statement run with sqlite3 (median of 3, rolled back): plan and time."""
    db = sqlite3.connect(db_path, isolation_level=None)
    now = int(time.time())
    costs = []
    for file_name, constant, params in STARTUP_STATEMENTS:
        sql = common.repository_sql(file_name, constant)
        plan = common.query_plan(db, sql)
        times = []
        for _ in range(3):
            db.execute("BEGIN")
            began = time.perf_counter()
            db.execute(sql, params(now)).fetchall()
            times.append(time.perf_counter() - began)
            db.execute("ROLLBACK")
        costs.append({"statement": constant, "plan": plan, "full_scans": common.full_scans(plan),
                      "ms": common.median(times) * 1000})
    ahead = db.execute("SELECT COUNT(*) FROM event_sessions WHERE status = 'scheduled' "
                       "AND starts_at > ?", (now,)).fetchone()[0]
    db.close()
    return costs, ahead


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="20k sessions and 2k registrations, 3 runs")
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="runs with each database (5)")
    parser.add_argument("--cache", default="~/.cache/convene-bench",
                        help="where the built database is kept (~/.cache/convene-bench)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.registrations, args.runs = 20_000, 2_000, 3
    common.setup()

    with common.temp_dir("startup") as tmp:
        binary, version = common.snapshot_binary(tmp)
        cached, meta, built = cached_database(binary, tmp, args)
        full = tmp / "full.db"
        shutil.copy(cached, full)
        empty = tmp / "empty.db"
        _, empty_cookie = common.migrate_with_organizer(binary, empty)
        runs = []
        for run in range(1, args.runs + 1):
            for name, db_path, cookie in (("empty", empty, empty_cookie),
                                          ("full", full, meta["cookie"])):
                page, api = time_to_serve(binary, db_path, cookie)
                runs.append({"database": name, "run": run, "page_ms": page * 1000,
                             "api_ms": api * 1000})
                common.log("start-up, %s database, run %d/%d: GET / %.0f ms, GET /api/me %.0f ms"
                           % (name, run, args.runs, page * 1000, api * 1000))
        costs, ahead = statement_costs(full)
        create_after = try_create(binary, full, meta["cookie"])
    report(args, version, meta, built, runs, costs, ahead, create_after)


def try_create(binary, db_path, cookie):
    """Can the organizer still create a session? (With 1M sessions, every code is taken.)"""
    with common.Server(binary, db_path).start() as server:
        api = common.Api(server.port, cookie)
        status, answer, _ = api.call("POST", "/api/sessions", {"title": "One more"})
        api.close()
    return {"status": status, "error": (answer or {}).get("error", {}).get("code")}


def report(args, version, meta, built, runs, costs, ahead, create_after):
    def med(name, key):
        return common.median([r[key] for r in runs if r["database"] == name])

    full_ms = med("full", "api_ms")
    lines = ["# Scenario 7: start-up", "",
             "%s; %s%s. Database: %d sessions, %d registrations (%s); medians of %d runs of "
             "each database, alternating; warm page cache."
             % (common.machine(), version, " (--quick)" if args.quick else "", args.sessions,
                args.registrations, "built in %.0f s" % meta["build_s"] if built
                else "reused, built " + time.ctime(meta["built_at"]), args.runs), "",
             "| database | first 200 on GET / (ms) | min | max | first 200 on GET /api/me (ms) "
             "| min | max |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, label in (("empty", "empty (one organizer)"),
                        ("full", "%d sessions, %d registrations" % (args.sessions,
                                                                     args.registrations))):
        page = [r["page_ms"] for r in runs if r["database"] == name]
        api = [r["api_ms"] for r in runs if r["database"] == name]
        lines.append("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |" % (
            label, med(name, "page_ms"), min(page), max(page), med(name, "api_ms"), min(api),
            max(api)))
    lines += ["", "Target: serving in under 1 s: %.0f ms, %s." % (
        max(med("full", "page_ms"), full_ms),
        "met" if max(med("full", "page_ms"), full_ms) < 1000 else "**not met**"), "",
        "What start-up reads, each statement timed alone with sqlite3 on the same database:", "",
        "| statement | query plan | ms | share of start-up (GET /api/me) |",
        "|---|---|---:|---:|"]
    for c in costs:
        lines.append("| `%s` | %s%s | %.2f | %.1f%% |" % (
            c["statement"], "; ".join(c["plan"]), " — **full table scan**" if c["full_scans"]
            else "", c["ms"], 100 * c["ms"] / full_ms))
    lines += ["", "`kListScheduledAfter` (RealignStarts) is followed by one time-zone conversion "
              "per scheduled event session ahead: %d here." % ahead]
    if create_after["status"] == 201:
        lines += ["", "After the runs, creating one more session succeeded (201): with every "
                  "one of the million codes held, it got one that only closed sessions hold."]
    else:
        lines += ["", "**After the runs, creating one more session failed: %s %s.** With "
                  "every code held, a new session needs one that only closed sessions hold." % (
                      create_after["status"], create_after["error"])]
    common.write_results("startup", {
        "scenario": "startup", "quick": args.quick, "machine": common.machine(),
        "convene": version, "database": {k: v for k, v in meta.items() if k != "cookie"},
        "built_now": built, "runs": runs, "startup_statements": costs,
        "event_sessions_ahead": ahead, "create_after": create_after}, lines)


if __name__ == "__main__":
    main()
