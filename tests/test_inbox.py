"""A year's inbox (issue 22): one drop of many files — the shipped workbooks, the two shipped
reports as .txt / .docx (and .pdf where Chromium prints one), real forms from the corpus — gives
a triage in which each program appears once, the Lanzhou report updates LZ2022-YJJ instead of
adding RD2022-…, form-vs-report differences are 不符 with the cell and the sentence, and one
commit makes one version; the same through ``python -m lib.cli intake``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import test_forms as tf
from conftest import make_workbook, minimal_dataset
from corpus_layouts import CORPUS
from corpus_published import PUBLISHED
from form_corpus import xlsx
from report_files import docx_file

from lib import cli
from lib.analysis import checks
from lib.intake import inbox
from lib.intake.inbox_match import name_key, numbers_differ, same_program
from lib.store import Store, open_store
from lib.store import inbox as store_inbox

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
LANZHOU_REPORT = SEEDS / "002_ecff5fb308d9a00b.txt"
LIAONING_REPORT = SEEDS / "000_305319caaa668474.txt"
# a dozen real forms (published or transcribed from real files), one program each
FORMS = [lay for lay in CORPUS + PUBLISHED if lay.key != "chongqing_fengjie_2023"][:12]


def archive_form(executed: float = 15.5, score: float = 95.0) -> bytes:
    """兰州新区应急管理局's 项目支出绩效自评表 of 档案整理专项 (2022), with its own figures: the
    report says 全年执行支出15.14353万元 and 项目执行得分94分."""
    book = openpyxl.Workbook()
    tf.plain_project_sheet(book.active, "档案整理专项", 16.0, executed, score, "优")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def drop_zip(tmp_path: Path, with_form: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ("liaoning_2023_hazchem.xlsx", "lanzhou_2022_emergency.xlsx"):
            z.write(ROOT / "data" / name, f"数据/{name}")
        z.write(LANZHOU_REPORT, "报告/兰州新区应急管理局2022年度自评报告.txt")
        z.write(LIAONING_REPORT, "报告/辽宁危化品自评报告.txt")
        z.write(docx_file(LANZHOU_REPORT.read_text(encoding="utf-8"), tmp_path / "lz.docx"),
                "报告/兰州新区应急管理局2022年度自评报告.docx")
        for lay in FORMS:
            z.writestr(f"自评表/{lay.key}.xlsx", xlsx(*lay.sheets))
        if with_form:
            z.writestr("自评表/档案整理专项.xlsx", archive_form())
    return buf.getvalue()


@pytest.fixture
def seeded(tmp_path):
    store = open_store(tmp_path / "inbox.duckdb")
    yield store
    store.close()


def _plan(result, program_id):
    return next(p for p in result.programs if p.target_id == program_id)


def test_a_year_in_one_zip_gives_each_program_once_and_one_version(seeded, tmp_path):
    before = seeded.content_checksum()
    lanzhou_before = seeded.query("SELECT COUNT(*) AS n, SUM(budget) AS b FROM projects WHERE program_id = ?",
                                  ["LZ2022-YJJ"]).iloc[0]
    dropped = drop_zip(tmp_path)
    files = inbox.read_drop([("年终收件.zip", dropped)])
    result = store_inbox.triage(seeded, files)
    assert seeded.content_checksum() == before  # the triage writes nothing

    by_label = {f.label.split("/", 1)[1]: f for f in result.files}
    assert by_label["数据/lanzhou_2022_emergency.xlsx"].status == inbox.SKIPPED
    assert by_label["数据/lanzhou_2022_emergency.xlsx"].already == "v1"
    assert by_label["报告/兰州新区应急管理局2022年度自评报告.docx"].kind == inbox.REPORT
    assert by_label["自评表/档案整理专项.xlsx"].kind == inbox.FORM
    assert all(by_label[f"自评表/{lay.key}.xlsx"].status == inbox.READY for lay in FORMS)

    ids = [p.target_id for p in result.programs]
    assert len(ids) == len(set(ids)) == 2 + len(FORMS)  # each program once
    assert not [i for i in ids if i.startswith(("RD", "RT"))]  # no report became a new program
    lanzhou = _plan(result, "LZ2022-YJJ")
    assert lanzhou.headline() == "更新 LZ2022-YJJ"
    assert sorted(f.split("/")[-1] for f in lanzhou.files) == [
        "兰州新区应急管理局2022年度自评报告.docx", "兰州新区应急管理局2022年度自评报告.txt", "档案整理专项.xlsx"]
    assert lanzhou.changes()["projects"] == (0, 1, 0)  # 档案整理专项's figures from the form; no project added
    assert _plan(result, "LN2023-WHP").headline() == "更新 LN2023-WHP"

    done = store_inbox.commit(seeded, result, [p.key for p in result.programs if p.committable], user="分析员")
    assert done.version_id == 2 == seeded.version_id()  # one commit, one version
    versions = seeded.query("SELECT version_id, files FROM dataset_versions ORDER BY version_id")
    assert len(versions) == 2 and "档案整理专项.xlsx" in versions["files"].iloc[1]
    lanzhou_after = seeded.query("SELECT COUNT(*) AS n, SUM(budget) AS b FROM projects WHERE program_id = ?",
                                 ["LZ2022-YJJ"]).iloc[0]
    assert int(lanzhou_after["n"]) == int(lanzhou_before["n"]) == 9  # not doubled to 18
    assert float(lanzhou_after["b"]) == pytest.approx(float(lanzhou_before["b"]))
    assert seeded.query("SELECT COUNT(*) AS n FROM programs WHERE year = 2022 AND program_id LIKE 'R%'")["n"][0] == 0
    p01 = seeded.query("SELECT executed, stated_score FROM projects WHERE project_id = 'LZ2022-P01'").iloc[0]
    assert (float(p01["executed"]), float(p01["stated_score"])) == (15.5, 95.0)  # the form's figures

    # the same drop again: every file already imported, nothing to commit
    again = store_inbox.triage(seeded, inbox.read_drop([("年终收件.zip", dropped)]))
    assert {f.status for f in again.files} == {inbox.SKIPPED}
    assert again.programs == []


def test_form_and_report_that_differ_are_a_finding_before_and_after_the_commit(seeded, tmp_path):
    files = inbox.read_drop([("lz.txt", LANZHOU_REPORT.read_bytes()), ("档案整理专项.xlsx", archive_form())])
    result = store_inbox.triage(seeded, files)
    (plan,) = result.programs
    found = {d.figure: d for d in plan.disagreements}
    assert set(found) == {"全年执行数", "财政拨款", "执行率", "自评得分"}
    executed = found["全年执行数"]
    assert (executed.form_value, executed.report_value) == (15.5, 15.14353)
    assert executed.form_place == "档案整理专项.xlsx › Sheet › 第6行 › 全年执行数"
    assert "全年执行支出15.14353万元" in executed.report_sentence
    assert "自评表 15.5万元" in executed.text() and "报告 15.14353万元" in executed.text()
    assert (found["自评得分"].form_value, found["自评得分"].report_value) == (95.0, 94.0)
    assert "全年预算数" not in found  # 16 in both

    store_inbox.commit(seeded, result, [plan.key], user="分析员")
    audit = checks.run_audit(checks.read_inputs(seeded.read))
    r2 = [f for f in audit if f.rule == "R2" and f.project_id == "LZ2022-P01" and f.certainty == "不符"]
    assert r2 and r2[0].stated == pytest.approx(15.14353) and r2[0].recomputed == pytest.approx(15.5)
    assert any("全年执行支出15.14353万元" in e.quote for e in r2[0].evidence)
    r1 = [f for f in audit if f.rule == "R1" and f.project_id == "LZ2022-P01" and f.stated == pytest.approx(94.65)]
    assert r1 and r1[0].certainty in ("不符", "提示")  # 94.65% against the form's 15.5 ÷ 16
    (r16,) = [f for f in audit if f.rule == "R16"]
    assert (r16.stated, r16.recomputed, r16.project_id, r16.certainty) == (94.0, 95.0, "LZ2022-P01", "不符")
    assert "项目执行得分94分" in r16.evidence[0].quote and "档案整理专项.xlsx › Sheet › 第6行" in r16.evidence[1].quote


def test_a_form_that_agrees_with_its_report_within_the_stated_precision_is_no_finding(seeded):
    agreeing = archive_form(executed=15.14353, score=94.0)
    result = store_inbox.triage(seeded, inbox.read_drop([("lz.txt", LANZHOU_REPORT.read_bytes()),
                                                         ("档案.xlsx", agreeing)]))
    assert {d.figure for d in result.programs[0].disagreements} == {"财政拨款"}  # 16 vs 15.14353 only


def test_stated_precision():
    assert not numbers_differ(16, 16.0)
    assert not numbers_differ(15.14353, 15.14)  # 15.14 spans 15.135–15.145
    assert numbers_differ(15.5, 15.14353)
    assert not numbers_differ(0.9465, 0.947, rate=True)  # 94.7% spans 94.65%–94.75%
    assert numbers_differ(0.96875, 0.9465, rate=True)
    assert numbers_differ(50, 49.6)  # a whole amount is exact
    assert not numbers_differ("≥90%", "≥ 90 %") and numbers_differ("≥90%", "≥95%")


def test_the_matching_rule_on_the_shipped_programs():
    from lib.intake.report import read_report

    lanzhou = read_report(LANZHOU_REPORT.read_text(encoding="utf-8")).tables["programs"][0]
    liaoning = read_report(LIAONING_REPORT.read_text(encoding="utf-8")).tables["programs"][0]
    lz_stored = {"program_id": "LZ2022-YJJ", "program_name": "兰州新区应急管理局部门本级预算", "year": 2022,
                 "program_kind": "部门预算", "department": "兰州新区应急管理局", "region": "兰州新区",
                 "doc_no": "兰新财发〔2023〕36号"}
    ln_stored = {"program_id": "LN2023-WHP", "program_name": liaoning["program_name"], "year": 2023,
                 "program_kind": "转移支付", "department": "辽宁省应急管理厅", "region": "辽宁省",
                 "doc_no": "财资环〔2023〕48号", "sub_doc_no": "辽财指环〔2023〕356号"}
    match = same_program(lanzhou, lz_stored)
    assert match and match.program_id == "LZ2022-YJJ" and match.sure  # 兰州 names 兰州新区
    match = same_program(liaoning, ln_stored)
    assert match and match.sure and "文号" in match.why  # the report names no department; the document does
    assert same_program(liaoning, lz_stored) is None
    assert same_program(liaoning, {**ln_stored, "region": "吉林省"}) is None  # the same fund in another province
    assert same_program(liaoning, {**ln_stored, "doc_no": "财资环〔2023〕49号"}) is None
    assert same_program(liaoning, {**ln_stored, "year": 2024}) is None
    # a form's derived department program: "<主管部门><year>年度部门预算", matched by department
    form_program = {"program_id": "ZP2022-abcdef", "program_name": "兰州新区应急管理局2022年度部门预算",
                    "year": 2022, "program_kind": "部门预算", "department": "兰州新区应急管理局"}
    assert same_program(form_program, lz_stored).program_id == "LZ2022-YJJ"
    assert name_key("兰州新区应急管理局2022年度部门本级预算") == name_key("兰州新区应急管理局部门预算")
    # a page saved from the web keeps its address before the title: it names no program
    saved = {**ln_stored, "program_id": "R", "program_name": "# 来源: http://slt.example.gov.cn/a/1.html | "
             + ln_stored["program_name"] + "2023年度绩效自评报告", "region": "# 来源: http://slt.example.gov.cn/a/1.html"}
    assert same_program(saved, ln_stored).program_id == "LN2023-WHP"


def test_an_ambiguous_match_asks_and_the_choice_updates_the_chosen_program(tmp_path):
    store = Store(tmp_path / "two.duckdb")
    try:
        # two stored programs of the same name and year, neither naming what tells them apart
        one, two = minimal_dataset(), minimal_dataset(program_id="P2", project_prefix="QJ", source_id="S2")
        for tables in (one, two):
            tables["programs"][0]["region"] = None
            tables["programs"][0]["doc_no"] = None
        store.import_files([("one.xlsx", make_workbook(tmp_path, one, name="one.xlsx")),
                            ("two.xlsx", make_workbook(tmp_path, two, name="two.xlsx"))], user="分析员")
        incoming = minimal_dataset(program_id="P3", project_prefix="RJ", source_id="S3")
        incoming["projects"][0]["executed"] = 15.0
        path = make_workbook(tmp_path, incoming, name="third.xlsx")
        files = inbox.read_drop([("third.xlsx", path.read_bytes())])
        result = store_inbox.triage(store, files)
        (plan,) = result.programs
        assert plan.action == store_inbox.AMBIGUOUS and {c.program_id for c in plan.candidates} == {"P1", "P2"}
        assert plan.headline() == "待确认：可能是 P1、P2"
        with pytest.raises(KeyError):
            store_inbox.commit(store, result, [plan.key], user="分析员")
        assert store.version_id() == 1
        chosen = store_inbox.triage(store, files, {plan.key: "P1"})
        (plan,) = chosen.programs
        assert plan.headline() == "更新 P1"
        store_inbox.commit(store, chosen, [plan.key], user="分析员")
        rows = store.query("SELECT project_id, executed FROM projects WHERE program_id = 'P1' ORDER BY project_id")
        assert rows["project_id"].tolist() == ["PJ1", "PJ2"]  # matched by name: no RJ1 beside PJ1
        assert float(rows["executed"].iloc[0]) == 15.0
        assert store.query("SELECT COUNT(*) AS n FROM programs")["n"][0] == 2
    finally:
        store.close()


def test_refused_files_say_why_in_chinese(seeded):
    blank = openpyxl.Workbook()
    blank.active["A1"] = "会议纪要"
    buf = io.BytesIO()
    blank.save(buf)
    files = inbox.read_drop([
        ("旧表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("纪要.xlsx", buf.getvalue()),
        ("坏包.zip", b"PK\x03\x04 not really a zip"),
        ("照片.jpg", b"\xff\xd8\xff\xe0"),
        ("空报告.txt", b"   \n"),
        ("lz.txt", LANZHOU_REPORT.read_bytes()),
        ("lz副本.txt", LANZHOU_REPORT.read_bytes()),
    ])
    result = store_inbox.triage(seeded, files)
    why = {f.label: "；".join(f.refused) for f in result.files}
    assert "另存为 .docx" in why["旧表.doc"]
    assert "既不是数据工作簿" in why["纪要.xlsx"]
    assert "压缩包无法打开" in why["坏包.zip"]
    assert "不支持的文件类型“.jpg”" in why["照片.jpg"]
    assert "没有文字" in why["空报告.txt"]
    status = {f.label: f.status for f in result.files}
    assert status["lz.txt"] == inbox.REVIEW and status["lz副本.txt"] == inbox.SKIPPED  # the same bytes twice
    assert [p.headline() for p in result.programs] == ["更新 LZ2022-YJJ"]


def test_zip_member_names_from_a_chinese_windows_zip(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("XXXX.txt", LANZHOU_REPORT.read_bytes())
        z.writestr("__MACOSX/._XXXX.txt", b"junk")
    # the name as a Chinese Windows zip tool stores it: GBK bytes, no UTF-8 flag
    data = buf.getvalue().replace(b"XXXX.txt", "报告.txt".encode("gbk"))
    files, refused = inbox.unpack([("收件.zip", data)])
    assert [label for label, _ in files] == ["收件.zip/报告.txt"] and not refused


# ---------------------------------------------------------------- the command line

def _cli(*args, env=None) -> subprocess.CompletedProcess:
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, "-m", "lib.cli", *map(str, args)], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300)


def test_cli_intake_triages_a_folder_and_commits_one_version(tmp_path, capsys):
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "drop.zip").write_bytes(drop_zip(tmp_path))
    db = tmp_path / "cli.duckdb"
    assert cli.main(["intake", str(folder), "--db", str(db)]) == 2  # no such store, no --init
    assert "不存在" in capsys.readouterr().err and not db.exists()
    assert cli.main(["intake", str(folder), "--db", str(db), "--init"]) == 0
    out = capsys.readouterr()
    assert "更新 LZ2022-YJJ 兰州新区应急管理局部门本级预算（2022）" in out.out
    assert "不符：档案整理专项 全年执行数：自评表 15.5万元" in out.out
    assert "读取 1/" in out.err and "未写入任何数据" in out.err
    store = Store(db)
    assert store.version_id() == 1
    store.close()
    assert cli.main(["intake", str(folder), "--db", str(db), "--commit", "--include-review"]) == 0
    out = capsys.readouterr().out
    assert "数据版本 v2" in out
    store = Store(db)
    try:
        assert store.version_id() == 2
        assert store.query("SELECT COUNT(*) AS n FROM projects WHERE program_id = 'LZ2022-YJJ'")["n"][0] == 9
    finally:
        store.close()
    # again: every file was imported; nothing to commit
    assert cli.main(["intake", str(folder / "drop.zip"), "--db", str(db), "--commit"]) == 1
    assert "已导入过" in capsys.readouterr().out


def test_cli_read_only_commands_refuse_a_store_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "typo.duckdb"
    for args in (["export", "v_projects"], ["check"], ["report", "--format", "docx"], ["form", "LZ2022-P01"]):
        assert cli.main([*args, "--db", str(missing)]) == 2
        assert "--init" in capsys.readouterr().err
    assert not missing.exists()
    assert cli.main(["export", "programs", "--db", str(missing), "--init", "--out", str(tmp_path / "p.csv")]) == 0
    assert "LZ2022-YJJ" in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")


def test_cli_beside_the_running_app_says_where_the_app_shows_the_same(tmp_path):
    db = tmp_path / "app.duckdb"
    holder = open_store(db)  # as the app holds its file
    try:
        run = _cli("export", "v_projects", "--db", db)
        assert run.returncode == 2
        assert "正被另一个进程占用" in run.stderr
        assert "数据管理 › 数据导出" in run.stderr and f"PID {os.getpid()}" in run.stderr
        run = _cli("check", "--db", db)
        assert run.returncode == 2 and "“核查”页" in run.stderr
    finally:
        holder.close()


def test_merge_by_role_the_form_gives_the_figure_and_an_indicator_that_differs_is_listed():
    from lib.intake.inbox_match import Member, merge

    def member(kind, label, actual, weight, note):
        program = {"program_id": f"{kind}-1", "program_name": "某县应急管理局2022年度部门预算", "year": 2022,
                   "program_kind": "部门预算", "department": "某县应急管理局", "source_id": f"{kind}-S"}
        project = {"project_id": f"{kind}-P", "program_id": f"{kind}-1", "project_name": "应急物资储备",
                   "budget": 120.0, "executed": 114.0, "source_ref": label, "note": note}
        indicator = {"program_id": f"{kind}-1", "project_id": f"{kind}-P", "seq": 7, "level1": "产出指标",
                     "level3": "储备物资到位率", "target": "≥95%", "actual": actual, "weight": weight,
                     "source_ref": label, "sentence": f"{label}的原句"}
        tables = {"programs": [program], "projects": [project], "indicators": [indicator],
                  "sources": [{"source_id": f"{kind}-S", "title": label}]}
        origins = {t: [(label, "表1", 6)] * len(rows) for t, rows in tables.items()}
        return Member(kind, label, tables, origins)

    merged = merge([member("report", "报告.docx", "90%", None, "报告的说明"),
                    member("form", "自评表.xlsx", "96%", 20.0, None)], "ZP2022-X")
    (project,) = merged.tables["projects"]
    (indicator,) = merged.tables["indicators"]
    assert project["project_id"] == "report-P" and project["note"] == "报告的说明"  # a form's blank keeps it
    assert (indicator["actual"], indicator["weight"], indicator["seq"]) == ("96%", 20.0, 7)
    assert indicator["project_id"] == "report-P" and indicator["program_id"] == "ZP2022-X"
    (d,) = merged.disagreements
    assert (d.figure, d.form_value, d.report_value) == ("实际完成值", "96%", "90%")
    assert d.form_place == "自评表.xlsx › 表1 › 第6行 › 实际完成值" and d.report_sentence == "报告.docx的原句"


def test_cli_zip_reads_a_download_without_its_suffix(tmp_path, capsys):
    db = tmp_path / "z.duckdb"
    download = tmp_path / "附件下载"
    download.write_bytes(drop_zip(tmp_path, with_form=False))
    assert cli.main(["intake", str(download), "--zip", "--db", str(db), "--init", "--json"]) == 0
    import json

    triage = json.loads(capsys.readouterr().out)
    assert {p["action"] for p in triage["programs"]} == {"update", "new"}
    assert next(p for p in triage["programs"] if p["program_id"] == "LZ2022-YJJ")["action"] == "update"


def test_a_pdf_report_printed_by_chromium_updates_its_program(seeded, tmp_path):
    from report_files import pdf_file

    pdf = pdf_file(LANZHOU_REPORT.read_text(encoding="utf-8"), tmp_path / "兰州新区自评报告.pdf")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(pdf, "报告/兰州新区自评报告.pdf")
        z.writestr("自评表/档案整理专项.xlsx", archive_form())
    result = store_inbox.triage(seeded, inbox.read_drop([("收件.zip", buf.getvalue())]))
    assert [f.kind for f in result.files] == [inbox.REPORT, inbox.FORM]
    (plan,) = result.programs
    assert plan.headline() == "更新 LZ2022-YJJ"
    assert "全年执行数" in {d.figure for d in plan.disagreements}


def test_a_word_form_in_a_drop_is_read_as_the_form_once(tmp_path):
    """A 自评表 saved as .docx is a form of the drop (it once raised AttributeError: the inbox
    called form-reader functions the one intake road replaced), read as its .xlsx reads."""
    corpus = Path(__file__).parent / "corpus" / "forms"
    docx_form = (corpus / "neimenggu_linhe_jiuye_buzhu_2022.docx").read_bytes()
    xlsx_form = (corpus / "neimenggu_linhe_jiuye_buzhu_2022.xlsx").read_bytes()
    from_word = inbox.read_file("临河 就业补助.docx", docx_form)
    from_excel = inbox.read_file("临河 就业补助.xlsx", xlsx_form)
    assert (from_word.kind, from_word.refused) == ("form", [])
    def figures(item):  # the sheet's name (表1 in Word) is in source_ref; the figures are the same
        return [{k: v for k, v in r.items() if k != "source_ref"} for r in item.parsed.tables["execution"]]
    assert figures(from_word) == figures(from_excel) and figures(from_word)
    # a report in Word stays a report; a protected workbook says why it cannot be read
    report = inbox.read_file("报告.docx", docx_file("某县2023年度项目支出绩效自评报告\n" + "项目实施情况良好。" * 80,
                                                    tmp_path / "r.docx").read_bytes())
    assert report.kind == "report"
    locked = inbox.read_file("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert locked.kind is None and "密码" in locked.refused[0]
