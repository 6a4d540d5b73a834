"""The 核查 audit on the benchmark data: time and peak RSS per step and per rule module.

    python bench/audit.py                          # 10k, 100k and 200k indicator rows (the page's cap)
    python bench/audit.py --scale 200k --profile   # and a pyinstrument profile of the whole run

Each scale is a generated database (bench/generate.py, cached in bench/out/) audited whole, with no
filter: the widest selection the 核查 page accepts at 200k (its AUDIT_MAX_ROWS). Every scale runs in
its own child process, so the peak RSS of one does not carry into the next. Inside it the steps run
in the page's order: read the relations (``checks.read_inputs(store.read)``), build the shared
context, each rule module's checks (in ``checks.CHECKS`` order, the module's checks timed together),
then merge and sort. Peak RSS per step is VmHWM after the step with the high-water mark reset
before it (``/proc/self/clear_refs``), so each figure is that step's own peak (the frames it reads
are resident throughout and counted in every step). Time is wall clock, with the process's CPU time
beside it (on a shared machine the wall clock also holds the waits for a core). Figures also go to
bench/out/audit-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from generate import OUT, build_db, parse_scale, scale_label  # noqa: E402

DEFAULT_SCALES = "10k,100k,200k"
MARK = "@@audit "


def _status_bytes(key: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return None


def _reset_peak() -> None:
    # Linux: writing 5 resets VmHWM to the current RSS, so the next reading is this step's peak
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def child(db: Path, profile: Path | None) -> None:
    from lib.analysis import checks
    from lib.analysis.checks import _sort_key
    from lib.analysis.checks.core import AuditFrames
    from lib.store import Store

    steps: list[dict] = []

    def step(name: str, fn):
        _reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        out = fn()
        steps.append({"step": name, "seconds": time.perf_counter() - started,
                      "cpu": time.process_time() - cpu, "peak_rss": _status_bytes("VmHWM:")})
        return out

    profiler = None
    if profile is not None:
        from pyinstrument import Profiler  # for profiling only: not in requirements.txt

        profiler = Profiler()
        profiler.start()
    store = Store(db)
    total_started, total_cpu = time.perf_counter(), time.process_time()
    frames = step("read", lambda: checks.read_inputs(store.read))
    rows = len(frames["v_indicators"])
    shared = step("context", lambda: AuditFrames(frames))
    findings: list = []
    modules: dict[str, list] = {}
    for check in checks.CHECKS:
        modules.setdefault(check.__module__.rsplit(".", 1)[-1], []).append(check)
    for module, fns in modules.items():
        found = step(module, lambda fns=fns: [f for fn in fns for f in fn(shared, checks.DEFAULT_SETTINGS)])
        steps[-1]["findings"] = len(found)
        findings += found
    merged = step("merge", lambda: sorted(checks.merge_findings(findings), key=_sort_key))
    total, cpu = time.perf_counter() - total_started, time.process_time() - total_cpu
    store.close()
    if profiler is not None:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    certainty = {c: sum(f.certainty == c for f in merged) for c in checks.core.AUDIT_CERTAINTIES}
    result = {"rows": rows, "total": total, "cpu": cpu, "findings": len(merged), "certainty": certainty,
              "peak_rss": _status_bytes("VmHWM:"), "steps": steps}
    print(MARK + json.dumps(result, ensure_ascii=False))


def run_scale(n: int, profile: bool) -> dict:
    db, _ = build_db(n, log=lambda *a: print(*a, file=sys.stderr))
    cmd = [sys.executable, __file__, "--child", str(db)]
    prof_path = OUT / f"audit-{scale_label(n)}.profile.txt"
    if profile:
        cmd += ["--profile-out", str(prof_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"audit at {scale_label(n)} failed:\n{done.stderr[-3000:]}")
    result = json.loads(lines[-1][len(MARK):])
    result["scale"] = scale_label(n)
    if profile:
        result["profile"] = str(prof_path)
    (OUT / f"audit-{scale_label(n)}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def _mib(n: int | None) -> str:
    return "—" if n is None else f"{n / 2**20:,.0f} MiB"


def report(results: list[dict]) -> str:
    names = [s["step"] for s in results[0]["steps"]]
    head = "| step | " + " | ".join(f"{r['scale']} ({r['rows']:,} rows)" for r in results) + " |"
    lines = [head, "|" + " --- |" * (len(results) + 1)]
    for i, name in enumerate(names):
        cells = []
        for r in results:
            s = r["steps"][i]
            found = f", {s['findings']:,} found" if "findings" in s else ""
            cells.append(f"{s['seconds']:.2f} s ({s['cpu']:.2f} s CPU), {_mib(s['peak_rss'])}{found}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(
        f"**{r['total']:.2f} s** ({r['cpu']:.2f} s CPU), {_mib(r['peak_rss'])}, {r['findings']:,} findings"
        for r in results) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default=DEFAULT_SCALES, help=f"comma-separated (default {DEFAULT_SCALES})")
    parser.add_argument("--profile", action="store_true",
                        help="a pyinstrument profile per scale in bench/out/ (pip install pyinstrument)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.profile_out)
        return 0
    results = []
    for text in args.scale.split(","):
        n = parse_scale(text)
        print(f"audit at {scale_label(n)} …", file=sys.stderr)
        results.append(run_scale(n, args.profile))
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
