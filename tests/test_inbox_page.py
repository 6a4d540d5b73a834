"""数据管理 › 批量导入 through AppTest: a zip of the shipped workbooks, both shipped reports and a
dozen real forms gives a triage with each program once (the Lanzhou report as 更新 LZ2022-YJJ,
to be ticked: a report is a draft), the form-vs-report differences, and one commit → one version."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from conftest import open_part
from streamlit.testing.v1 import AppTest
from test_inbox import FORMS, drop_zip

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("JIXIAO_DB", str(db))
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_drop_is_triaged_then_committed_as_one_version(app_env, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/data.py")
    at.run()
    open_part(at, "data", "批量导入")
    at.get("file_uploader")[0].upload("年终收件.zip", drop_zip(tmp_path)).run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = {b.label: b for b in at.checkbox}
    lanzhou = [label for label in boxes if "更新 LZ2022-YJJ" in label]
    assert lanzhou == ["**更新 LZ2022-YJJ** 兰州新区应急管理局部门本级预算（2022）"]
    assert len(boxes) == 2 + len(FORMS)  # each program once
    assert not boxes[lanzhou[0]].value  # a report is a draft: the analyst ticks it
    files = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert (files["状态"] == "已导入过").sum() == 2
    differences = next(d.value for d in at.dataframe if "自评表位置" in d.value.columns)
    executed = differences[differences["数字"] == "全年执行数"].iloc[0]
    assert (executed["自评表"], executed["报告"]) == ("15.5万元", "15.14353万元")
    assert "全年执行支出15.14353万元" in executed["报告原句"]

    boxes[lanzhou[0]].check().run()
    at.button(key="inbox_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("当前数据版本 v2" in s.value for s in at.success)
    from lib.store import Store

    st.cache_resource.clear()  # the app's store holds the file: close it before reading here
    store = Store(app_env)
    try:
        assert store.version_id() == 2
        assert store.query("SELECT COUNT(*) AS n FROM projects WHERE program_id = 'LZ2022-YJJ'")["n"][0] == 9
        assert store.query("SELECT COUNT(*) AS n FROM programs WHERE program_id LIKE 'R%'")["n"][0] == 0
    finally:
        store.close()
