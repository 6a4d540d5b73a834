"""Every page through AppTest for users with a scope, signed in through the login form: a
department user sees their department's figures only, a city user the city and its county, the
sidebar says the scope and offers nothing outside it, and an analyst's upload outside the scope
is refused before anything is written.

The data page's export table is the frame its downloads are built from (lib/ui show_rows /
show_table: the files hold the shown rows unless the table is cut), so asserting the table
asserts the download.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from conftest import make_workbook, metrics, minimal_dataset, open_part, page_parts
from streamlit.testing.v1 import AppTest
from test_scope import LANZHOU, LIAONING, LZ_DEPARTMENT, county_dataset, county_only_dataset

from lib.access.auth import hash_password
from lib.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
LIAONING_BOOK = ROOT / "data" / "liaoning_2023_hazchem.xlsx"
PAGES = ("overview", "funding", "execution", "indicators", "deviations", "reports", "audit", "data")
USERS = {
    "lanzhou": ("兰州新区用户", "viewer", f'departments = ["{LZ_DEPARTMENT}"]'),
    "shenyang": ("沈阳市用户", "viewer", 'regions = ["沈阳市"]'),
    "kangping": ("康平县分析员", "analyst", 'regions = ["康平县"]'),
}


@pytest.fixture(scope="module", autouse=True)
def app_db(tmp_path_factory):
    """The shipped data plus a 沈阳市 program with a 康平县 project, and a users file with scopes."""
    tmp = tmp_path_factory.mktemp("scope_pages")
    db = tmp / "scope.duckdb"
    store = open_store(db)
    store.import_files([("sy.xlsx", make_workbook(tmp, county_dataset(), name="sy.xlsx"))], user="tester")
    store.close()
    users = tmp / "users.toml"
    users.write_text("".join(
        f'[users.{login}]\nname = "{name}"\nrole = "{role}"\n{scope}\n'
        f'password_hash = "{hash_password("pw-" + login, iterations=1000)}"\n\n'
        for login, (name, role, scope) in USERS.items()), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(db))
    mp.setenv("JIXIAO_USERS", str(users))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


def signed_in(login: str, page: str = "overview", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="login_username").input(login)
    at.text_input(key="login_password").input("pw-" + login)
    at.button[0].click().run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_with(at: AppTest, column: str):
    for df in (d.value for d in at.dataframe):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column}")


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def sidebar_choices(at: AppTest, key: str) -> list:
    return [o for o in at.sidebar.selectbox(key=key).options if o != "全部"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_stays_in_the_department(page):
    at = signed_in("lanzhou", page)
    assert any("范围：部门：兰州新区应急管理局" in c.value for c in at.sidebar.caption)
    assert sidebar_choices(at, "filter_program") == ["兰州新区应急管理局部门本级预算"]
    for df in frames(at):  # no row of another department on any page
        if "program_id" in df.columns:
            assert set(df["program_id"].dropna()) <= {LANZHOU}, page
        if "region" in df.columns:
            assert set(df["region"].dropna()) <= {"兰州新区"}, page


def test_department_overview_figures():
    m = metrics(signed_in("lanzhou"))
    assert m["预算总额（万元）"] == "7,750.69" and m["执行数（万元）"] == "7,719.74"
    assert m["执行率"] == "99.60%" and m["项目数"] == "9 个"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_stays_in_the_city_and_its_counties(page):
    at = signed_in("shenyang", page)
    assert any("范围：地区：沈阳市（含下级地区）" in c.value for c in at.sidebar.caption)
    assert sidebar_choices(at, "filter_region") == ["康平县", "沈阳市"]
    for part in page_parts(page) or (None,):  # every part of the page (lib/ui/sections.py)
        if part is not None:
            open_part(at, page, part)
        for df in frames(at):
            if "region" in df.columns:
                assert set(df["region"].dropna()) <= {"沈阳市", "康平县"}, (page, part)
            if "program_id" in df.columns:
                assert set(df["program_id"].dropna()) <= {LIAONING, "SY2023-KP"}, (page, part)


def test_city_funding_shows_the_county_row():
    at = open_part(signed_in("shenyang", "funding"), "funding", "分地区分来源汇总")
    pivot = frame_with(at, "total")
    rows = sorted(zip(pivot["program_name"], pivot["region"], pivot["total"].astype(float), strict=True))
    assert rows == [("中央安全生产预防和应急救援能力建设补助资金（危险化学品重大安全风险防控支出）", "沈阳市", 3011.0),
                    ("沈阳市危化品监管能力提升", "康平县", 80.0), ("沈阳市危化品监管能力提升", "沈阳市", 1500.5)]
    m = metrics(at)
    assert m["分配合计（万元）"] == "4,591.50"  # 3,011 of Liaoning's money + the city's own 1,500.5 + 80
    assert m["中央补助（万元）"] == "2,580.00"


def test_city_export_table_and_download_rows(monkeypatch):
    at = open_part(signed_in("shenyang", "data"), "data", "数据导出")
    at.selectbox(key="export_relation").set_value("v_funding").run()
    funding = frame_with(at, "fund_source")
    assert sorted(funding["region"]) == ["康平县", "沈阳市", "沈阳市", "沈阳市", "沈阳市", "沈阳市"]
    assert float(funding["amount"].sum()) == pytest.approx(4591.5)
    # the history shows the city's own version only: v1 (the shipped data) replaced the province's
    history = frame_with(open_part(at, "data", "版本历史"), "restored_version")
    assert history[["version_id", "files"]].values.tolist() == [[2, "sy.xlsx"]]


def county_upload(tmp: Path, amount: float) -> bytes:
    """The 沈阳市 program's workbook with the 康平县 allocation changed: the county's own row, but
    the upload replaces the whole program, the city's rows too."""
    tables = county_dataset()
    tables["allocations"][3]["amount"] = amount
    return make_workbook(tmp, tables, name="kp.xlsx").read_bytes()


def test_county_analyst_upload_outside_the_scope_is_refused(app_db, tmp_path):
    before = Store(app_db)
    version, counts = before.version_id(), before.row_counts()
    before.close()
    at = signed_in("kangping", "data")
    at.get("file_uploader")[0].upload("kp.xlsx", county_upload(tmp_path, 95)).run()
    assert not at.exception, [e.value for e in at.exception]
    refusal = " ".join(e.value for e in at.error)
    assert "“SY2023-KP”（沈阳市危化品监管能力提升）" in refusal and "沈阳市" in refusal
    assert "may not upload program(s) outside their scope" in refusal
    assert at.button(key="commit_upload").disabled
    after = Store(app_db)
    assert (after.version_id(), after.row_counts()) == (version, counts)
    after.close()


def test_county_analyst_sees_their_upload_and_rolls_it_back(app_db, tmp_path):
    """Runs last: it writes. The county's own program is uploaded (v3), shown in the history with
    its file, rolled back to the version before it (v4); a rollback that would also undo the
    province's later upload is refused on the page and writes nothing."""
    at = open_part(signed_in("kangping", "data"), "data", "版本历史")
    assert len(frame_with(at, "restored_version")) == 0  # v1 and v2 are not the county's
    assert not [c.value for c in at.caption if "sy.xlsx" in c.value]  # nor is v2's file name
    open_part(at, "data", "上传数据")
    book = make_workbook(tmp_path, county_only_dataset(), name="康平县自评.xlsx").read_bytes()
    at.get("file_uploader")[0].upload("康平县自评.xlsx", book).run()
    at.button(key="commit_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("当前数据版本 v3" in s.value for s in at.success)
    history = frame_with(open_part(at, "data", "版本历史"), "restored_version")
    assert history[["version_id", "files", "programs"]].values.tolist() == [
        [3, "康平县自评.xlsx", "康平县化工企业整治（KP2023-ZZ）"]]
    assert history["changes"].iloc[0] == ("来源 +1；资金与部门 +1；项目 +2；资金分配 +4；执行进度 +1；建设进度 +1；"
                                          "绩效目标 +1；绩效指标 +5；得分构成 +1；支出明细 +1；报告声明数 +1")
    assert any("康平县自评.xlsx" in c.value for c in at.caption)  # the current version is theirs
    target = at.selectbox(key="rollback_target")
    assert target.options == ["v2（v3 之前）"]
    target.set_value(2)
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已恢复为 v2 的数据（新版本 v4）" in s.value for s in at.success)
    assert frame_with(at, "restored_version")["version_id"].tolist() == [4, 3]
    store = Store(app_db)
    assert store.count("programs", where={"program_id": "KP2023-ZZ"}) == 0
    store.import_files([("p2.xlsx", make_workbook(tmp_path, minimal_dataset("P2"), name="p2.xlsx"))],
                       user="tester")
    version, counts = store.version_id(), store.row_counts()
    store.close()
    at.run()
    assert frame_with(at, "restored_version")["version_id"].tolist() == [4, 3]  # v5 is the province's
    at.selectbox(key="rollback_target").set_value(3)
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    refusal = " ".join(e.value for e in at.error)
    assert "“P2”（危化品安全治理转移支付）" in refusal and "未写入任何内容" in refusal
    assert "may not roll back program(s) outside their scope\\: P2" in refusal  # through md_text
    after = Store(app_db)
    assert (after.version_id(), after.row_counts()) == (version, counts)
    after.close()


def test_city_user_sees_the_province_findings_touching_the_city_marked_as_such():
    at = signed_in("shenyang", "audit")
    table = pd.concat([d.value for d in at.dataframe if "message" in d.value.columns], ignore_index=True)
    province = table[table["record"].str.startswith("中央安全生产预防和应急救援能力建设补助资金")]
    # the wrong 33% and the "无" deviation section concern 沈阳's money too (issue 23: the city saw 0)
    assert {"33%", "无"} <= set(province["stated"])
    assert set(province["scope_note"]) == {"资金整体的发现（本资金分配到沈阳市 3,011.00 万元）"}
    assert not province["record"].str.contains("抚顺|葫芦岛").any()  # those parks' findings are theirs
