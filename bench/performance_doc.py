"""docs/performance.md from the JSON of a benchmark run (bench/run.py), never by hand:

    python bench/run.py --scale 20k --import-rows 2000 --runs 1
    python bench/performance_doc.py bench/out/results-20k.json

The page holds the figures of that one run (the report bench/run.py printed, rebuilt from the
JSON) and the command that made them; figures of earlier runs are not kept.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import run  # noqa: E402

DOC = common.ROOT / "docs" / "performance.md"


def command_of(results: dict) -> str:
    """The bench/run.py command line that reproduces the run's choices."""
    args = results["args"]
    parts = [f"--scale {args['scale']}", f"--only {args['only']}", f"--runs {args['runs']}",
             f"--runs-import {args['runs_import']}", f"--runs-pandas {args['runs_pandas']}"]
    for key, option in (("import_rows", "--import-rows"), ("browser_reloads", "--browser-reloads"),
                        ("pages", "--pages"), ("filters", "--filters")):
        if args.get(key):
            parts.append(f"{option} {args[key]}")
    return "python bench/run.py " + " ".join(parts)


def performance_doc(results: dict) -> str:
    """The Markdown of docs/performance.md for one run's results."""
    failed = run.failures(results)
    text = run.report(results).strip("\n")
    lines = [
        "# Performance",
        "",
        "The figures of one benchmark run on this machine, written by `bench/performance_doc.py` from",
        "the run's JSON. The run:",
        "",
        "```bash",
        command_of(results),
        f"python bench/performance_doc.py {results['json']}",
        "```",
        "",
        "What each part measures and the targets it is held to: `bench/README.md`. The machine is shared:",
        "compare the ratios (each measured within this same run) rather than the seconds across runs.",
        "A small scale (tens of thousands of indicator rows) shows the shape of the costs quickly; the",
        "targets are meant at 1M rows and above (`python bench/run.py --scale 1M,10M`).",
        "",
    ]
    if failed:
        lines += ["**Parts of this run failed** (the run exited 1):", "",
                  *(f"- {f}" for f in failed), ""]
    lines += ["```text", text, "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="docs/performance.md from a bench/run.py JSON")
    p.add_argument("results", help="bench/out/results-<scale>.json of the run")
    p.add_argument("--out", default=str(DOC), help=f"the Markdown file to write (default {DOC})")
    a = p.parse_args(argv)
    results = json.loads(Path(a.results).read_text(encoding="utf-8"))
    Path(a.out).write_text(performance_doc(results), encoding="utf-8")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
