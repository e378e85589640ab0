"""Fan-out latency against the number of participants, Convene and the Node.js peer, as a PNG.

    plot.py RESULTS.json OUT.png

RESULTS.json is {"machine": "...", "runs": [{"server": "convene"|"peer", "clients": N,
"p50_ms": x, "p99_ms": y, ...}, ...]} (bench/summarize.py writes it). Each point is the median
of the runs for one (server, clients). Solid lines: p99; dashed: p50. The PNG carries no
timestamp or version, so the same results give the same bytes.

Uses Debian's python3-matplotlib, which is installed for /usr/bin/python3 only.
"""
import json
import os
import statistics
import sys

SYSTEM_PYTHON = "/usr/bin/python3"

try:
    import matplotlib
except ModuleNotFoundError:
    # Another python3 earlier on PATH (pyenv, a venv) lacks Debian's matplotlib.
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.access(
            SYSTEM_PYTHON, os.X_OK):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("plot.py needs matplotlib: apt-get install -y python3-matplotlib")

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FixedLocator, NullLocator  # noqa: E402

TITLE = "Fan-out: delivery latency, trigger to each recipient (p99 solid, p50 dashed)"
# Known servers first, in this order and style; any other name still gets a line.
SERVERS = {
    "convene": ("Convene (C++)", "tab:blue", "o"),
    "peer": ("Node.js + ws (peer)", "tab:orange", "s"),
}


def medians(runs):
    """{server: {clients: (p50 median, p99 median)}}."""
    grouped = {}
    for run in runs:
        key = (run["server"], int(run["clients"]))
        grouped.setdefault(key, []).append(run)
    out = {}
    for (server, clients), group in grouped.items():
        out.setdefault(server, {})[clients] = (
            statistics.median(r["p50_ms"] for r in group),
            statistics.median(r["p99_ms"] for r in group),
        )
    return out


def plot(results, png_path):
    per_server = medians(results["runs"])
    if not per_server:
        sys.exit("no runs in the results")
    order = [s for s in SERVERS if s in per_server] + sorted(s for s in per_server
                                                             if s not in SERVERS)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    all_clients = set()
    for index, server in enumerate(order):
        label, color, marker = SERVERS.get(server, (server, "C%d" % (index + 2), "^"))
        points = sorted(per_server[server].items())
        clients = [n for n, _ in points]
        p50 = [v[0] for _, v in points]
        p99 = [v[1] for _, v in points]
        all_clients.update(clients)
        ax.plot(clients, p99, color=color, marker=marker, linestyle="-", label=label + " p99")
        ax.plot(clients, p50, color=color, marker=marker, linestyle="--", markerfacecolor="none",
                label=label + " p50")
        for n, value in zip(clients, p99):
            ax.annotate("%.1f" % value, (n, value), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=8, color=color)

    ax.set_xscale("log")
    ticks = sorted(all_clients)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels(["{:,}".format(n) for n in ticks])
    if len(ticks) == 1:
        ax.set_xlim(ticks[0] / 2, ticks[0] * 2)
    # Room above the highest point for its label.
    top = max(v[1] for points in per_server.values() for v in points.values())
    ax.set_ylim(0, top * 1.12 if top > 0 else 1)
    ax.set_xlabel("participants connected (N)")
    ax.set_ylabel("latency from trigger (ms)")
    ax.set_title(TITLE)
    machine = results.get("machine")
    if machine:
        fig.text(0.99, 0.01, machine + "; median of runs per point", ha="right", va="bottom",
                 fontsize=7, color="0.4")
    ax.grid(True, which="major", color="0.9")
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    # No Software (matplotlib version) and no date in the PNG: the bytes depend on the data only.
    fig.savefig(png_path, format="png", metadata={"Software": None})
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: plot.py RESULTS.json OUT.png")
    with open(argv[1], encoding="utf-8") as f:
        results = json.load(f)
    plot(results, argv[2])


if __name__ == "__main__":
    main(sys.argv)
