"""Shared fixtures: a fresh DuckDB store, a small valid dataset, and real .xlsx workbooks.

Workbooks are written here directly with openpyxl (not through lib.template), and the sheet
names and headers below are spelled out literally as analysts see them, so the tests check the
documented format rather than trusting the code under test.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.store import Store  # noqa: E402

# Sheet names of the workbook format (table -> sheet title).
SHEET_NAMES = {
    "sources": "来源",
    "programs": "资金与部门",
    "projects": "项目",
    "allocations": "资金分配",
    "execution": "执行进度",
    "progress": "建设进度",
    "objectives": "绩效目标",
    "indicators": "绩效指标",
    "score_parts": "得分构成",
    "spending_items": "支出明细",
    "stated_figures": "报告声明数",
}

# Column headers of the workbook format (storage name -> Chinese header).
HEADERS = {
    "source_id": "来源编号", "program_id": "资金/部门编号", "project_id": "项目编号", "seq": "序号",
    "source_ref": "来源出处", "note": "备注", "title": "报告标题", "issuer": "报告单位",
    "report_date": "报告日期", "file_name": "原始文件", "program_name": "资金/部门名称",
    "year": "年度", "program_kind": "类型", "department": "主管部门", "doc_no": "下达文号",
    "sub_doc_no": "分解下达文号", "objective": "年度总体目标", "project_name": "项目名称",
    "implementing_unit": "实施单位", "region": "地区", "budget_initial": "年初预算数",
    "budget": "全年预算数", "appropriation": "财政拨款", "executed": "全年执行数",
    "stated_execution_rate": "报告执行率", "stated_score": "报告得分", "stated_rating": "报告评级",
    "objective_actual": "实际完成情况", "deviation_reason": "偏差原因", "improvement": "改进措施",
    "fund_source": "资金来源", "fund_year": "投入年度", "amount": "金额", "as_of": "截至日期",
    "subject": "建设对象", "measure": "进度口径", "percent": "完成比例", "status_text": "进展情况",
    "label": "目标编号", "expected": "预期目标", "actual_text": "实际完成情况", "level1": "一级指标",
    "level2": "二级指标", "level3": "三级指标", "target": "年度指标值", "actual": "实际完成值",
    "weight": "分值", "part": "得分构成", "item": "支出事项", "metric": "口径", "value": "数值",
    "unit": "单位", "aggregate": "核对方式", "rating": "评级", "text": "原文",
}


def minimal_dataset(program_id: str = "P1", project_prefix: str = "PJ", source_id: str = "S1") -> dict:
    """A small valid dataset: one source, one program, two projects, and a row or more of every
    other sheet. Excel row of tables[t][i] is i + 2."""
    p, s = program_id, source_id
    pj1, pj2 = f"{project_prefix}1", f"{project_prefix}2"
    ref = f"{s} §二(一)"
    return {
        "sources": [
            {"source_id": s, "title": "2023年度危化品安全转移支付绩效自评报告", "issuer": "省应急管理厅",
             "report_date": dt.date(2024, 3, 15), "file_name": "report.pdf"},
        ],
        "programs": [
            {"program_id": p, "program_name": "危化品安全治理转移支付", "year": 2023,
             "program_kind": "转移支付", "department": "省应急管理厅", "region": "辽宁省",
             "doc_no": "财资环〔2023〕48号", "source_id": s, "source_ref": ref},
        ],
        "projects": [
            {"project_id": pj1, "program_id": p, "project_name": "监测预警平台建设", "region": "沈阳市",
             "budget": 16, "executed": 15.14353, "stated_execution_rate": 0.9465, "stated_score": 92,
             "stated_rating": "优", "deviation_reason": "部分模块正在建设中", "improvement": "加快建设进度",
             "source_ref": ref},
            {"project_id": pj2, "program_id": p, "project_name": "化工园区整治提升", "region": "大连市",
             "budget": 100, "executed": 100, "stated_execution_rate": 1, "stated_score": 98,
             "stated_rating": "优", "source_ref": ref},
        ],
        "allocations": [
            {"program_id": p, "region": "沈阳市", "fund_source": "中央补助", "amount": 1000, "source_ref": ref},
            {"program_id": p, "region": "沈阳市", "fund_source": "地方资金", "fund_year": 2023, "amount": 200,
             "source_ref": ref},
            {"program_id": p, "region": "沈阳市", "fund_source": "地方资金", "fund_year": 2024, "amount": 300.5,
             "source_ref": ref},
            {"program_id": p, "project_id": pj2, "region": "大连市", "fund_source": "中央补助", "amount": 500,
             "source_ref": ref},
        ],
        "execution": [
            {"program_id": p, "region": "沈阳市", "as_of": dt.date(2023, 6, 30), "budget": 200, "executed": 50,
             "source_ref": ref},
        ],
        "progress": [
            {"program_id": p, "region": "沈阳市", "subject": "沈阳化工园区", "measure": "工程进度", "percent": 0.8,
             "status_text": "主体完工", "as_of": dt.date(2023, 12, 31), "source_ref": ref},
        ],
        "objectives": [
            {"program_id": p, "seq": 1, "label": "目标1", "expected": "完成园区整治", "actual_text": "已完成",
             "source_ref": ref},
        ],
        "indicators": [
            {"program_id": p, "project_id": pj1, "seq": 1, "level1": "产出指标", "level2": "数量指标",
             "level3": "平台建设完成率", "target": "≥90%", "actual": "95%", "weight": 20, "stated_score": 20,
             "source_ref": ref},
            {"program_id": p, "project_id": pj1, "seq": 2, "level1": "效益指标", "level2": "社会效益指标",
             "level3": "风险预警覆盖率", "target": "≥90%", "actual": "<90%", "weight": 20, "stated_score": 15,
             "source_ref": ref},
            {"program_id": p, "project_id": pj1, "seq": 3, "level1": "产出指标", "level2": "成本指标",
             "level3": "平台建设成本", "target": "≤100万元", "actual": "95万元", "weight": 10,
             "source_ref": ref},
            {"program_id": p, "project_id": pj1, "seq": 4, "level1": "效益指标", "level2": "可持续影响指标",
             "level3": "平台运行效果", "target": "效果显著", "actual": "部分模块正在建设中", "weight": 10,
             "deviation_reason": "建设滞后", "source_ref": ref},
            {"program_id": p, "seq": 5, "level1": "满意度指标", "level2": "服务对象满意度指标",
             "level3": "企业满意度", "target": "/", "actual": "/", "source_ref": ref},
        ],
        "score_parts": [
            {"program_id": p, "project_id": pj1, "part": "预算执行率", "weight": 10, "stated_score": 9.47,
             "source_ref": ref},
        ],
        "spending_items": [
            {"program_id": p, "project_id": pj1, "seq": 1, "item": "设备购置", "amount": 12.5, "source_ref": ref},
        ],
        "stated_figures": [
            {"program_id": p, "seq": 1, "metric": "资金总额", "value": 2000.5, "unit": "万元",
             "aggregate": "资金合计", "source_ref": ref},
        ],
    }


@pytest.fixture
def minimal_tables():
    """Factory: ``minimal_tables(program_id="P1", project_prefix="PJ", source_id="S1")`` returns
    a fresh, mutable copy of the small valid dataset (storage column names)."""

    def factory(**kwargs) -> dict:
        return copy.deepcopy(minimal_dataset(**kwargs))

    return factory


def columns_of(rows: list[dict]) -> list[str]:
    """Column order make_workbook uses: keys in order of first appearance across the rows."""
    cols: list[str] = []
    for row in rows:
        for key in row:
            if key not in cols:
                cols.append(key)
    return cols


def letter_of(tables: dict, table: str, column: str) -> str:
    """The Excel column letter make_workbook gives ``column`` of ``table``."""
    return get_column_letter(columns_of(tables[table]).index(column) + 1)


def make_workbook(tmp_path: Path, tables: dict, name: str = "dataset.xlsx", english: bool = False,
                  headers: dict[str, dict[str, str]] | None = None, extra_sheets: tuple[str, ...] = ()) -> Path:
    """Write ``tables`` (storage column names) as a real .xlsx with openpyxl.

    Every table with rows gets a sheet; its header row uses the Chinese headers (or the storage
    names with ``english=True``); ``headers`` overrides single header texts per table. Values
    are written as given, so a test can put text in a money cell. Tables with no rows are
    left out.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table, rows in tables.items():
        if not rows:
            continue
        ws = book.create_sheet(table if english else SHEET_NAMES[table])
        cols = columns_of(rows)
        override = (headers or {}).get(table, {})
        for c, col in enumerate(cols, start=1):
            ws.cell(row=1, column=c, value=override.get(col, col if english else HEADERS.get(col, col)))
        for r, row in enumerate(rows, start=2):
            for c, col in enumerate(cols, start=1):
                value = row.get(col)
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    for title in extra_sheets:
        ws = book.create_sheet(title)
        ws["A1"] = "随便写点什么"
    path = Path(tmp_path) / name
    book.save(path)
    return path


@pytest.fixture
def tmp_db(tmp_path):
    """A fresh Store on a real DuckDB file in tmp_path (no seed data)."""
    store = Store(tmp_path / "test.duckdb")
    try:
        yield store
    finally:
        store.close()


def seeded_app(tmp_path_factory, name: str):
    """For a module of AppTest page tests: one database built from data/ (as the app does on
    first start) behind $JIXIAO_DB, with Streamlit's caches cleared around the module."""
    import streamlit as st

    path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(path))
    mp.setenv("JIXIAO_USERS", str(path.parent / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


def run_page(page: str, part: str | None = None, **query):
    """Run app.py on one page with AppTest (query = URL parameters); fail on any exception.
    ``part``: the label of the page's part to open (lib/ui/sections.py), as its URL does."""
    from streamlit.testing.v1 import AppTest

    if part is not None:
        from lib.ui.sections import query as part_query

        query = query | part_query(page, part)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if page != "overview":  # the default page: switching to it by file would change its page id on rerun
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_parts(page: str) -> tuple[str, ...]:
    """The labels of a page's parts (none for a page drawn whole)."""
    from lib.labels import SECTION_LABELS

    return SECTION_LABELS[page][1] if page in SECTION_LABELS else ()


def open_part(at, page: str, label: str):
    """Choose the part ``label`` of ``page`` in a running AppTest, as a reader clicks it."""
    from lib.labels import SECTION_LABELS

    at.button_group(key=SECTION_LABELS[page][0]).set_value(label).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    """The page's metric cards, label -> value."""
    return {m.label: m.value for m in at.metric}


def figure_of(chart) -> dict:
    """A plotly chart element's figure as parsed JSON: plotly escapes non-ASCII text in the spec
    unless orjson happens to be installed, so tests read the parsed figure, never the raw text."""
    import json

    return json.loads(chart.proto.spec)


def figure_strings(chart) -> list[str]:
    """Every string of a chart's figure (names, labels, titles, hover text), unescaped JSON."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(figure_of(chart))
    return out


def figure_text(chart) -> str:
    """Every string of a chart's figure, joined."""
    return "\n".join(figure_strings(chart))


@pytest.fixture(scope="session")
def pg_cluster():
    """A private PostgreSQL server for the session (tests/pg_cluster.py), stopped at the end;
    skipped, saying why, where PostgreSQL is not installed (CI installs it, and fails without)."""
    import os

    from pg_cluster import CannotRunServer, Cluster, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            raise RuntimeError("PostgreSQL binaries missing: .ci/run must install postgresql")
        pytest.skip("PostgreSQL not installed (apt-get install postgresql; or set PG_BINDIR)")
    try:
        cluster = Cluster(bindir)
    except CannotRunServer as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL cannot be started here: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


# ---------------------------------------------------------------- Chromium (tests/browser.py)


@pytest.fixture(scope="module")
def chromium():
    """A Playwright Browser on Debian's Chromium for the test module, closed after it. Skipped
    where /usr/bin/chromium is missing, failed under CI. App servers and waiting for a page to
    draw: tests/browser.py (``app_server``, ``settle``)."""
    from browser import launch, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(chromium):
    """A new tab in its own context: tall viewport (Streamlit scrolls inside its own container,
    so a full_page screenshot misses content), zh-CN, downloads accepted."""
    context = chromium.new_context(viewport={"width": 1400, "height": 2600}, accept_downloads=True,
                                   locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()
