"""数据管理 › 从自评报告起草 through AppTest: upload a .docx report, review the draft per table,
preview, commit as a new version; and the review's edits (a corrected value, a dropped row)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest import open_part
from report_files import docx_file, pdf_file
from streamlit.testing.v1 import AppTest

from lib.intake.report import read_report
from lib.ui import draft_review

ROOT = Path(__file__).resolve().parents[1]
LANZHOU_TXT = ROOT / "tests" / "reports" / "seeds" / "002_ecff5fb308d9a00b.txt"


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_upload_review_preview_commit(app_env, tmp_path, suffix):
    text = LANZHOU_TXT.read_text(encoding="utf-8")
    report = (docx_file if suffix == ".docx" else pdf_file)(text, tmp_path / f"兰州新区自评报告{suffix}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/data.py")
    _run(at)
    assert len(at.get("file_uploader")) == 1  # the section draws nothing until turned on
    at.toggle(key="draft_toggle").set_value(True)
    _run(at)
    uploader = next(u for u in at.get("file_uploader") if u.proto.id and "draft_uploader" in u.proto.id)
    uploader.upload(report.name, report.read_bytes())
    _run(at)
    editors = [d.value for d in at.dataframe if "_marked" in d.value.columns]  # AppTest shows editors as frames
    assert len(editors) >= 7  # one editor per drafted table: programs, projects, indicators …
    projects = next(e for e in editors if "project_name" in e.columns)
    p01 = projects[projects["project_name"] == "档案整理专项"].iloc[0]
    assert p01["budget"] == 16 and p01["_marked"].startswith("（1）项目支出预算执行情况：当年财政预算【16万元】")
    at.button(key="draft_check").click()
    _run(at)
    assert any("校验通过" in s.value for s in at.success)
    at.button(key="draft_commit").click()
    _run(at)
    assert any("草稿已提交" in s.value for s in at.success)
    open_part(at, "data", "版本历史")
    versions = next(d.value for d in at.dataframe if "restored_version" in d.value.columns)
    assert "RD2022-740012" in str(versions.iloc[0]["programs"])  # the newest version is the draft


def test_review_edits_a_value_and_drops_a_row():
    draft = read_report(LANZHOU_TXT.read_text(encoding="utf-8"), "lz.txt")
    projects = draft_review.editor_frame(draft, "projects")
    items = draft_review.editor_frame(draft, "spending_items")
    projects.loc[projects["project_name"] == "档案整理专项", "budget"] = 17.0
    items.loc[0, draft_review.DROP] = True
    tables = draft_review.tables_from_frames(draft, {"projects": projects, "spending_items": items})
    p01 = next(p for p in tables["projects"] if p["project_name"] == "档案整理专项")
    assert p01["budget"] == 17 and p01["budget_initial"] is None  # NaN back to empty, never "nan"
    assert len(tables["spending_items"]) == len(draft.tables["spending_items"]) - 1
    assert all("_marked" not in r and "drop" not in r for r in tables["projects"])
    assert len(tables["indicators"]) == len(draft.tables["indicators"])  # tables not shown stay as drafted


def test_review_editor_keeps_number_columns_numeric_with_blank_gaps(app_env, tmp_path):
    import pandas as pd

    draft = read_report(LANZHOU_TXT.read_text(encoding="utf-8"), "lz.txt")
    projects = draft_review.editor_frame(draft, "projects")
    # 年初预算数 is written for no project: a number column all the same, not a column of None
    assert projects["budget_initial"].dtype == "Float64" and projects["budget_initial"].isna().all()
    assert pd.api.types.is_float_dtype(projects["budget"])
    p01 = projects[projects["project_name"] == "档案整理专项"].iloc[0]
    assert p01["budget"] == 16 and p01["stated_score"] == 94
    assert sorted(projects["budget"].dropna())[:2] == [14, 16]  # sorted as numbers (as text "100" < "14")
    tables = draft_review.tables_from_frames(draft, {"projects": projects})
    assert next(p for p in tables["projects"] if p["project_name"] == "档案整理专项")["budget_initial"] is None

    report = docx_file(LANZHOU_TXT.read_text(encoding="utf-8"), tmp_path / "兰州新区自评报告.docx")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/data.py")
    _run(at)
    at.toggle(key="draft_toggle").set_value(True)
    _run(at)
    uploader = next(u for u in at.get("file_uploader") if u.proto.id and "draft_uploader" in u.proto.id)
    uploader.upload(report.name, report.read_bytes())
    _run(at)
    editors = [d for d in at.dataframe if "_marked" in d.value.columns]
    assert editors and all(e.proto.placeholder == "" for e in editors)  # empty cells blank, not "None"
