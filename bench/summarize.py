"""Medians per (server, participants) of the runs in a JSON-lines file, and the ratio
ours/peer: bench/results/fanout.json (for plot.py) and a Markdown table.

    summarize.py RUNS.jsonl OUT.json OUT.md "machine description"
"""
import json
import statistics
import sys


def main(runs_path, json_path, md_path, machine):
    with open(runs_path, encoding="utf-8") as f:
        runs = [json.loads(line) for line in f if line.strip()]
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump({"machine": machine, "runs": runs}, f, indent=1)

    def median(server, clients, key):
        values = [r[key] for r in runs if r["server"] == server and r["clients"] == clients]
        return statistics.median(values) if values else float("nan")

    sizes = sorted({r["clients"] for r in runs})
    lines = [
        "Machine: " + machine + ". Medians of %d runs each, alternating ours and the peer."
        % min(sum(1 for r in runs if r["server"] == s and r["clients"] == n)
              for s in ("convene", "peer") for n in sizes),
        "",
        "| participants | server | deliveries/s | p50 ms | p99 ms | last recipient p50 ms | max ms | idle RSS per socket (bytes) | RSS after leaving vs before (KiB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        for server in ("convene", "peer"):
            lines.append("| %d | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.0f | %+.0f |" % (
                n, server, median(server, n, "deliveries_per_s"), median(server, n, "p50_ms"),
                median(server, n, "p99_ms"), median(server, n, "last_p50_ms"),
                median(server, n, "max_ms"), median(server, n, "rss_per_client_bytes"),
                median(server, n, "rss_after_kib") - median(server, n, "rss_before_kib")))
        ours, theirs = (median(s, n, "deliveries_per_s") for s in ("convene", "peer"))
        lines.append("| %d | **ratio ours/peer** | **%.2f×** | | | | | | |" % (n, ours / theirs))
    with open(md_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
