"""The audit on the shipped data (data/*.xlsx, built from the two seed reports).

VERIFIED_DISAGREEMENTS pins every 不符 finding, each verified by reading the report (the sentence
is quoted beside it); a rule change that adds or loses one shows up as a diff here. The other
tests pin the false-alarm classes the rules no longer raise, the reading checks' finds, and
`python -m lib.cli check --json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from lib.analysis import checks
from lib.store import open_store

# (rule, record without the program name, stated, recomputed): each a contradiction in the text.
VERIFIED_DISAGREEMENTS = [
    # LN §二(一)2 "地方投入资金已执行800万元，资金执行率33%"; §二(一)1 "市以下财政投入资金10380万元": 7.71%
    ("R1", "辽宁省 地方资金（截至 2023-12-31）", 33.0, 7.7071),
    # LZ §二(一) and §二(三) "当年财政预算7750.69万元，全年支出7719.74万元，执行率99.36%": 99.60%
    ("R1", "整体（截至 2022-12-31）", 99.36, 99.6007),
    # LZ P07 (2) "共计支出170.3196万元" vs (1) "全年执行支出171.12万元" and (4) "支出了171.12万元"
    ("R2", "全国自然灾害综合风险普查项目 / 共计支出", 170.3196, 171.12),
    # LZ P04 (3)③ "实际满意度为100%，低于目标值100%。"
    ("R5", "气象灾害预警项目 / 满意度指标 / 服务对象（企业）满意度", "低于目标值100%",
     "达标（指标值 100%，实际 100%）"),
    # LZ P05 (3)③ the same sentence
    ("R5", "应急救援能力提升项目 / 满意度指标 / 服务对象（企业）满意度", "低于目标值100%",
     "达标（指标值 100%，实际 100%）"),
    # LN §三 "无。" while §二(一)2 gives 2450 / 7500 and 800 / 10380
    ("R9", "偏离绩效目标的原因和下一步改进措施", "无",
     "辽宁省 中央补助 执行率 32.67%；辽宁省 地方资金 执行率 7.71%"),
    # LZ P04 (2) "兰州新区应急救援能力提升项目申报资金49万元，已完成支付9万元" (P04 is 气象灾害预警项目)
    ("R11", "气象灾害预警项目 / 项目名称", "应急救援能力提升项目", "气象灾害预警项目"),
    # issue 23 (R12–R15), each classified against the report by an independent reviewer
    # (first review: N3 and N5 real; the reworded 葫芦岛 finding re-read: a note, below)
    # LN §二(三)2 抚顺 "已完成安全风险智能化管控平台的六大功能模块建设" vs §二(四)1(1)(2) "部分模块正在建设中"
    ("R12", "抚顺高新技术产业开发区化工及精细化工园区 / 完成状态", "已完成安全风险智能化管控平台的六大功能模块建设",
     "部分模块正在建设中"),
    # LN §二(二)6 "为进一步规范和加强冬春救助资金管理" in the hazardous-chemicals fund's report
    ("R15", "资金名称", "冬春救助资金", "中央安全生产预防和应急救援能力建设补助资金（危险化学品重大安全风险防控支出）"),
]

# The other findings of R12–R15 (无法核对 and 提示), each classified a correct note by the reviewer
# (N1 and N4 were 不符 and are notes by its verdict; N7's count is the report's 5 indicators, not
# the 15 stored rows; N10, P08's 资金支付率, was a duplicate of R1's P08 note and is gone).
VERIFIED_READING_NOTES = [
    # LZ §二(二)1 目标5 "新增建设3个“六要素气象监测站”": no section reports on the stations
    ("R13", "无法核对", "目标5 / 六要素气象监测站", "3 个", None),
    # LN §二(四): none of its 5 indicators (15 rows by park) has a 年度指标值
    ("R14", "无法核对", "绩效指标年度指标值", "5 项指标无目标", None),
    # LN §二(三) "基本完成2023年项目建设任务" beside 60% / 60% / 40%: the year's target is not stated
    ("R12", "提示", "总体绩效目标完成情况", "基本完成2023年项目建设任务", "完成比例 40%–60%"),
    # LN §二(四)1(1) 数量指标 "沈阳、盘锦、葫芦岛完成100%" vs §二(四)1(2) 质量指标 "…葫芦岛园区的部分模块
    # 正在建设中": two indicators, both saying 模块 (second review: a note, not a contradiction)
    ("R12", "提示", "葫芦岛市高新技术产业开发区化工园区 / 完成状态", "风险智能管控平台模块建设完成率 100%",
     "部分模块正在建设中"),
    # LN §二(四)1(3) "…目前正在建设中，时效指标完成率为100%"
    ("R12", "提示", "产出指标 / 时效指标完成率", "100%", "目前正在建设中"),
    # LZ 目标5 "完成兰州新区区域气候评估论证": P04 (4) says it was not done, 目标5完成情况 is silent
    ("R13", "提示", "目标5", "完成兰州新区区域气候评估论证", "区域气象评估论证项目未完成"),
    # LZ P06 资金支付率 100%: 46.37 ÷ 50 = 92.74% by budget, 100% by 财政拨款 (basis unstated)
    ("R14", "提示", "兰州新区森林防火视频监控建设项目尾款 / 产出指标 / 新区森林草原防灭火视频监控建设项目资金支付率",
     100.0, 92.74),
    # LZ §二(二)2 目标5完成情况 "预计年底前将全面完成47个专项预案编修" in a report dated 2023年3月17日
    ("R15", "提示", "预计完成", "预计年底前将全面完成47个专项预案编修", "年度已结束"),
    # LZ P03 (2) "2021年，已完成第一轮隐患排查工作" in the 2022 self-evaluation
    ("R15", "提示", "安责险试点专项经费 / 年份", "2021年", "2022年"),
]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("audit") / "seed.duckdb")
    try:
        yield checks.run_audit(checks.read_inputs(store.read))
    finally:
        store.close()


def _short(record: str) -> str:
    return record.split(" / ", 1)[1] if " / " in record else record


def _figure(value):
    return round(value, 4) if isinstance(value, float) else value


def test_the_verified_disagreements_exactly(shipped):
    got = [(f.rule, _short(f.record), _figure(f.stated), _figure(f.recomputed))
           for f in shipped if f.certainty == "不符"]
    assert got == VERIFIED_DISAGREEMENTS


def test_the_verified_reading_notes_exactly(shipped):
    got = [(f.rule, f.certainty, _short(f.record), _figure(f.stated), _figure(f.recomputed))
           for f in shipped if f.rule in ("R12", "R13", "R14", "R15") and f.certainty != "不符"]
    assert got == VERIFIED_READING_NOTES


def test_cross_section_contradictions_quote_both_sentences(shipped):
    def quotes(rule, record_end):
        found = next(f for f in shipped if f.rule == rule and f.record.endswith(record_end))
        return [(e.source_ref, e.quote) for e in found.evidence]

    fushun = quotes("R12", "抚顺高新技术产业开发区化工及精细化工园区 / 完成状态")
    assert fushun[0][0] == "LN2023 §二(三)2" and "已完成安全风险智能化管控平台的六大功能模块建设" in fushun[0][1]
    assert [ref for ref, _ in fushun[1:]] == ["LN2023 §二(四)1(1)", "LN2023 §二(四)1(2)"]
    huludao = quotes("R12", "葫芦岛市高新技术产业开发区化工园区 / 完成状态")
    assert huludao == [
        ("LN2023 §二(四)1(1)", "2023年，全省已完成风险智能管控平台模块建设总量的60%，其中沈阳、盘锦、葫芦岛完成100%，"
         "抚顺、阜新园区的数量指标的部分模块正在建设中。"),
        ("LN2023 §二(三)5", "葫芦岛市高新技术产业开发区化工园区对照绩效申报目标，补助资金及时下拨，完成了年度总体目标。"),
        ("LN2023 §二(四)1(2)", "2023年，全省已实现基本工程建设率40%，其中沈阳、盘锦完成100%，"
         "抚顺、阜新、葫芦岛园区的部分模块正在建设中。")]
    fund = quotes("R15", "资金名称")
    assert fund == [("LN2023 §二(二)6", "省应急厅、省财政厅按照职责分工，严格落实绩效监管主体责任，"
                     "为进一步规范和加强冬春救助资金管理，提高资金使用效益，省应急厅组织制定项目年度绩效目标，并报省财政厅审核。"),
                    ("LN2023 §四", "2023年度，我省首次争取到中央安全生产预防和应急救援能力建设补助资金。")]
    basic = quotes("R12", "总体绩效目标完成情况")
    assert basic[0] == ("LN2023 §二(三)", next(q for _, q in basic if q.endswith("基本完成2023年项目建设任务。")))
    assert not any("资金执行率" in q for _, q in basic)  # execution is R1's, not evidence of progress
    goal = quotes("R13", "目标5")
    assert goal == [("LZ2022 §二(二)1 目标5", "完成兰州新区区域气候评估论证"),
                    ("LZ2022 §二(三)4", "2022年度，兰州新区发生新一轮疫情，因疫情防控，导致第三方专业机构专家人员，"
                     "无法到新区进行现场评估，导致区域气象评估论证项目未完成。")]
    forecast = next(f for f in shipped if f.rule == "R15" and f.record.endswith("预计完成"))
    assert forecast.places == ("LZ2022 §二(二)2 目标5完成情况",)  # the completion's section, not the goal's


def test_what_the_reading_rules_do_not_flag(shipped):
    # 沈阳 and 盘锦 say 已完成 and their indicators say 100%: no park finding; 阜新's "一期项目（第一部分）已竣工"
    # is a part, not the whole
    parks = {f.region for f in shipped if f.rule == "R12" and f.record.endswith("完成状态")}
    assert parks == {"抚顺市", "葫芦岛市"}
    # years in a document number or a dated allocation ("2021年9月30日，…下达") are not last year's work
    years = [f for f in shipped if f.rule == "R15" and f.record.endswith("年份")]
    assert [f.project_id for f in years] == ["LZ2022-P03"]
    # a department report names many funds (防汛抗旱救灾资金, 普查经费): only the transfer fund's stray name
    assert [f.program_id for f in shipped if f.rule == "R15" and f.record.endswith("资金名称")] == ["LN2023-WHP"]
    # LZ's projects all have some target: "no targets" is said once, for the Liaoning program only
    assert [(f.program_id, f.project_id) for f in shipped if f.rule == "R14" and f.certainty == "无法核对"] == [
        ("LN2023-WHP", None)]
    # P08's 资金支付率 100% restates its "资金执行率为100%", which R1 already notes: one finding
    assert [f.rule for f in shipped if f.project_id == "LZ2022-P08" and "100" in str(f.stated)] == ["R1"]


def test_disagreements_come_first_and_every_finding_quotes_the_report(shipped):
    order = ["不符", "无法核对", "提示"]
    assert [f.certainty for f in shipped] == sorted((f.certainty for f in shipped), key=order.index)
    assert all(f.evidence and all(e.quote for e in f.evidence) for f in shipped)
    local = next(f for f in shipped if f.rule == "R1" and f.stated == 33)
    quotes = [e.quote for e in local.evidence]
    assert quotes[0] == "目前，中央补助资金支出2450万元，资金执行率33%，地方投入资金已执行800万元，资金执行率33%。"
    assert any("市以下财政投入资金10380万元" in q for q in quotes)
    assert "中央补助 2,450.00 万元 ÷ 7,500.00 万元 = 32.67% 一致" in local.message
    # on the 2023 tranche alone (6722 of the 10380) it is 11.90%: 33% fits no base the report gives
    assert "2023年投入资金 6,722.00 万元：11.90%" in local.message


def test_no_finding_repeats_another(shipped):
    keys = [(f.rule, f.record, str(f.stated), str(f.recomputed)) for f in shipped]
    assert len(keys) == len(set(keys))
    stated_quotes = [(f.rule, f.evidence[0].quote) for f in shipped if f.rule in ("R1", "R2")]
    assert len(stated_quotes) == len(set(stated_quotes))
    department = [f for f in shipped if f.rule == "R1" and f.stated == 99.36]
    assert len(department) == 1 and department[0].places == ("LZ2022 §二(一)", "LZ2022 §二(三)")


def test_false_alarm_classes_are_gone(shipped):
    # rounding of the inputs: 46.37 ÷ 50 spans 92.73%–92.75%, so P06's 92.75% stands
    # (R14's note on P06 is about its 资金支付率 indicator, 100% against 92.74%, not this rate)
    assert not [f for f in shipped if f.project_id == "LZ2022-P06" and f.rule != "R14"]
    # whose breakdown: P08's 5320 + 532.6 + 263.69 breaks down the 6116.3 commitment (within rounding)
    assert not [f for f in shipped if f.rule == "R2" and f.project_id == "LZ2022-P08"]
    # yearly split checked against its own total: 6722 + 3658 = 10380
    assert not [f for f in shipped if f.rule == "R2" and f.program_id == "LN2023-WHP"]
    # counts never itemized: one 无法核对 per project, never one per count
    counts = [f for f in shipped if f.rule == "R4"]
    uncheckable = [f for f in counts if f.certainty == "无法核对"]
    assert sorted(f.project_id for f in uncheckable) == ["LZ2022-P03", "LZ2022-P04", "LZ2022-P05", "LZ2022-P09"]
    assert "产出 6 + 效益 4 + 满意度 1 = 11" in next(f.message for f in uncheckable if f.project_id == "LZ2022-P03")
    # unstated base: P04 "完成率90%" and P05 "完成率99%" are 无法核对 (低), not 高 mismatches
    assert not [f for f in shipped if f.severity == "高" and f.rule == "R4"]
    p04 = next(f for f in uncheckable if f.project_id == "LZ2022-P04")
    assert "“产出指标完成率 90%”未说明计算口径（已完成 5 ÷ 6 项 = 83.33%" in p04.message
    # a named deviation beyond the count is a note: P09 "3项…存在偏差" names four
    assert [(f.certainty, f.stated, f.recomputed) for f in counts if f.certainty == "提示"] == [("提示", 3, 4)]
    # local rule: P01 94 = 84 + 10 and P02 88 = 78 + 10, full execution marks from 90%
    scores = {f.project_id: f for f in shipped if f.rule == "R3" and f.record.count(" / ") == 1}
    assert {k: (f.certainty, f.stated) for k, f in scores.items()} == {"LZ2022-P01": ("提示", 94),
                                                                        "LZ2022-P02": ("提示", 88)}
    # a department total is not the sum of its projects unless the report says so: 无法核对 once
    department = [f for f in shipped if f.rule == "R2" and f.program_id == "LZ2022-YJJ" and f.project_id is None]
    assert [(f.certainty, f.places) for f in department] == [("无法核对", ("LZ2022 §二(一)", "LZ2022 §二(三)"))]
    # the census list has an item with no number ("危化行业救援队伍与装备"): 1451 vs 1354 is 无法核对
    census = next(f for f in shipped if f.record.endswith("清查对象数"))
    assert census.certainty == "无法核对" and "“危化行业救援队伍与装备”没有数字" in census.message
    # year-end records get no time band: low execution is rule 9's and rule 7's
    assert not [f for f in shipped if f.rule == "R8"]


def test_notes_that_deserve_a_look(shipped):
    notes = {(f.rule, f.project_id or f.program_id) for f in shipped if f.certainty == "提示"}
    assert {("R7", "LZ2022-P04"), ("R7", "LZ2022-P07")} <= notes
    p08 = next(f for f in shipped if f.rule == "R1" and f.project_id == "LZ2022-P08")
    assert (p08.certainty, p08.stated) == ("提示", 100) and "财政拨款" in p08.message  # 5852.25 ÷ 5852.25
    summary = next(f for f in shipped if f.rule == "R5" and f.stated == "均超指标完成")
    assert summary.evidence[0].quote.startswith("项目总体绩效目标和核心绩效指标均超指标完成")
    same = next(f for f in shipped if "计分规则前后不一" in f.message)
    assert (same.stated, same.recomputed) == (9, 8)  # P01 and P02: 90% against 95%, 10 points


def test_reading_checks_find_the_missing_explanation_and_the_cross_section_counts(shipped):
    missing = next(f for f in shipped if f.rule == "R9")
    assert missing.program_id == "LN2023-WHP" and missing.evidence[0].quote.endswith("：无")
    restated = {(f.record.split(" / ")[-1], f.stated, f.recomputed): f for f in shipped if f.rule == "R10"}
    assert set(restated) == {("综合应急演练", 5, 4), ("大型综合实战应急演练", 3, 2), ("监控点位", 2, 5)}
    drills = restated[("综合应急演练", 5, 4)]
    assert [e.quote for e in drills.evidence] == [
        "先后开展了防汛抗洪、突发重大自然灾害暨危险化学品生产安全事故、救援队伍拉动共5次综合性应急演练，"
        "各园区和各行业部门结合实际开展应急演练45场次。",
        "应急演练经费：全年举行2次大型综合实战应急演练，组织综合性应急演练4次，费用共计25万元；"]
    assert all(f.certainty == "提示" for f in restated.values())  # department year vs one project's budget


def test_cli_check_json_carries_certainty_and_quoted_evidence(tmp_path):
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp_path / "default.duckdb"))
    db = tmp_path / "cli.duckdb"
    run = subprocess.run([sys.executable, "-m", "lib.cli", "check", "--json", "--db", str(db), "--init"], cwd=ROOT,
                         env=environ, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8")
    payload = json.loads(run.stdout.decode("utf-8"))
    assert payload["count"] == len(payload["findings"]) == sum(payload["by_certainty"].values())
    assert payload["by_certainty"]["不符"] == len(VERIFIED_DISAGREEMENTS)
    assert payload["count"] == 40  # the 29 verified before issue 23 and its 11
    first = payload["findings"][0]
    assert set(first) == set(checks.FINDING_COLUMNS)
    assert first["certainty"] == "不符" and first["evidence"][0]["role"] == "报告值"
    assert first["evidence"][0]["quote"] and first["places"]
    only = subprocess.run([sys.executable, "-m", "lib.cli", "check", "--json", "--certainty", "无法核对", "--db",
                           str(db)], cwd=ROOT, env=environ, capture_output=True, timeout=120)
    assert {f["certainty"] for f in json.loads(only.stdout.decode("utf-8"))["findings"]} == {"无法核对"}
    text = subprocess.run([sys.executable, "-m", "lib.cli", "check", "--db", str(db)], cwd=ROOT, env=environ,
                          capture_output=True, timeout=120)
    assert text.returncode == 0
    out = text.stdout.decode("utf-8")
    assert out.startswith(f"核查发现 {payload['count']} 条（不符 {len(VERIFIED_DISAGREEMENTS)}")
    assert out.index("【不符】") < out.index("【无法核对】") < out.index("【提示】")
    assert "报告值 99.36%" in out and "· 报告值（LZ2022 §二(一)）：“当年财政预算7750.69万元" in out


def _cli(args, env, cwd=ROOT):
    run = subprocess.run([sys.executable, "-m", "lib.cli", "check", *args], cwd=cwd, env=env,
                         capture_output=True, timeout=120)
    return run.returncode, run.stdout.decode("utf-8"), run.stderr.decode("utf-8")


@pytest.mark.parametrize("args", [["--rule", "R99"], ["--rule", "r1"], ["--rule", "R1", "--rule", "R18"],
                                  ["--certainty", "错误"]])
def test_cli_check_refuses_an_unknown_rule_or_certainty_with_the_valid_list(tmp_path, args):
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp_path / "default.duckdb"))
    code, out, err = _cli([*args, "--db", str(tmp_path / "cli.duckdb"), "--init"], environ)
    assert code == 2 and out == ""  # never "核查发现 0 条", as if nothing were wrong
    if args[0] == "--rule":
        assert err.startswith(f"未知的规则：{args[-1]}。可选：R1 执行率核对、R2 分项与合计") and "R17 跨年度目标值" in err
    else:
        assert err.startswith("未知的性质：错误。可选：不符、无法核对、提示")


def test_cli_check_for_a_city_user_lists_the_province_findings_touching_the_city(tmp_path):
    from lib.access.auth import hash_password

    users = tmp_path / "users.toml"
    users.write_text("".join(
        f'[users.{login}]\nname = "{login}"\nrole = "viewer"\nregions = ["{region}"]\n'
        f'password_hash = "{hash_password("pw", iterations=1000)}"\n\n'
        for login, region in (("shenyang", "沈阳市"), ("fushun", "抚顺市"), ("lanzhou", "兰州新区"))),
        encoding="utf-8")
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp_path / "default.duckdb"),
                   JIXIAO_USERS=str(users))
    db = str(tmp_path / "cli.duckdb")
    code, out, err = _cli(["--json", "--user", "shenyang", "--db", db, "--init"], environ)
    assert code == 0, err
    found = json.loads(out)["findings"]
    # the province report's wrong 33% and its "无" concern 沈阳's 3,011 万元 too (issue 23: it saw 0)
    assert [(f["certainty"], f["rule"]) for f in found] == [
        ("不符", "R1"), ("不符", "R9"), ("不符", "R15"), ("无法核对", "R14"), ("提示", "R5"), ("提示", "R12"),
        ("提示", "R12")]
    assert {f["region"] for f in found} == {"辽宁省"}
    assert {f["scope_note"] for f in found} == {"资金整体的发现（本资金分配到沈阳市 3,011.00 万元）"}
    assert found[0]["stated"] == 33 and round(found[0]["recomputed"], 2) == 7.71
    # 抚顺's own park finding goes to 抚顺 (unmarked), not to 沈阳
    code, out, err = _cli(["--json", "--user", "fushun", "--db", db], environ)
    fushun = json.loads(out)["findings"]
    own = [f for f in fushun if f["region"] == "抚顺市"]
    assert [(f["rule"], f["scope_note"]) for f in own] == [("R12", None)] and len(fushun) == len(found) + 1
    # a region user of the department's own region sees every department finding, unmarked
    code, out, err = _cli(["--json", "--user", "lanzhou", "--db", db], environ)
    lanzhou = json.loads(out)["findings"]
    assert len(lanzhou) == 31 and {f["scope_note"] for f in lanzhou} == {None}
