"""The mapping step: an unknown column of an official form is shown before anything is written,
mapped in 数据管理 (AppTest), saved as a named, versioned layout in the store, and applied to
the next file with the same headers; ``lib.cli load`` reports it, exits 1 without
--accept-unmapped, and takes --layout NAME."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import streamlit as st
from corpus_layouts import DISTRICT
from form_corpus import Sheet, xlsx
from streamlit.testing.v1 import AppTest

from lib import cli
from lib.intake import forms
from lib.intake.layouts import make_layout
from lib.store import ImportRejected, Store

ROOT = Path(__file__).resolve().parents[1]
UNKNOWN = "年初计划值"  # a target header no vocabulary knows


def district_form(project: str = "老旧小区消防设施改造") -> bytes:
    """The issue-10 district form with its target column headed 年初计划值."""
    rows = copy.deepcopy(DISTRICT.sheets[0].rows)
    rows[6][3] = UNKNOWN
    rows[1][1] = project
    return xlsx(Sheet("Sheet1", rows, DISTRICT.sheets[0].fmt))


TARGETS = ["≥11个", "≥1亿", "100%", "≥24亿", "≥90%"]


def test_an_unknown_column_is_reported_and_refused_until_mapped(tmp_path):
    store = Store(tmp_path / "m.duckdb")
    try:
        parsed = store.validate([("区级.xlsx", district_form())])
        [item] = parsed.blocking_unmapped
        assert item.header == UNKNOWN and item.cells == ("D8", "D9", "D10", "D11", "D12")
        assert item.message == f"列“{UNKNOWN}”未识别：5 个值未导入（如 “≥11个”、“≥1亿”、“100%”）"
        assert parsed.cells_stored == parsed.cells_read - 6  # the header and its five values
        before = store.content_checksum()
        with pytest.raises(ImportRejected):
            store.import_files([("区级.xlsx", district_form())], user="tester")
        assert store.content_checksum() == before

        first = store.save_layout(make_layout("区级表", {UNKNOWN: "target"}), user="tester")
        again = store.save_layout(make_layout("区级表", {UNKNOWN: "target"}), user="tester")
        assert (first.version, again.version) == (1, 2) and store.layout_versions("区级表") == [1, 2]
        # the next file with the same headers gets the layout without being asked
        store.import_files([("另一个项目.xlsx", district_form("背街小巷消防通道整治"))], user="tester")
        targets = store.read("indicators", order_by=["seq"])["target"].tolist()
        assert targets == TARGETS
    finally:
        store.close()


def test_cli_load_prints_coverage_refuses_then_takes_accept_or_a_layout(tmp_path, capsys):
    form = tmp_path / "区级.xlsx"
    form.write_bytes(district_form())
    db = tmp_path / "cli.duckdb"
    assert cli.main(["load", str(form), "--db", str(db)]) == 1
    out = capsys.readouterr()
    assert "自评表单元格：读取" in out.out and f"列“{UNKNOWN}”未识别：5 个值未导入" in out.out
    assert "--accept-unmapped" in out.err
    assert cli.main(["load", str(form), "--db", str(db), "--layout", "没有这个版式"]) == 2
    store = Store(db)
    store.save_layout(make_layout("区级表", {UNKNOWN: "ignore"}), user="tester")
    store.save_layout(make_layout("区级表-目标", {UNKNOWN: "target"}), user="tester")
    store.close()
    assert cli.main(["load", str(form), "--db", str(db), "--layout", "区级表-目标"]) == 0
    store = Store(db)
    try:
        assert store.read("indicators", order_by=["seq"])["target"].tolist() == TARGETS
    finally:
        store.close()
    assert cli.main(["load", str(form), "--db", str(db), "--layout", "区级表"]) == 0  # ignored on purpose
    assert "按版式“区级表”忽略" in capsys.readouterr().out
    store = Store(db)
    try:
        assert store.read("indicators")["target"].isna().all()
    finally:
        store.close()


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path / "app.duckdb"
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_data_page_maps_an_unknown_column_and_commits(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/data.py")
    at.run()
    at.get("file_uploader")[0].upload("区级.xlsx", district_form()).run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "samples" in d.value.columns)
    assert f"列“{UNKNOWN}”未识别：5 个值未导入" in table["problem"].iloc[0]
    assert table["samples"].iloc[0] == "≥11个、≥1亿、100%"
    assert any("尚未导入" in w.value for w in at.warning)
    assert at.button(key="commit_upload").disabled  # nothing is written before a decision
    at.selectbox(key="mapping_field_0").set_value("target").run()
    at.text_input(key="mapping_name").set_value("区级表").run()
    at.button(key="mapping_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已保存版式“区级表（v1）”" in s.value for s in at.success)
    assert not at.warning and not at.button(key="commit_upload").disabled
    at.button(key="commit_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已提交" in s.value for s in at.success)
    st.cache_resource.clear()
    store = Store(app_env)
    try:
        program_id = forms.program_id_for(forms.PROJECT, 2023, "某区应急管理局")
        indicators = store.read("indicators", where={"program_id": program_id}, order_by=["seq"])
        assert indicators["target"].tolist() == TARGETS
        assert [lay.name for lay in store.layouts()] == ["区级表"]
    finally:
        store.close()
