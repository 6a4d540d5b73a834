"""Benchmark of a year's inbox (issue 22): a generated year of 300 files through classify + read +
match, and the import of the 100,000-row workbook against python-calamine's own read.

    python -m bench.inbox [--units 150] [--runs 2] [--strict]

* drop: ``--units`` reporting units (default 150), each sending a 项目支出绩效自评表 (two in
  three as .xlsx, one in three as .docx) and its 自评报告 (two in three .docx, one in three
  .txt): the forms are the official layout (tests/test_forms.py's builder, merged cells and
  all), the reports the shipped Lanzhou report with the unit's name, so every report is read
  in full and matched to its unit's form. Forms and reports are read on 2 worker processes
  (the machine's cores), each kind timed on its own → forms/s, reports/s; then the whole drop is
  triaged against a store of the shipped data (match + merge + diff) → files/s of the lot.
  Targets: ≥ 20 forms/s, ≥ 5 reports/s.
* import: the 100,000-row workbook of bench/generate.py through Store.import_files into an
  empty database, vs reading the same file with python-calamine (every sheet to Python lists);
  the figure is calamine's time ÷ ours (target ≥ 0.77).

A part that fails (an exception, a file of the drop refused, a program not matched) makes the run
say so and exit 1; ``--strict`` also exits 2 when a target is missed. No PDF reports: printing
one needs Chromium (tests/report_files.py), and a PDF's text is read by pypdf before the same
reader, so the .docx/.txt figures are the reader's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # tests/ for the official form builders (real openpyxl files)
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

TARGET_FORMS_PER_S = 20.0
TARGET_REPORTS_PER_S = 5.0
TARGET_IMPORT_SPEED = 0.77
WORKERS = 2
LANZHOU = ROOT / "tests" / "reports" / "seeds" / "002_ecff5fb308d9a00b.txt"
DEPARTMENT = "兰州新区应急管理局"
PROJECT = "档案整理专项"


# ------------------------------------------------------------------ the generated year
def unit_name(i: int) -> str:
    counties = "甲乙丙丁戊己庚辛壬癸"
    return f"{counties[i % 10]}{i // 10 + 1}县应急管理局"


def form_bytes(i: int, as_docx: bool) -> bytes:
    """Unit i's form of 档案整理专项 (2022): 全年执行数 differs from the report's in one unit of three."""
    import openpyxl
    import test_forms as tf

    executed = 15.14353 if i % 3 else 15.5
    book = openpyxl.Workbook()
    tf.plain_project_sheet(book.active, PROJECT, 16.0, executed, 94.0, "优", department=unit_name(i))
    if not as_docx:
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()
    from form_corpus import docx_bytes
    from test_forms_corpus import _from_builder

    sheet = _from_builder(tf.plain_project_sheet, PROJECT, 16.0, executed, 94.0, "优", unit_name(i))
    return docx_bytes(sheet)


def report_bytes(i: int, as_docx: bool) -> bytes:
    text = LANZHOU.read_text(encoding="utf-8").replace(DEPARTMENT, unit_name(i))
    text = text.replace("兰州新区", f"第{i}区")
    if not as_docx:
        return text.encode("utf-8")
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def year_of_files(units: int) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    forms = [(f"{unit_name(i)}/{PROJECT}自评表.{'docx' if i % 3 == 2 else 'xlsx'}",
              form_bytes(i, i % 3 == 2)) for i in range(units)]
    reports = [(f"{unit_name(i)}/2022年度自评报告.{'txt' if i % 3 == 1 else 'docx'}",
                report_bytes(i, i % 3 != 1)) for i in range(units)]
    return forms, reports


# ------------------------------------------------------------------ the parts
def _read(item: tuple[str, bytes]):
    from lib.intake import inbox

    return inbox.read_file(*item)


def read_on_workers(pool: ProcessPoolExecutor, files: list[tuple[str, bytes]]) -> tuple[list, float]:
    t = time.perf_counter()
    read = list(pool.map(_read, files, chunksize=4))
    return read, time.perf_counter() - t


def bench_drop(units: int) -> dict:
    from lib.intake import inbox
    from lib.store import inbox as store_inbox
    from lib.store import open_store

    t = time.perf_counter()
    forms, reports = year_of_files(units)
    generated = time.perf_counter() - t
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(_read, forms[:WORKERS] + reports[:WORKERS]))  # workers started, modules imported
        read_forms, forms_s = read_on_workers(pool, forms)
        read_reports, reports_s = read_on_workers(pool, reports)
    problems = [f"{f.label}：{'；'.join(f.refused)}" for f in read_forms + read_reports if f.refused]
    wrong = [f.label for f in read_forms if f.kind != inbox.FORM] + [
        f.label for f in read_reports if f.kind != inbox.REPORT]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "inbox.duckdb")
        try:
            t = time.perf_counter()
            result = store_inbox.triage(store, read_forms + read_reports)
            match_s = time.perf_counter() - t
        finally:
            store.close()
    paired = [p for p in result.programs if sorted(k for k in p.kinds) == ["form", "report"]]
    disagreeing = [p for p in result.programs if any(d.figure == "全年执行数" for d in p.disagreements)]
    if problems:
        raise AssertionError(f"{len(problems)} files refused, e.g. {problems[:3]}")
    if wrong:
        raise AssertionError(f"{len(wrong)} files classified as the other kind, e.g. {wrong[:3]}")
    if len(result.programs) != units or len(paired) != units:
        raise AssertionError(f"{units} units gave {len(result.programs)} programs, {len(paired)} of them "
                             "a form with its report: the matching rule missed")
    expected = sum(1 for i in range(units) if not i % 3)
    if len(disagreeing) != expected:
        raise AssertionError(f"{len(disagreeing)} 全年执行数 不符, expected {expected}")
    total = forms_s + reports_s + match_s
    return {"units": units, "files": len(forms) + len(reports), "generated_s": generated,
            "forms": len(forms), "forms_s": forms_s, "reports": len(reports), "reports_s": reports_s,
            "match_s": match_s, "total_s": total, "programs": len(result.programs),
            "disagreeing": len(disagreeing)}


def bench_import(runs: int) -> dict:
    from python_calamine import CalamineWorkbook

    from bench import generate as gen
    from lib.store import Store

    path, record = gen.build_workbook(100_000, log=lambda text: print(text, file=sys.stderr))

    def calamine_raw() -> int:
        book = CalamineWorkbook.from_path(str(path))
        return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)

    raw, ours = [], []
    for _ in range(runs):
        t = time.perf_counter()
        calamine_raw()
        raw.append(time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            store = Store(Path(tmp) / f"import-{i}.duckdb")
            try:
                t = time.perf_counter()
                result = store.import_files([(path.name, path)], user="bench")
                ours.append(time.perf_counter() - t)
            finally:
                store.close()
    rows = sum(result.row_counts.values())
    if rows < 100_000:
        raise AssertionError(f"the import stored {rows} rows of a 100,000-row workbook")
    return {"rows": record.get("total_rows"), "calamine_s": statistics.median(raw),
            "ours_s": statistics.median(ours), "speed": statistics.median(raw) / statistics.median(ours),
            "runs": runs}


def _verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inbox", description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=150, help="reporting units (2 files each)")
    parser.add_argument("--runs", type=int, default=2, help="runs of the import and of calamine's read")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target is missed")
    parser.add_argument("--skip-import", action="store_true", help="only the drop")
    args = parser.parse_args(argv)
    failed, missed, lines = [], [], []
    parts = [("drop", lambda: bench_drop(args.units))]
    if not args.skip_import:
        parts.append(("import", lambda: bench_import(args.runs)))
    for name, run in parts:
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            r = run()
        except Exception:
            failed.append(name)
            lines.append(f"{name}: FAILED\n" + traceback.format_exc())
            continue
        if name == "drop":
            fps, rps = r["forms"] / r["forms_s"], r["reports"] / r["reports_s"]
            lines.append(f"drop: {r['files']} files ({r['forms']} forms, {r['reports']} reports) of "
                         f"{r['units']} units on {WORKERS} workers → {r['programs']} programs, each a form "
                         f"with its report; {r['disagreeing']} 全年执行数 不符")
            lines.append(f"  forms    {fps:7.1f} files/s  ({r['forms_s']:.2f} s; target ≥ "
                         f"{TARGET_FORMS_PER_S:g}) " + _verdict(fps >= TARGET_FORMS_PER_S))
            lines.append(f"  reports  {rps:7.1f} files/s  ({r['reports_s']:.2f} s; target ≥ "
                         f"{TARGET_REPORTS_PER_S:g}) " + _verdict(rps >= TARGET_REPORTS_PER_S))
            lines.append(f"  match    {r['match_s']:.2f} s (triage against the shipped store: match, merge, "
                         "diff)")
            lines.append(f"  all      {r['files'] / r['total_s']:7.1f} files/s  (classify + read + match, "
                         f"{r['total_s']:.2f} s)")
            missed += [t for t, ok in (("forms/s", fps >= TARGET_FORMS_PER_S),
                                       ("reports/s", rps >= TARGET_REPORTS_PER_S)) if not ok]
        else:
            ok = r["speed"] >= TARGET_IMPORT_SPEED
            lines.append(f"import: {r['rows']:,} rows, Store.import_files {r['ours_s']:.2f} s vs "
                         f"python-calamine read {r['calamine_s']:.2f} s → {r['speed']:.2f} of calamine's "
                         f"speed (target ≥ {TARGET_IMPORT_SPEED}) " + _verdict(ok))
            if not ok:
                missed.append("import ratio")
    print("\n".join(lines))
    if failed:
        print(f"FAILED parts: {', '.join(failed)}", file=sys.stderr)
        return 1
    if missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
        return 2 if args.strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
