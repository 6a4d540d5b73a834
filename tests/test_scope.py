"""Scoped access in lib/ and the store: every read limited to the user's departments / programs /
regions (a city with its counties), and imports and rollbacks refused when they would change a
program outside the scope, with nothing written. The store tests run on a real DuckDB file and
on PostgreSQL (tests/pg_cluster.py) alike.
"""

from __future__ import annotations

import io
import json
import uuid

import pandas as pd
import pytest
from conftest import make_workbook, minimal_dataset

from lib import cli
from lib.access import regions
from lib.access.auth import hash_password
from lib.access.roles import ANALYST, VIEWER, Actor
from lib.access.scope import Scope
from lib.analysis import checks
from lib.filters import Filters
from lib.outputs import forms
from lib.store import open_store, scoped_versions, seed_sources
from lib.store.filters import where_clause
from lib.store.postgres import PostgresStore
from lib.store.scoped import ScopedReader
from lib.store.scoped_writes import OutOfScope, upload_problem

LIAONING, LANZHOU = "LN2023-WHP", "LZ2022-YJJ"
LZ_DEPARTMENT = "兰州新区应急管理局"
CITY = Scope(regions=("沈阳市",))


def county_dataset() -> dict:
    """A 沈阳市 program with a county (康平县) project and allocation beside the city's own."""
    tables = minimal_dataset("SY2023-KP", project_prefix="SYKP", source_id="SY1")
    tables["programs"][0].update(program_name="沈阳市危化品监管能力提升", department="沈阳市应急管理局",
                                 region="沈阳市")
    tables["projects"][1].update(project_name="康平县化工园区整治", region="康平县")
    tables["allocations"][3].update(region="康平县", amount=80)
    return tables


def _open(kind: str, tmp_path, pg_cluster_factory):
    if kind == "duckdb":
        return open_store(tmp_path / "scope.duckdb")
    store = PostgresStore(pg_cluster_factory())
    store.seed_if_empty(seed_sources())
    return store


@pytest.fixture(params=["duckdb", "postgres"])
def store(request, tmp_path):
    """The shipped data plus the 沈阳市 program, on a DuckDB file or on PostgreSQL."""
    names: list[str] = []
    cluster = request.getfixturevalue("pg_cluster") if request.param == "postgres" else None

    def new_database() -> str:
        names.append(f"s_{uuid.uuid4().hex[:12]}")
        return cluster.url(names[-1])

    s = _open(request.param, tmp_path, new_database)
    s.import_files([("sy.xlsx", make_workbook(tmp_path, county_dataset(), name="sy.xlsx"))], user="tester")
    yield s
    s.close()
    for name in names:
        cluster.drop(name)


def _unchanged(store):
    return store.version_id(), store.row_counts(), store.content_checksum()


# ---------------------------------------------------------------- the hierarchy and the SQL


def test_region_hierarchy_from_the_shipped_file():
    city = regions.expand(("沈阳市",))
    assert {"沈阳市", "康平县", "新民市", "法库县", "辽中区"} == set(city)
    province = set(regions.expand(("辽宁省",)))
    assert {"辽宁省", "沈阳市", "抚顺市", "盘锦市", "葫芦岛市", "阜新市", "康平县", "彰武县"} <= province
    assert "兰州新区" not in province and "兰州新区" in regions.expand(("甘肃省",))
    assert regions.expand(("康平县",)) == ("康平县",)  # a county has nothing under it
    assert regions.expand(("大连市",)) == ("大连市",)  # not in the file: itself only


def test_region_file_is_editable(tmp_path, monkeypatch):
    path = tmp_path / "regions.toml"
    path.write_text('["辽宁省"]\n"大连市" = ["瓦房店市"]\n', encoding="utf-8")
    monkeypatch.setenv("JIXIAO_REGIONS", str(path))
    assert set(regions.expand(("辽宁省",))) == {"大连市", "辽宁省", "瓦房店市"}
    path.write_text('["辽宁省"]\n"大连市" = "瓦房店市"\n', encoding="utf-8")
    with pytest.raises(regions.RegionConfigError, match="辽宁省.大连市"):
        regions.expand(("辽宁省",))


def test_scope_compiles_to_parameterized_in_lists():
    scope = Scope(departments=("辽宁省应急管理厅",), programs=(LIAONING,), regions=("盘锦市",))
    sql, params = where_clause(Filters(year=2023, scope=scope), {"year", "program_id", "region", "department"})
    assert sql == " WHERE year = ? AND department IN (?) AND program_id IN (?) AND region IN (?, ?, ?)"
    assert params == [2023, "辽宁省应急管理厅", LIAONING, "大洼区", "盘山县", "盘锦市"]
    # no department column: through programs; one row per program: through region_options
    sql, params = where_clause(Filters(scope=scope), {"program_id", "region"}, per_program=True)
    assert "program_id IN (SELECT program_id FROM programs WHERE department IN (?))" in sql
    assert "program_id IN (SELECT program_id FROM region_options WHERE region IN (?, ?, ?))" in sql
    # nothing to limit by: nothing at all, never everything
    assert where_clause(Filters(scope=scope), {"version_id", "user_name"}) == (" WHERE 1 = 0 AND 1 = 0 AND 1 = 0", [])
    assert where_clause(Filters(), {"version_id"}) == ("", [])


def test_scope_is_part_of_the_cache_key():
    a, b = Filters(year=2023), Filters(year=2023, scope=CITY)
    assert a.key() != b.key() and Filters(*b.key()) == b
    assert b.only("program_id").scope == CITY and b.only().year is None


# ---------------------------------------------------------------- reads


def test_department_user_sees_only_their_department(store):
    f = Filters(scope=Scope(departments=(LZ_DEPARTMENT,)))
    totals = store.program_totals(f)
    assert totals["program_id"].tolist() == [LANZHOU]
    assert totals["budget"].iloc[0] == pytest.approx(7750.69)
    assert totals["executed"].iloc[0] == pytest.approx(7719.74)
    assert store.count("v_projects", f) == 9
    assert store.count("v_funding", f) == 0  # the Liaoning and 沈阳 allocations are not theirs
    assert store.read("sources", f)["source_id"].tolist() == ["LZ2022"]
    assert store.count("dataset_versions", f) == 0
    assert store.filter_years(f.scope) == [2022]
    programs, total = store.filter_programs(None, 10, scope=f.scope)
    assert (programs["program_id"].tolist(), total) == ([LANZHOU], 1)
    assert store.filter_regions(None, None, f.scope) == ["兰州新区"]
    # a selection outside the scope finds nothing rather than escaping it
    assert store.count("v_execution", Filters(program_id=LIAONING, scope=f.scope)) == 0


def test_program_user_sees_that_programs_totals(store):
    f = Filters(scope=Scope(programs=(LIAONING,)))
    totals = store.program_totals(f)
    assert totals[["program_id", "budget", "executed"]].values.tolist() == [[LIAONING, 17880.0, 3250.0]]
    assert store.count("v_projects", f) == 0
    assert round(float(store.read("v_funding", f)["amount"].sum()), 2) == 17880.0


def test_city_user_sees_the_city_and_its_county(store):
    f = Filters(scope=CITY)
    funding = store.read("v_funding", f, order_by=["program_id", "region", "amount"])
    assert set(funding["region"]) == {"沈阳市", "康平县"}
    assert funding[funding["program_id"] == LIAONING]["amount"].astype(float).tolist() == [1500.0, 1511.0]
    county = funding[funding["region"] == "康平县"]
    assert county[["program_id", "amount"]].values.tolist() == [["SY2023-KP", 80]]
    assert store.filter_regions(None, None, CITY) == ["康平县", "沈阳市"]
    projects, total = store.filter_projects(None, None, 10, scope=CITY)
    assert projects["project_name"].tolist() == ["监测预警平台建设", "康平县化工园区整治"] and total == 2
    # the province's program is visible for its 沈阳市 rows only, never its province-wide ones
    assert sorted(store.read("programs", f)["program_id"]) == [LIAONING, "SY2023-KP"]
    assert "辽宁省" not in set(store.read("v_progress", f)["region"])
    assert set(store.read("v_stated_figures", Filters(program_id=LIAONING, scope=CITY))["region"]) == {"沈阳市"}
    # totals of a region scope come from the region's own rows: 沈阳市's execution snapshot
    totals = store.program_totals(f)
    assert totals[["program_id", "budget", "executed"]].values.tolist() == [["SY2023-KP", 200.0, 50.0]]


def test_county_user_does_not_see_the_city(store):
    f = Filters(scope=Scope(regions=("康平县",)))
    assert store.read("v_funding", f)["amount"].astype(float).tolist() == [80.0]
    assert store.read("v_projects", f)["project_name"].tolist() == ["康平县化工园区整治"]
    assert store.filter_regions(None, None, f.scope) == ["康平县"]


def test_audit_form_and_export_read_through_the_scope(store):
    reader = ScopedReader(store, Scope(departments=(LZ_DEPARTMENT,)))
    findings = checks.run_audit(checks.read_inputs(reader.read))
    assert findings and {f.program_id for f in findings} == {LANZHOU}
    everyone = {f.program_id for f in checks.run_audit(checks.read_inputs(store.read))}
    assert LIAONING in everyone
    with pytest.raises(KeyError):  # another department's form is not found for them
        forms.write_form(reader, LIAONING)
    assert forms.write_form(reader, "LZ2022-P09")[:2] == b"PK"


# ---------------------------------------------------------------- writes


def _analyst(scope: Scope) -> Actor:
    return Actor("县分析员", ANALYST, scope)


def test_upload_outside_the_region_is_refused_and_nothing_written(store, tmp_path):
    before = _unchanged(store)
    path = make_workbook(tmp_path, minimal_dataset(), name="p1.xlsx")  # 辽宁省 / 沈阳市 / 大连市 rows
    actor = _analyst(CITY)
    parsed = store.validate([("p1.xlsx", path)])
    problem = upload_problem(store, actor, parsed.tables)
    assert "“P1”" in problem and "大连市" in problem and "辽宁省" in problem
    with pytest.raises(OutOfScope) as refused:
        store.import_files([("p1.xlsx", path)], user=actor)
    message = str(refused.value)
    assert "“P1”（危化品安全治理转移支付）" in message and "未写入任何内容" in message
    assert "outside their scope: P1" in message
    assert _unchanged(store) == before


def test_county_analyst_cannot_replace_the_citys_program(store, tmp_path):
    """The upload would replace the 沈阳市 rows too, though the county's own rows are in scope."""
    before = _unchanged(store)
    tables = county_dataset()
    tables["allocations"][3]["amount"] = 90
    path = make_workbook(tmp_path, tables, name="sy2.xlsx")
    with pytest.raises(OutOfScope, match="SY2023-KP.*沈阳市"):
        store.import_files([("sy2.xlsx", path)], user=_analyst(Scope(regions=("康平县",))))
    assert _unchanged(store) == before
    # the city's analyst may: the program and all its rows are the city's and its county's
    result = store.import_files([("sy2.xlsx", path)], user=_analyst(CITY))
    assert result.version_id == before[0] + 1 and result.programs == ["SY2023-KP"]
    county = store.read("v_funding", Filters(scope=Scope(regions=("康平县",))))
    assert county["amount"].astype(float).tolist() == [90.0]


def test_department_and_program_scopes_refuse_other_programs(store, tmp_path):
    before = _unchanged(store)
    liaoning = seed_sources()[0]
    with pytest.raises(OutOfScope, match=f"{LIAONING}.*辽宁省应急管理厅"):
        store.import_files([liaoning], user=_analyst(Scope(departments=(LZ_DEPARTMENT,))))
    # a new program in scope and one out of it: the whole upload is refused, naming the other
    both = make_workbook(tmp_path, {t: minimal_dataset("P2")[t] + minimal_dataset("P3", "QJ", "S3")[t]
                                    for t in minimal_dataset()}, name="both.xlsx")
    with pytest.raises(OutOfScope) as refused:
        store.import_files([("both.xlsx", both)], user=_analyst(Scope(programs=("P2",))))
    assert "“P3”" in str(refused.value) and "“P2”" not in str(refused.value)
    assert _unchanged(store) == before
    one = make_workbook(tmp_path, minimal_dataset("P2"), name="p2.xlsx")
    assert store.import_files([("p2.xlsx", one)], user=_analyst(Scope(programs=("P2",)))).programs == ["P2"]


def test_a_department_cannot_take_over_another_departments_program(store, tmp_path):
    """Relabelling a stored program with one's own department is still a write to the stored one."""
    before = _unchanged(store)
    tables = county_dataset()
    tables["programs"][0]["department"] = LZ_DEPARTMENT
    path = make_workbook(tmp_path, tables, name="takeover.xlsx")
    with pytest.raises(OutOfScope, match="沈阳市应急管理局"):
        store.import_files([("takeover.xlsx", path)], user=_analyst(Scope(departments=(LZ_DEPARTMENT,))))
    assert _unchanged(store) == before


def test_rollback_that_would_change_an_out_of_scope_program_is_refused(store):
    before = _unchanged(store)
    version = before[0]
    # back to v1 removes the 沈阳市 program, which is not 兰州新区's
    with pytest.raises(OutOfScope, match="SY2023-KP"):
        store.rollback(1, user=_analyst(Scope(departments=(LZ_DEPARTMENT,))))
    assert _unchanged(store) == before
    result = store.rollback(1, user=_analyst(Scope(departments=("沈阳市应急管理局",))))
    assert result.version_id == version + 1 and result.programs == ["SY2023-KP"]
    assert store.count("programs", Filters(scope=CITY)) == 1  # only the province's program is left


COUNTY = Scope(regions=("康平县",))


def county_only_dataset() -> dict:
    """A program of 康平县's own: every row of it in the county."""
    tables = minimal_dataset("KP2023-ZZ", project_prefix="KPZZ", source_id="KP1")
    tables["programs"][0].update(program_name="康平县化工企业整治", department="康平县应急管理局")
    for rows in tables.values():
        for row in rows:
            if "region" in row:
                row["region"] = "康平县"
    return tables


def _versions(store, scope: Scope) -> list[int]:
    return store.read("dataset_versions", Filters(scope=scope), order_by=["version_id"])["version_id"].tolist()


def test_scoped_history_shows_the_versions_of_the_scopes_programs_only(store, tmp_path):
    # v1 loaded the province's and 兰州新区's programs, v2 the 沈阳市 program (with a 康平县 project)
    assert _versions(store, Scope()) == [1, 2]
    assert _versions(store, CITY) == [2]
    assert _versions(store, Scope(departments=("沈阳市应急管理局",))) == [2]
    assert _versions(store, Scope(departments=(LZ_DEPARTMENT,))) == []  # v1 also replaced Liaoning's
    assert _versions(store, Scope(programs=(LANZHOU,))) == []
    assert _versions(store, COUNTY) == []  # the 沈阳市 program has the city's rows too
    county = _analyst(COUNTY)
    path = make_workbook(tmp_path, county_only_dataset(), name="康平县自评.xlsx")
    assert store.import_files([("康平县自评.xlsx", path)], user=county).version_id == 3
    assert _versions(store, COUNTY) == [3] and _versions(store, CITY) == [2, 3]
    own = store.read("dataset_versions", Filters(scope=COUNTY))
    assert own[["files", "programs", "user_name"]].values.tolist() == [["康平县自评.xlsx", "KP2023-ZZ", "县分析员"]]
    assert store.count("dataset_versions", Filters(scope=COUNTY), where_in={"version_id": [1, 3]}) == 1
    # what v3 changed is against v2's counts (3 programs then), from the system of record
    assert json.loads(scoped_versions.counts_before(store, [3])[3])["programs"] == 3
    # the county undoes its upload: back to v2, which changes only its own program
    result = store.rollback(2, user=county)
    assert (result.version_id, result.programs) == (4, ["KP2023-ZZ"])
    assert _versions(store, COUNTY) == [3, 4] and store.count("programs", Filters(scope=COUNTY)) == 1
    # once the province has uploaded since, going back to v3 would change its program too: refused
    store.import_files([("p2.xlsx", make_workbook(tmp_path, minimal_dataset("P2"), name="p2.xlsx"))],
                       user="tester")
    before = _unchanged(store)
    with pytest.raises(OutOfScope, match="“P2”"):
        store.rollback(3, user=county)
    assert _unchanged(store) == before and _versions(store, COUNTY) == [3, 4]
    assert _versions(store, Scope()) == [1, 2, 3, 4, 5]


def test_viewer_is_still_refused_by_role_first(store, tmp_path):
    path = make_workbook(tmp_path, county_dataset(), name="sy.xlsx")
    with pytest.raises(PermissionError, match="无权执行此操作"):
        store.import_files([("sy.xlsx", path)], user=Actor("浏览者", VIEWER, CITY))


# ---------------------------------------------------------------- the command line


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    hashed = hash_password("pw", iterations=1000)
    path.write_text(
        f'[users.shenyang]\nname = "沈阳市用户"\nrole = "viewer"\nregions = ["沈阳市"]\npassword_hash = "{hashed}"\n'
        f'[users.lanzhou]\nname = "兰州新区用户"\nrole = "viewer"\ndepartments = ["{LZ_DEPARTMENT}"]\n'
        f'password_hash = "{hashed}"\n', encoding="utf-8")
    monkeypatch.setenv("JIXIAO_USERS", str(path))
    return path


def test_cli_export_check_and_report_for_a_named_user(tmp_path, users_file, capsys):
    db = tmp_path / "cli.duckdb"
    open_store(db).close()
    out = tmp_path / "funding.csv"
    assert cli.main(["export", "v_funding", "--user", "shenyang", "--out", str(out), "--db", str(db)]) == 0
    frame = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")
    assert sorted(frame["地区"].unique()) == ["沈阳市"] and sorted(frame["金额（万元）"]) == [1500, 1511]
    assert cli.main(["export", "v_funding", "--out", str(out), "--db", str(db)]) == 0
    assert len(pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")) == 10  # everyone: all rows
    # the Excel file says it is a part: its notes name the scope it was read in
    book = tmp_path / "funding.xlsx"
    assert cli.main(["export", "v_funding", "--user", "shenyang", "--format", "xlsx", "--out", str(book),
                     "--db", str(db)]) == 0
    import openpyxl

    notes = {r[0]: r[1] for r in openpyxl.load_workbook(book)["导出说明"].iter_rows(values_only=True)}
    assert notes["筛选条件"] == "范围：地区：沈阳市（含下级地区）"
    assert cli.main(["export", "v_funding", "--format", "xlsx", "--out", str(book), "--db", str(db)]) == 0
    assert {r[0]: r[1] for r in openpyxl.load_workbook(book)["导出说明"].iter_rows(values_only=True)}[
        "筛选条件"] == "全部"

    capsys.readouterr()
    assert cli.main(["check", "--json", "--user", "lanzhou", "--db", str(db)]) == 0
    payload = pd.read_json(io.StringIO(capsys.readouterr().out), typ="series")
    assert payload["count"] > 0 and {f["program_id"] for f in payload["findings"]} == {LANZHOU}

    docx = tmp_path / "r.docx"
    assert cli.main(["report", "--format", "docx", "--user", "lanzhou", "--out", str(docx), "--db", str(db)]) == 0
    from docx import Document

    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "兰州新区应急管理局部门本级预算" in text and "辽宁省" not in text  # no Liaoning part

    assert cli.main(["export", "v_funding", "--user", "nobody", "--db", str(db)]) == 2
    assert "没有用户 nobody" in capsys.readouterr().err


def test_cli_user_without_a_users_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "none.toml"))
    assert cli.main(["check", "--user", "shenyang", "--db", str(tmp_path / "x.duckdb"), "--init"]) == 2
    assert "没有用户配置文件" in capsys.readouterr().err

