"""The soak run (issue 9): 30 minutes of joins, broadcasts and leaves against the
AddressSanitizer + UndefinedBehaviorSanitizer build; passes when the sanitizers report
nothing (LeakSanitizer included, at the clean stop) and, after a warm-up, neither the
server's resident memory nor its open files grow.

How: round after round, `convene-load` (bench/load_client.cpp) signs up an organizer, makes a
session, lets N participants join by code from their own addresses and open their sockets,
broadcasts 20 changes to them and closes every socket. After each round the script waits
(bounded) for the server's open files to settle, then samples them and its resident memory
from /proc. Growth is judged after the warm-up: the last third's highest RSS against the
first round's after warm-up, and the open files after each round against the count after the
warm-up; the database's own files are counted apart (the pool keeps up to 8 connections open,
opened as load first asks for them).

    python3 bench/scenarios/soak.py [--minutes 30] [--warmup 5] [--clients 500]
Needs build-asan/convene (cmake --preset asan) and convene-load (the bench or ci preset).
Results: bench/results/soak.json and bench/results/soak.md.
"""
import argparse
import json
import os
import re
import subprocess
import time

import common

ASAN_BINARY = common.ROOT / "build-asan" / "convene"
LOAD_CLIENTS = [common.ROOT / "build-bench" / "convene-load",
                common.ROOT / "build-ci" / "convene-load"]
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def open_files(pid, db):
    """(files other than the database's, the database's): the pool opens up to 8 connections
    to the database (its file and WAL each) as load asks for them, and keeps them."""
    other = database = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue  # closed meanwhile
        if target.startswith(str(db)):
            database += 1
        else:
            other += 1
    return other, database


def settled_files(pid, db, timeout=20.0):
    """The open-file counts once they stop changing (closing sockets take a moment)."""
    deadline = time.monotonic() + timeout
    last, same = open_files(pid, db), 0
    while time.monotonic() < deadline and same < 5:
        time.sleep(0.2)  # sampling interval, bounded by the deadline
        now = open_files(pid, db)
        same = same + 1 if now == last else 0
        last = now
    return last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5, help="minutes not judged (5)")
    parser.add_argument("--clients", type=int, default=500, help="participants a round (500)")
    parser.add_argument("--growth", type=float, default=0.05,
                        help="RSS growth allowed after warm-up, as a fraction (0.05)")
    args = parser.parse_args()
    common.setup()
    load_client = next((p for p in LOAD_CLIENTS if p.exists()), None)
    if load_client is None or not ASAN_BINARY.exists():
        raise SystemExit("build the asan preset and the bench (or ci) preset first")
    os.environ["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:halt_on_error=1"
    os.environ["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    os.environ["CONVENE_BENCH_BINARY"] = str(ASAN_BINARY)

    samples = []
    started = time.monotonic()
    with common.temp_dir("soak") as tmp:
        binary, version = common.snapshot_binary(tmp)
        server = common.Server(binary, tmp / "soak.db")
        with server.start():
            files, db_files = settled_files(server.pid, server.db)
            baseline = {"rss_kb": rss_kb(server.pid), "files": files, "db_files": db_files}
            while time.monotonic() - started < args.minutes * 60:
                out = subprocess.run(
                    [str(load_client), "--server", "convene", "--port", str(server.port),
                     "--clients", str(args.clients), "--changes", "20", "--gap-ms", "50"],
                    capture_output=True, text=True)
                if out.returncode != 0:
                    raise SystemExit("convene-load failed:\n%s\n%s" % (out.stderr[-2000:],
                                                                      server.log()))
                result = json.loads(out.stdout)
                files, db_files = settled_files(server.pid, server.db)
                sample = {"minute": round((time.monotonic() - started) / 60, 2),
                          "rss_kb": rss_kb(server.pid), "files": files, "db_files": db_files,
                          "p99_ms": result["p99_ms"]}
                samples.append(sample)
                common.log("soak: minute %.1f, RSS %d kB, %d open files (+%d of the database), "
                           "p99 %.1f ms" % (sample["minute"], sample["rss_kb"], files, db_files,
                                            sample["p99_ms"]))
        log_text = server.log_path.read_text(errors="replace")
        exit_status = server.proc.returncode

    judged = [s for s in samples if s["minute"] >= args.warmup]
    if len(judged) < 3:
        raise SystemExit("too short to judge: %d rounds after the warm-up" % len(judged))
    first = judged[0]
    last_third = judged[len(judged) * 2 // 3:]
    rss_growth = max(s["rss_kb"] for s in last_third) / first["rss_kb"] - 1
    files_after = sorted({s["files"] for s in judged})
    reports = SANITIZER_REPORT.findall(log_text)
    verdict = {
        "sanitizers": "none" if not reports else "%d reports" % len(reports),
        "exit_status": exit_status,
        "rss_growth": rss_growth,
        "files_after_rounds": files_after,
    }
    db_files_most = max(s["db_files"] for s in samples)
    ok = {
        "sanitizers": not reports and exit_status == 0,
        "memory": rss_growth <= args.growth,
        "files": files_after == [first["files"]],
        "db_files": db_files_most <= 2 * 8 + 1,  # 8 connections, file and WAL each, and -shm
    }
    mark = lambda good: "met" if good else "**not met**"  # noqa: E731
    lines = [
        "# Soak run: joins, broadcasts and leaves under ASan + UBSan",
        "",
        "%s; %s (build-asan). %.0f minutes, %d rounds of %d participants joining by code, "
        "20 broadcasts to them, everyone leaving; warm-up %.0f minutes." % (
            common.machine(), version, args.minutes, len(samples), args.clients, args.warmup),
        "",
        "| | RSS (kB) | open files | the database's |",
        "|---|---:|---:|---:|",
        "| before the first round | %d | %d | %d |" % (
            baseline["rss_kb"], baseline["files"], baseline["db_files"]),
        "| first round after warm-up (minute %.1f) | %d | %d | %d |" % (
            first["minute"], first["rss_kb"], first["files"], first["db_files"]),
        "| highest in the last third | %d | %d | %d |" % (
            max(s["rss_kb"] for s in last_third), max(s["files"] for s in last_third),
            max(s["db_files"] for s in last_third)),
        "| last round (minute %.1f) | %d | %d | %d |" % (
            samples[-1]["minute"], samples[-1]["rss_kb"], samples[-1]["files"],
            samples[-1]["db_files"]),
        "",
        "| check | measured | |",
        "|---|---|---|",
        "| no sanitizer report, clean stop (LeakSanitizer at exit) | %s, exit status %s | %s |" % (
            verdict["sanitizers"], exit_status, mark(ok["sanitizers"])),
        "| no memory growth after warm-up (at most %.0f%%) | %+.1f%% | %s |" % (
            args.growth * 100, rss_growth * 100, mark(ok["memory"])),
        "| open files (but the database's) back to the same count after every round | %s "
        "| %s |" % (", ".join(map(str, files_after)), mark(ok["files"])),
        "| the database's files within the pool's bound (8 connections) | at most %d | %s |" % (
            db_files_most, mark(ok["db_files"])),
    ]
    common.write_results("soak", {"machine": common.machine(), "version": version,
                                  "minutes": args.minutes, "clients": args.clients,
                                  "baseline": baseline, "samples": samples,
                                  "verdict": verdict, "ok": ok}, lines)
    if not all(ok.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
