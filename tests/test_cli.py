"""The command line, run as real subprocesses: python -m lib.cli load / export / template.

Starting Python with pandas and DuckDB costs about a second, so the module fixture prepares
every scenario first and runs all the CLI processes at once; each test then checks one result.
Usage errors that never reach the store are checked in-process through ``lib.cli.main``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import openpyxl
import pytest
from conftest import ROOT, make_workbook, minimal_dataset

from lib import cli
from lib.intake.workbook import read_workbook
from lib.store import Store

BOM = b"\xef\xbb\xbf"


@dataclass
class Run:
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8")


def _store_with(path, *tables_list) -> None:
    """Create a DuckDB file holding the given datasets (so the CLI does not seed it)."""
    store = Store(path)
    try:
        for i, tables in enumerate(tables_list):
            name = f"{path.stem}_pre{i}.xlsx"
            store.import_files([(name, make_workbook(path.parent, tables, name=name))], user="tester")
    finally:
        store.close()


def _state(path) -> tuple[str, int]:
    store = Store(path)
    try:
        return store.content_checksum(), store.version_id()
    finally:
        store.close()


def _p2():
    return minimal_dataset(program_id="P2", project_prefix="QJ", source_id="S2")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Prepare the stores and files, run every CLI scenario concurrently, return the results."""
    tmp = tmp_path_factory.mktemp("cli")
    paths = {
        "good_db": tmp / "good.duckdb", "bad_db": tmp / "bad.duckdb", "export_db": tmp / "export.duckdb",
        "busy_db": tmp / "busy.duckdb", "xlsx_out": tmp / "项目导出.xlsx", "template": tmp / "模板.xlsx",
    }
    _store_with(paths["good_db"], _p2())
    _store_with(paths["bad_db"], minimal_dataset())
    _store_with(paths["export_db"], minimal_dataset(), _p2())
    # DuckDB lets one process at a time open a file, so each concurrent export gets its own copy.
    for name in ("csv", "xlsx", "unknown"):
        paths[f"export_{name}_db"] = shutil.copy(paths["export_db"], tmp / f"export_{name}.duckdb")
    _store_with(paths["busy_db"], minimal_dataset())
    good = make_workbook(tmp, minimal_dataset(), name="p1.xlsx")
    bad_tables = minimal_dataset()
    bad_tables["projects"][1]["budget"] = "一千五"
    bad_tables["projects"][0]["executed"] = 1  # a valid change that must not land either
    bad = make_workbook(tmp, bad_tables, name="bad.xlsx")
    states = {"bad_before": _state(paths["bad_db"]), "export_before": _state(paths["export_db"])}

    commands = {
        "load_good": ["load", good, "--db", paths["good_db"]],
        "load_bad": ["load", bad, "--db", paths["bad_db"]],
        "export_csv": ["export", "v_projects", "--where", "program_id=P2", "--format", "csv",
                       "--db", paths["export_csv_db"]],
        "export_xlsx": ["export", "v_projects", "--where", "program_id=P1", "--format", "xlsx",
                        "--out", paths["xlsx_out"], "--db", paths["export_xlsx_db"]],
        "export_unknown_column": ["export", "v_projects", "--where", "nope=1", "--db", paths["export_unknown_db"]],
        "export_busy": ["export", "v_projects", "--db", paths["busy_db"]],
        "template": ["template", "--out", paths["template"]],
    }
    # JIXIAO_DB points into tmp as well, so nothing can reach the real store by default.
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp / "default.duckdb"))
    holder = Store(paths["busy_db"])  # held by this process while the CLI tries to open it
    try:
        procs = {name: subprocess.Popen([sys.executable, "-m", "lib.cli", *map(str, args)], cwd=ROOT,
                                        env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for name, args in commands.items()}
        runs = {}
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=120)
            runs[name] = Run(proc.returncode, out, err)
    finally:
        holder.close()
    states["bad_after"] = _state(paths["bad_db"])
    states["export_after"] = [_state(paths[f"export_{n}_db"]) for n in ("csv", "xlsx", "unknown")]
    return {"runs": runs, "paths": paths, "states": states}


# ---------------------------------------------------------------- load


def test_load_good_workbook(env):
    run = env["runs"]["load_good"]
    assert run.returncode == 0, run.err
    out = run.stdout.decode("utf-8")
    assert "已导入 P1" in out and "数据版本 2" in out
    store = Store(env["paths"]["good_db"])
    try:
        assert set(store.read("programs")["program_id"]) == {"P1", "P2"}
        assert len(store.read("projects")) == 4
        assert store.current_version()["files"] == "p1.xlsx"
    finally:
        store.close()


def test_load_bad_cell_is_rejected_and_changes_nothing(env):
    run = env["runs"]["load_bad"]
    assert run.returncode == 1
    assert "导入被拒绝" in run.err
    assert "bad.xlsx › 项目 › 第3行 › E列“全年预算数”：应为金额（万元），实际为“一千五”" in run.err
    assert "Traceback" not in run.err
    assert run.stdout == b""
    assert env["states"]["bad_after"] == env["states"]["bad_before"]


# ---------------------------------------------------------------- export


def test_export_csv_to_stdout_with_where(env):
    run = env["runs"]["export_csv"]
    assert run.returncode == 0, run.err
    assert run.stdout.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(run.stdout[len(BOM):].decode("utf-8"))))
    assert len(rows) == 2
    assert {r["资金/部门编号"] for r in rows} == {"P2"}
    assert sorted(r["项目编号"] for r in rows) == ["QJ1", "QJ2"]
    assert float(next(r for r in rows if r["项目编号"] == "QJ1")["执行率（%）"]) == pytest.approx(15.14353 / 16 * 100)


def test_export_xlsx_to_file(env):
    run = env["runs"]["export_xlsx"]
    assert run.returncode == 0, run.err
    assert "已导出 2 行" in run.err
    book = openpyxl.load_workbook(env["paths"]["xlsx_out"])
    assert book.sheetnames == ["项目一览", "导出说明"]
    ws = book["项目一览"]
    headers = [c.value for c in ws[1]]
    assert "项目编号" in headers and "执行率（%）" in headers
    assert ws.max_row == 3
    assert {ws.cell(row=r, column=headers.index("资金/部门编号") + 1).value for r in (2, 3)} == {"P1"}
    info = {row[0]: row[1] for row in book["导出说明"].iter_rows(min_row=2, values_only=True)}
    assert info["筛选条件"] == "资金/部门：危化品安全治理转移支付（P1）"
    assert info["数据版本"].startswith("v2（")
    assert info["行数"] == 2


def test_export_unknown_where_column(env):
    run = env["runs"]["export_unknown_column"]
    assert run.returncode == 2
    assert "没有列" in run.err and "nope" in run.err
    assert run.stdout == b""


def test_exports_do_not_change_the_store(env):
    assert env["states"]["export_after"] == [env["states"]["export_before"]] * 3


def test_export_while_the_store_is_busy(env):
    run = env["runs"]["export_busy"]
    assert run.returncode == 2
    assert "正被另一个进程占用" in run.err
    assert "Traceback" not in run.err


# ---------------------------------------------------------------- template


def test_template_is_a_valid_empty_workbook(env):
    run = env["runs"]["template"]
    assert run.returncode == 0, run.err
    assert "已写出模板" in run.stdout.decode("utf-8")
    out = env["paths"]["template"]
    parsed = read_workbook(out)
    assert parsed.findings == []
    assert all(rows == [] for rows in parsed.tables.values())
    book = openpyxl.load_workbook(out)
    assert set(book.sheetnames) >= {"说明", "来源", "资金与部门", "项目", "资金分配", "执行进度", "建设进度",
                                    "绩效目标", "绩效指标", "得分构成", "支出明细", "报告声明数"}
    assert [c.value for c in book["项目"][1]][:3] == ["项目编号", "资金/部门编号", "项目名称"]
    assert book["项目"].max_row == 1


# ---------------------------------------------------------------- usage errors (in-process)


def test_load_missing_file_is_a_usage_error(tmp_path, capsys):
    db = tmp_path / "never.duckdb"
    assert cli.main(["load", str(tmp_path / "nope.xlsx"), "--db", str(db)]) == 2
    assert "找不到文件" in capsys.readouterr().err
    assert not db.exists()


def test_export_malformed_where_is_a_usage_error(tmp_path, capsys):
    db = tmp_path / "never.duckdb"
    # --init: the usage error comes before any store is made (without it the missing file is the error)
    assert cli.main(["export", "v_projects", "--where", "program_id", "--db", str(db), "--init"]) == 2
    assert "COLUMN=VALUE" in capsys.readouterr().err
    assert not db.exists()


@pytest.mark.parametrize("name", ["nope", "projects;DROP TABLE projects", "information_schema.tables"])
def test_export_rejects_names_outside_the_allow_list(tmp_path, capsys, name):
    with pytest.raises(SystemExit) as info:
        cli.main(["export", name, "--db", str(tmp_path / "never.duckdb")])
    assert info.value.code == 2
    assert not (tmp_path / "never.duckdb").exists()
