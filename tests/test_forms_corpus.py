"""The form corpus (tests/corpus_layouts.py, plus the layouts tests/test_forms.py builds): every
layout imports from .xlsx and from .docx with every cell accounted for and every figure stored;
an unknown column planted in any layout is reported, never skipped, and the store is unchanged.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata

import openpyxl
import pandas as pd
import pytest
import test_forms as tf
from corpus_layouts import CORPUS, ILLUSTRATIVE, PARTLY, PUBLISHED_FORM, Layout
from corpus_published import PUBLISHED, TARGET_FORMS
from form_corpus import MERGE_LEFT, MERGE_UP, Sheet, docx_bytes, xlsx
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from lib.intake import forms
from lib.intake.coverage import is_label_only
from lib.intake.form_layout import _NOT_APPLICABLE, _RATINGS, UNFILLED, split_deviation
from lib.intake.form_values import _operator
from lib.store import ImportRejected, Store


def _from_builder(builder, *args) -> Sheet:
    """A tests/test_forms.py builder's sheet as corpus rows (its merged ranges as < and ^)."""
    book = openpyxl.Workbook()
    ws = book.active
    builder(ws, *args)
    width, height = ws.max_column, ws.max_row
    rows = [[None] * width for _ in range(height)]
    fmt = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell, MergedCell) and cell.value is not None:
                rows[cell.row - 1][cell.column - 1] = cell.value
                if cell.number_format and cell.number_format != "General":
                    fmt[(cell.row, cell.column)] = cell.number_format
    for rng in ws.merged_cells.ranges:
        if rows[rng.min_row - 1][rng.min_col - 1] is None:
            rows[rng.min_row - 1][rng.min_col - 1] = ""
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    rows[r - 1][c - 1] = MERGE_LEFT if r == rng.min_row else MERGE_UP
    return Sheet(ws.title, rows, fmt)


BUILT = [
    Layout("official_project_lanzhou_2022", "甘肃", "tests/test_forms.py plain_project_sheet (兰州新区, seed)",
           [_from_builder(tf.plain_project_sheet, "应急物资储备", 120.0, 114.0, 95.0, "优")],
           "the official layout of the seed's 兰州新区 forms; the figures are the builder's", printing=PARTLY),
    Layout("provincial_variant_project_2023", "辽宁", "tests/test_forms.py variant_project_sheet (DOMAIN.md variants)",
           [_from_builder(tf.variant_project_sheet)]),
    Layout("department_whole_2022", "（DOMAIN.md）", "tests/test_forms.py department_sheet",
           [_from_builder(tf.department_sheet)]),
    Layout("region_transfer_2023", "（DOMAIN.md）", "tests/test_forms.py region_sheet", [_from_builder(tf.region_sheet)]),
]
ALL = CORPUS + PUBLISHED + BUILT
IDS = [lay.key for lay in ALL]
# layouts whose cells are not all importable without the mapping step: key -> blocking cells
NEEDS_MAPPING = {"chongqing_fengjie_2023": ["H10"]}
# published forms with the template's unfilled "指标2" / "……" rows: the indicators actually filled in
INDICATOR_COUNTS = {"hebei_langfang_food_school_2019": 9, "sichuan_zhongjiang_water_2022": 9}


def test_the_corpus_is_large_and_says_where_each_layout_comes_from():
    everything = ALL + TARGET_FORMS
    assert all(lay.origin and lay.printing in (PUBLISHED_FORM, PARTLY, ILLUSTRATIVE) for lay in everything)
    real = [lay for lay in everything if lay.printing != ILLUSTRATIVE]
    assert len({lay.key for lay in real}) == 18
    assert {lay.province for lay in real} == {"安徽", "云南", "四川", "湖南", "重庆", "甘肃", "河北", "湖北"}
    # the real self-evaluations (the 目标表 left out, refused by design): issue 10 asks for 15 from 7 provinces
    evaluations = [lay for lay in ALL if lay.printing != ILLUSTRATIVE]
    assert len(evaluations) == 16 and len({lay.province for lay in evaluations}) == 8
    published = [lay for lay in everything if lay.printing == PUBLISHED_FORM]
    assert len(published) == 8 and all(lay.origin.startswith(("http", "s02_")) for lay in published)


def files_of(layout: Layout) -> dict[str, bytes]:
    return {"xlsx": xlsx(*layout.sheets), "docx": docx_bytes(*layout.sheets)}


def _numbers_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", unicodedata.normalize("NFKC", text))]


def _stored(parsed) -> tuple[list[float], list[str]]:
    numbers, texts = [], []
    for rows in parsed.tables.values():
        for row in rows:
            for value in row.values():
                if isinstance(value, bool) or value is None:
                    continue
                if isinstance(value, (int, float)):
                    numbers.append(float(value))
                else:
                    text = unicodedata.normalize("NFKC", str(value))
                    texts.append(re.sub(r"\s+", "", text))
                    numbers += _numbers_in(text)
    return numbers, texts


def _close(value: float, numbers: list[float]) -> bool:
    candidates = (value, value / 10_000, value / 100, value * 100)
    return any(math.isclose(c, n, rel_tol=1e-9, abs_tol=1e-9) for c in candidates for n in numbers)


def missing_figures(layout: Layout, parsed) -> list[str]:
    """Cells of the layout (not labels, nor cells the preview lists as not imported) whose value
    is in no stored field."""
    numbers, texts = _stored(parsed)
    reported = {(u.sheet, ref) for u in parsed.unmapped for ref in u.cells}
    missing = []
    for i, sheet in enumerate(layout.sheets):
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value in (MERGE_LEFT, MERGE_UP, None, "") or is_label_only(value):
                    continue
                if {(sheet.title, f"{get_column_letter(c)}{r}"), (f"表{i + 1}", f"{get_column_letter(c)}{r}")} \
                        & reported:
                    continue
                if isinstance(value, str) and re.sub(r"^\d+\s*", "", value.strip()) in ("定性", "定量"):
                    continue  # 指标性质 "定性": the target is text, no operator to keep
                if isinstance(value, str) and value.strip() in _NOT_APPLICABLE:
                    continue  # "—" / "/": not applicable, as a blank; where kept (an actual "/"), expect checks it
                if isinstance(value, (int, float)):
                    if not _close(float(value), numbers):
                        missing.append(f"{sheet.title}!{r},{c}={value}")
                    continue
                text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
                core = re.sub(r"[(（].*?[)）]|^其中[:：]", "", text)
                found = any(text in t or core and core in t for t in texts)
                found = found or all(part and re.sub(r"\s+", "", part) in "".join(texts)
                                     for part in split_deviation(value) if part)  # reason / improvement
                found = found or _RATINGS.get(text) in texts
                found = found or ":" in text and any(text.split(":", 1)[1] == t for t in texts)  # "部门：…"
                found = found or (_operator(value) and any(_operator(value) in t for t in texts))
                found = found or (_numbers_in(text) and all(_close(n, numbers) for n in _numbers_in(text)))
                if not found:
                    missing.append(f"{sheet.title}!{r},{c}={value}")
    return missing


def _matches(rows: list[dict], expected: list[dict]) -> list[str]:
    """Each expected row (a subset of columns) is among the rows; numbers to 1e-9."""
    problems = []
    for want in expected:
        def fits(row, want=want):
            for k, v in want.items():
                got = row.get(k)
                if isinstance(v, float) and isinstance(got, (int, float)):
                    if not math.isclose(v, got, rel_tol=1e-9, abs_tol=1e-9):
                        return False
                elif got != v:
                    return False
            return True
        if not any(fits(row) for row in rows):
            problems.append(f"{want} not among {rows}")
    return problems


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
@pytest.mark.parametrize("layout", ALL, ids=IDS)
def test_every_cell_of_every_layout_is_accounted_for_and_every_figure_stored(layout, kind):
    data = files_of(layout)[kind]
    parsed = forms.read_form(data, f"{layout.key}.{kind}")
    assert parsed.findings == []
    blocking = sorted(c for u in parsed.blocking_unmapped for c in u.cells)
    assert blocking == NEEDS_MAPPING.get(layout.key, [])
    assert parsed.cells_read > 0
    assert parsed.cells_stored == parsed.cells_read - len(blocking) - sum(
        len(u.cells) for u in parsed.unmapped if not u.blocking)
    assert missing_figures(layout, parsed) == []
    for table, expected in layout.expect.items():
        assert _matches(parsed.tables[table], expected) == [], table
    assert not [r["level3"] for r in parsed.tables["indicators"] if UNFILLED.match(r["level3"])]  # "指标2", "……"
    if layout.key in INDICATOR_COUNTS:  # and the template's empty slots make no indicator
        assert len(parsed.tables["indicators"]) == INDICATOR_COUNTS[layout.key]


@pytest.mark.parametrize("layout", ALL, ids=IDS)
def test_a_layout_reads_the_same_from_word_as_from_excel(layout):
    files = files_of(layout)
    from_xlsx = forms.read_form(files["xlsx"], "自评表")
    from_docx = forms.read_form(files["docx"], "自评表")

    def comparable(parsed):
        out = {}
        for table, rows in parsed.tables.items():  # the sheet name is part of source_ref
            out[table] = [{k: v for k, v in row.items() if k != "source_ref"} for row in rows]
        return out
    assert comparable(from_docx) == comparable(from_xlsx)


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")
    sources = [(f"{lay.key}.xlsx", files_of(lay)["xlsx"]) for lay in ALL]
    with pytest.raises(ImportRejected) as refused:  # the layout left for the mapping step
        store.import_files(sources, user="tester")
    assert [f.column for f in refused.value.findings] == ["H列"]
    assert store.version_id() == 0
    store.import_files(sources, user="tester", accept_unmapped=True)
    yield store
    store.close()


@pytest.mark.parametrize("layout", [lay for lay in ALL if lay.expect], ids=[lay.key for lay in ALL if lay.expect])
def test_the_store_holds_every_expected_figure(corpus_store, layout):
    parsed = forms.read_form(files_of(layout)["xlsx"], f"{layout.key}.xlsx")
    programs = sorted({r["program_id"] for r in parsed.tables["programs"]})
    for table, expected in layout.expect.items():
        frame = corpus_store.read(table)
        frame = frame[frame["program_id"].isin(programs)] if "program_id" in frame else frame
        rows = [{k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")]
        assert _matches(rows, expected) == [], table


# target form -> (the funds total's cell the refusal names, cells read, cells listed as not imported)
TARGET_READING = {
    "hubei_qingshan_rural_schools_2020": ("D5", 47, []),
    # 项目属性 / 项目起止时间, the 当年 funds pairs and the 中期目标 have no field: listed, besides the refusal
    "hubei_qingshan_school_building_2020": ("C6", 71, ["A5", "B5", "E5", "F5", "E6", "F6", "F7", "E8", "B9",
                                                       "B10"]),
}


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
@pytest.mark.parametrize("layout", TARGET_FORMS, ids=[lay.key for lay in TARGET_FORMS])
def test_a_published_target_form_is_read_whole_and_refused_as_not_a_self_evaluation(layout, kind, tmp_path):
    data = files_of(layout)[kind]
    parsed = forms.read_form(data, f"{layout.key}.{kind}")
    cell, read, listed = TARGET_READING[layout.key]
    [finding] = parsed.findings
    assert finding.file == f"{layout.key}.{kind}" and finding.column == cell
    assert finding.problem.startswith("这是绩效目标表（资金只有预算数，没有全年执行数），不是自评表")
    assert sorted(c for u in parsed.unmapped for c in u.cells) == sorted(listed)
    assert parsed.cells_read == read and parsed.cells_stored == read - len(listed)
    store = Store(tmp_path / "target.duckdb")
    try:
        before = store.content_checksum()
        with pytest.raises(ImportRejected) as refused:
            store.import_files([(f"{layout.key}.{kind}", data)], user="tester")
        assert [f.problem for f in refused.value.findings] == [finding.problem]
        assert store.content_checksum() == before and store.version_id() == 0
    finally:
        store.close()


# ---------------------------------------------------------------- an unknown column, planted everywhere


PLANTED = "核查备注"


def planted(layout: Layout) -> tuple[Layout, int]:
    """The layout with a column headed 核查备注 added right of its indicator (or else funds)
    table, with a value on every indicator (or funds) row; and how many values it holds."""
    sheets, count = [], 0
    for sheet in layout.sheets:
        width = max(len(r) for r in sheet.rows)
        rows = [list(r) + [MERGE_LEFT if r and r[-1] == MERGE_LEFT else None] * (width - len(r)) for r in sheet.rows]
        header = next((i for i, r in enumerate(rows) if "三级指标" in r), None)
        level3 = rows[header].index("三级指标") if header is not None else None
        if header is None:
            header = next(i for i, r in enumerate(rows)
                          if any(isinstance(v, str) and ("预算" in v or "下达" in v or "评价金额" in v) for v in r))
        end = next((i for i, r in enumerate(rows) if i > header and isinstance(r[0], str)
                    and r[0].strip() in ("总分", "合计", "自评得分", "自评等级") and level3 is not None), len(rows))
        for i, row in enumerate(rows):
            if i == header:
                row.append(PLANTED)
            elif header < i < end and (row[level3] not in (None, "", MERGE_LEFT, MERGE_UP) if level3 is not None
                                 else any(isinstance(v, (int, float)) or isinstance(v, str) and v[:1].isdigit()
                                          for v in row[1:])):
                count += 1
                row.append(f"抽查{count}")
            else:
                row.append(MERGE_LEFT if row[-1] == MERGE_LEFT and i < header else None)
        sheets.append(Sheet(sheet.title, rows, sheet.fmt))
    return Layout(layout.key, layout.province, layout.origin, sheets), count


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
@pytest.mark.parametrize("layout", ALL, ids=IDS)
def test_an_unknown_column_in_any_layout_is_reported_and_nothing_is_written(layout, kind, tmp_path):
    with_column, count = planted(layout)
    assert count > 0
    data = files_of(with_column)[kind]
    parsed = forms.read_form(data, f"{layout.key}.{kind}")
    reported = [u for u in parsed.blocking_unmapped if u.header == PLANTED]
    assert sum(len(u.cells) for u in reported) == count
    assert reported[0].message.startswith(f"列“{PLANTED}”未识别：") and "抽查1" in reported[0].samples
    store = Store(tmp_path / "planted.duckdb")
    try:
        before = store.content_checksum()
        with pytest.raises(ImportRejected) as refused:
            store.import_files([(f"{layout.key}.{kind}", data)], user="tester")
        assert any(PLANTED in f.problem for f in refused.value.findings)
        assert store.content_checksum() == before and store.version_id() == 0
    finally:
        store.close()


# ---------------------------------------------------------------- older formats


def _records(parsed) -> dict:
    """Rows without what names the file or sheet (source_ref, file_name)."""
    return {table: [{k: v for k, v in row.items() if k not in ("source_ref", "file_name")} for row in rows]
            for table, rows in parsed.tables.items()}


# every layout, those with a fraction in a % cell (0.9 shown as 90%) included: the percent formats
# of .xls (xlrd) and .ods (the cell's value type) are read, python-calamine giving values only
@pytest.mark.parametrize("kind", ["xls", "ods"])
@pytest.mark.parametrize("layout", ALL, ids=IDS)
def test_xls_and_ods_forms_read_as_the_xlsx(layout, kind):
    from form_corpus import ods, xls

    data = {"xls": xls, "ods": ods}[kind](*layout.sheets)
    parsed = forms.read_form(data, f"{layout.key}.{kind}")
    assert parsed.findings == []
    assert _records(parsed) == _records(forms.read_form(files_of(layout)["xlsx"], f"{layout.key}.xlsx"))


def test_doc_and_wps_files_are_refused_with_a_save_as_docx_message(tmp_path):
    from form_corpus import xls

    ole = xls(*CORPUS[0].sheets)  # any OLE container: .doc and .wps share it with .xls
    store = Store(tmp_path / "doc.duckdb")
    try:
        for name in ("自评表.doc", "自评表.wps"):
            with pytest.raises(ImportRejected) as refused:
                store.import_files([(name, ole)], user="tester")
            [finding] = refused.value.findings
            assert finding.file == name and "另存为”.docx" in finding.problem and ".docx" in finding.problem_en
        assert store.version_id() == 0
    finally:
        store.close()


def test_a_dataset_workbook_saved_as_xls_imports_like_the_xlsx(tmp_path):
    """The shipped Lanzhou workbook re-saved as .xls (xlwt) gives the same records."""
    import xlwt

    from lib.intake.pipeline import read_workbooks

    shipped = tf.ROOT / "data" / "lanzhou_2022_emergency.xlsx"
    book, old = openpyxl.load_workbook(shipped), xlwt.Workbook(encoding="utf-8")
    for ws in book.worksheets:
        out = old.add_sheet(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    value = cell.value.isoformat()[:10] if hasattr(cell.value, "isoformat") else cell.value
                    out.write(cell.row - 1, cell.column - 1, value)
    buffer = io.BytesIO()
    old.save(buffer)
    from_xls = read_workbooks([("兰州.xls", buffer.getvalue())])
    from_xlsx = read_workbooks([("兰州.xlsx", shipped)])
    assert from_xls.findings == []
    assert from_xls.tables == from_xlsx.tables
    assert len(from_xls.tables["projects"]) == 9


def test_weights_and_goal_numbers_in_labels_are_read_apart_from_the_label():
    """湖北 通城's labels carry their weights: the key is the label, the weight is kept."""
    from lib.intake.form_layout import label_key, weight_in
    from lib.intake.form_values import _amount, _level1

    assert label_key("得分\n（20分*执行率）") == "得分"
    assert label_key("年度目标1：（80分）") == "年度目标"
    assert label_key("预算执行情况（万元）\n（20分）") == "预算执行情况"
    assert weight_in("预算执行情况（万元）\n（20分）") == 20.0 and weight_in("得分（20分*执行率）") is None
    assert _level1("产出指标（50分）") == ("产出指标", 50.0)  # the 一级 keeps its weight
    assert _amount("864.2万", 1.0) == 864.2 and _amount("864.2万", 1 / 10_000) == 864.2


def test_an_ods_form_keeps_its_merged_cells():
    """python-calamine gives an .ods no merged ranges: they come from the cells' spans, so one
    864.2 across 预算数（A） and 执行数（B） is both (as in the .xlsx)."""
    from form_corpus import ods

    from lib.intake.files import calamine_grids

    tongcheng = next(lay for lay in ALL if lay.key == "hubei_tongcheng_tanghu_department_2020")
    [grid], problems = calamine_grids(ods(*tongcheng.sheets), "塘湖镇.ods")
    assert problems == []
    assert grid.span(7, 4)[:2] == (7, 2) and grid.at_row(7, 4) == 864.2
    [execution] = forms.read_form(ods(*tongcheng.sheets), "塘湖镇.ods").tables["execution"]
    assert (execution["budget"], execution["executed"]) == (864.2, 864.2)
