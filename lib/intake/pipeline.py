"""One straight road for every file of a load: open once into grids (lib/intake/files.py) →
classify (lib/intake/classify.py: dataset workbook, form, narrative report) → read (the dataset
reader, lib/intake/workbook.py, or the form reader, lib/intake/forms.py) → one ParsedWorkbook
with every finding, checked across files at the end (lib/intake/workbook_checks.py).

Import order inside lib/intake runs one way, top to bottom (tests/test_intake_imports.py):
pipeline → forms / workbook → classify → files → form readers → form_grid / form_layout → types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from lib.intake import workbook_spec as spec
from lib.intake.classify import DATASET, FORM, REPORT, classify
from lib.intake.files import open_file
from lib.intake.form_records import merge_into
from lib.intake.forms import read_opened
from lib.intake.layouts import Layout
from lib.intake.types import Finding, ParsedWorkbook
from lib.intake.workbook import read_dataset
from lib.intake.workbook_checks import cross_checks


def read_one(label: str, source: str | Path | bytes, layouts: Iterable[Layout] = (),
             layout: Layout | None = None) -> tuple[str | None, ParsedWorkbook]:
    """One file, whatever it is: opened once, classified, read by the reader its kind needs.
    Returns what it was (DATASET, FORM, REPORT, or None for neither) and what was read."""
    opened = open_file(source, label)
    try:
        kind = classify(opened)
        if kind == FORM:  # official 自评表, read by their labels
            return kind, read_opened(opened, layouts, layout)
        if kind == REPORT:
            empty = ParsedWorkbook({s.table: [] for s in spec.SHEETS}, [], {s.table: [] for s in spec.SHEETS})
            empty.findings.append(Finding(
                label, "", None, "",
                "这是自评报告（文字），不是自评表或数据工作簿：请在“从自评报告起草”一栏上传，核对草稿后再导入",
                "a narrative self-evaluation report, not a form or a dataset workbook: "
                "draft it from the report section"))
            return kind, empty
        # DATASET, or a file that is neither (the dataset reader names its unknown sheets or
        # says why the file cannot be read)
        assert kind in (DATASET, None)
        return kind, read_dataset(opened)
    finally:
        opened.close()


def read_workbooks(sources: list[tuple[str, str | Path | bytes]],
                   on_file: Callable[[int, int, str], None] | None = None,
                   layouts: Iterable[Layout] = (), layout: Layout | None = None) -> ParsedWorkbook:
    """Read and validate several files (dataset workbooks and official forms) as one load.

    Args:
        sources: (file label, path or bytes) pairs.
        on_file: called as ``on_file(i, n, label)`` before each file is read (a progress bar).
        layouts, layout: saved column mappings for official forms (lib.intake.forms.read_form).
    Returns:
        The merged ParsedWorkbook; its findings include duplicate keys and unknown
        references across all files.
    """
    layouts = list(layouts)
    merged = ParsedWorkbook({s.table: [] for s in spec.SHEETS}, [],
                            {s.table: [] for s in spec.SHEETS})
    for i, (label, source) in enumerate(sources):
        if on_file:
            on_file(i, len(sources), label)
        kind, one = read_one(label, source, layouts, layout)
        if kind == FORM:  # forms of one department and year share a program
            merge_into(merged, one)
        merged.findings.extend(one.findings)
        merged.unmapped.extend(one.unmapped)
        merged.cells_read += one.cells_read
        merged.cells_stored += one.cells_stored
        for table, rows in one.tables.items():
            merged.tables[table].extend(rows)
            merged.origins[table].extend(one.origins[table])
    merged.findings.extend(cross_checks(merged))
    return merged
