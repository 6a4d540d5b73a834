"""Checks across every file of one load: duplicate keys and unknown references."""

from __future__ import annotations

from lib.intake import workbook_spec as spec
from lib.intake.types import Finding, ParsedWorkbook


def cross_checks(wb: ParsedWorkbook) -> list[Finding]:
    """Duplicate keys and unknown references, across every file of one load."""
    found: list[Finding] = []

    def add(table: str, i: int, column: str, zh: str, en: str) -> None:
        file_label, sheet_title, row_no = wb.origins[table][i]
        found.append(Finding(file_label, sheet_title, row_no, column, zh, en))

    for sheet in spec.SHEETS:
        seen: dict[tuple, int] = {}
        for i, row in enumerate(wb.tables[sheet.table]):
            key = tuple(map(row.get, sheet.key))
            if key.count(None) == len(key):
                continue
            if key in seen:
                _, _, first_row = wb.origins[sheet.table][seen[key]]
                headers = "、".join(sheet.column(k).header for k in sheet.key)
                add(sheet.table, i, headers,
                    f"与第{first_row}行重复（{headers}相同）",
                    f"duplicate key, same as row {first_row}")
            else:
                seen[key] = i

    source_ids = {r["source_id"] for r in wb.tables["sources"]}
    program_ids = {r["program_id"] for r in wb.tables["programs"]}
    project_program = {r["project_id"]: r["program_id"] for r in wb.tables["projects"]}
    for i, row in enumerate(wb.tables["programs"]):
        if row.get("source_id") and row["source_id"] not in source_ids:
            add("programs", i, spec.SHEETS_BY_TABLE["programs"].column("source_id").header,
                f"来源编号“{row['source_id']}”不在“来源”表中",
                f"unknown source '{row['source_id']}'")
    for sheet in spec.SHEETS:
        if sheet.table in ("sources", "programs"):
            continue
        names = {c.name for c in sheet.columns}
        for i, row in enumerate(wb.tables[sheet.table]):
            pid = row.get("program_id")
            if pid and pid not in program_ids:
                add(sheet.table, i, sheet.column("program_id").header,
                    f"资金/部门编号“{pid}”不在“资金与部门”表中",
                    f"unknown program '{pid}'")
            if "project_id" in names and sheet.table != "projects":
                prj = row.get("project_id")
                if prj and prj not in project_program:
                    add(sheet.table, i, sheet.column("project_id").header,
                        f"项目编号“{prj}”不在“项目”表中", f"unknown project '{prj}'")
                elif prj and pid and project_program[prj] != pid:
                    add(sheet.table, i, sheet.column("project_id").header,
                        f"项目“{prj}”属于“{project_program[prj]}”，不属于“{pid}”",
                        f"project '{prj}' belongs to another program")
    return found
