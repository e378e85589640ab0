"""Scenario 3, join storm: N participants (10,000) join by code and open their socket while
changes are broadcast (docs/performance.md; targets: everyone in within 10 s, no failed join
or upgrade, participant-count pushes coalesced to at most a few per second, broadcast p99 at
most 2x the idle figure).

How: `convene-load --storm 1` (bench/load_client.cpp) against a fresh Convene: each
participant POSTs /api/join from its own address (X-Forwarded-For, --trusted-proxy) and then
opens /ws/sessions/{id}, at most --connecting at once, while the load client changes the
session's title every --gap-ms; participant 0 counts the participant-count pushes it gets.
Once everyone is in, the same load client measures 20 changes with the room idle: the idle
p99 the storm's is compared with, from the same run. A failed join or upgrade ends the run
with an error.

    python3 bench/scenarios/storm.py [--quick] [--clients N] [--runs N] [--gap-ms MS]
Results: bench/results/storm.json and bench/results/storm.md.
"""
import argparse
import json
import resource
import statistics
import subprocess

import common

LOAD_CLIENT = common.ROOT / "build-bench" / "convene-load"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 participants, 2 runs")
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--gap-ms", type=int, default=250, help="between broadcasts (250)")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.runs = 1000, 2
    common.setup()
    # 10k sockets on each side of loopback, plus the server's own files.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    if not LOAD_CLIENT.exists():
        raise SystemExit("no %s: build the bench preset first" % LOAD_CLIENT)

    runs = []
    with common.temp_dir("storm") as tmp:
        binary, version = common.snapshot_binary(tmp)
        for run in range(1, args.runs + 1):
            common.log("join storm: %d participants, run %d/%d" % (args.clients, run, args.runs))
            with common.Server(binary, tmp / ("storm-%d.db" % run)).start() as convene:
                out = subprocess.run(
                    [str(LOAD_CLIENT), "--server", "convene", "--port", str(convene.port),
                     "--clients", str(args.clients), "--changes", "20", "--storm", "1",
                     "--gap-ms", str(args.gap_ms), "--server-pid", str(convene.pid)],
                    capture_output=True, text=True)
                if out.returncode != 0:
                    raise SystemExit("convene-load failed:\n" + out.stderr)
                runs.append(json.loads(out.stdout))

    def med(pick):
        return statistics.median(pick(r) for r in runs)

    storm = {
        "in_s": med(lambda r: r["connect_ms"]) / 1000,
        "worst_in_s": max(r["connect_ms"] for r in runs) / 1000,
        "busiest": max(r["storm"]["count_pushes_busiest_second"] for r in runs),
        "storm_p99": med(lambda r: r["storm"]["p99_ms"]),
        "idle_p99": med(lambda r: r["p99_ms"]),
        "ratio": med(lambda r: r["storm"]["p99_ratio_storm_over_idle"]),
        "worst_ratio": max(r["storm"]["p99_ratio_storm_over_idle"] for r in runs),
        "rounds": med(lambda r: r["storm"]["rounds"]),
    }
    ok = lambda good: "met" if good else "**not met**"  # noqa: E731
    lines = [
        "# Scenario 3: join storm",
        "",
        "%s; %s. %d participants join by code and open their socket (200 at a time) while "
        "the title changes every %d ms; medians of %d runs%s." % (
            common.machine(), version, args.clients, args.gap_ms, args.runs,
            " (--quick)" if args.quick else ""),
        "",
        "| run | everyone in (s) | broadcasts during | count pushes (busiest second) "
        "| broadcast p99 during (ms) | idle p99 (ms) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        lines.append("| %d | %.1f | %d | %d | %.1f | %.1f | %.2f× |" % (
            i, r["connect_ms"] / 1000, r["storm"]["rounds"],
            r["storm"]["count_pushes_busiest_second"], r["storm"]["p99_ms"], r["p99_ms"],
            r["storm"]["p99_ratio_storm_over_idle"]))
    lines += [
        "",
        "| target | measured | |",
        "|---|---|---|",
        "| everyone in within 10 s | median %.1f s, worst %.1f s | %s |" % (
            storm["in_s"], storm["worst_in_s"], ok(storm["worst_in_s"] <= 10)),
        "| no failed join or upgrade | none failed in %d runs (a failure ends the run) | met |"
        % len(runs),
        "| count pushes at most a few per second | at most %d in any second | %s |" % (
            storm["busiest"], ok(storm["busiest"] <= 5)),
        "| broadcast p99 at most 2× idle | median %.2f×, worst %.2f× | %s |" % (
            storm["ratio"], storm["worst_ratio"], ok(storm["worst_ratio"] <= 2)),
    ]
    common.write_results("storm", {"machine": common.machine(), "version": version,
                                   "clients": args.clients, "gap_ms": args.gap_ms,
                                   "summary": storm, "runs": runs}, lines)


if __name__ == "__main__":
    main()
