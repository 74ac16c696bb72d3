"""Two commits side by side on the Slack inbound benchmark, rounds interleaved.

    python -m bench.compare BEFORE AFTER [--backend postgres|sqlite] [--workers 2]
        [--updates 3000] [--rounds 4]

Each commit is checked out in a temporary git worktree and measured with its own
`bench/slack_inbound.py` (its own workers, fake Slack API and load generator), with
this checkout's virtual environment. Rounds alternate (A B, B A, ...) so a slow
spell of the machine touches both; medians are printed. PostgreSQL runs use a
scratch database each (HELPDESK_BENCH_POSTGRES_URL, as in bench/throughput.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bots.progress import progress_bar

ROOT = Path(__file__).resolve().parents[1]

# Run inside the worktree, so that it measures that commit's code.
_ONE_RUN = """
import asyncio, json, sys, tempfile
from bench.slack_inbound import slack_inbound_run
backend, workers, updates = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if backend == "sqlite":
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        row = asyncio.run(slack_inbound_run("compare", url, workers, updates))
else:
    from bench.throughput import _with_database
    row = asyncio.run(
        _with_database(lambda url: slack_inbound_run("compare", url, workers, updates))
    )
print(json.dumps(row))
"""

KEYS = ("updates_per_s", "ack_p50_ms", "ack_p99_ms")


def _worktree(rev: str, into: Path) -> Path:
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(into), rev], cwd=ROOT, check=True
    )
    return into


def _one_run(tree: Path, backend: str, workers: int, updates: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, backend, str(workers), str(updates)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: float(row[key]) for key in KEYS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    revs = (args.before, args.after)
    results: dict[str, list[dict[str, float]]] = {rev: [] for rev in revs}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {rev: _worktree(rev, Path(tmp) / f"tree{i}") for i, rev in enumerate(revs)}
        try:
            with progress_bar("benchmark runs") as advance:  # on a terminal only
                for round_no in range(args.rounds):
                    for rev in revs if round_no % 2 == 0 else revs[::-1]:
                        row = _one_run(trees[rev], args.backend, args.workers, args.updates)
                        results[rev].append(row)
                        print(rev, "  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
                        advance(sum(map(len, results.values())), args.rounds * len(revs))
        finally:
            for tree in trees.values():
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
    print(f"medians of {args.rounds} rounds, {args.backend} x{args.workers}:")
    for rev in revs:
        medians = {k: round(statistics.median(r[k] for r in results[rev]), 1) for k in KEYS}
        print(rev, "  ".join(f"{k}={v}" for k, v in medians.items()))


if __name__ == "__main__":
    main()
