"""Deterministic synthetic datasets for the benchmarks, in the product's own formats.

One generator, two outputs:

* ``build_db``: a DuckDB file created by ``lib.store.Store`` (same schema and views), filled with
  Arrow inserts (never executemany), for page and query timing at 1M–10M indicator rows;
* ``build_workbook``: a dataset workbook (the import format of lib/intake/workbook_spec.py) of an exact
  number of data rows, for import timing.

The shape follows the real reports: 31 provinces, ~340 cities, ~2,800 counties, 10 budget years;
programs (transfer funds per province, department budgets per city) of ~50 projects each, ~10
indicators per project. Money is log-normal (many small projects, a few huge ones), execution
rates cluster at 90–100% with a low tail, and unmet indicators mostly carry a deviation reason.
Rows are clustered by year and program, as data appended one import at a time is.

Outputs are cached in bench/out/, keyed by scale, seed and GENERATOR_VERSION.

    python bench/generate.py --scale 1M            # the DuckDB file
    python bench/generate.py --workbook 100000     # the import workbook
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lib.intake import workbook_spec as spec  # noqa: E402
from lib.store import INDICATOR_DERIVED, SCHEMA_SQL, Store, derive_indicator  # noqa: E402

OUT = ROOT / "bench" / "out"
GENERATOR_VERSION = 1  # bump whenever the output changes: it is part of every cache key
DEFAULT_SEED = 20240601

YEARS = tuple(range(2015, 2025))
N_CITIES = 340
N_COUNTIES = 2_800
INDICATORS_PER_PROJECT = 10
PROJECTS_PER_PROGRAM = 50
PROGRAMS_PER_CHUNK = 500  # generation works through programs in chunks to bound memory

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)
_SYLLABLES = ("安宝北昌城川大德东丰福广海汉和河华淮黄吉嘉建江金京开康兰乐临龙隆鲁洛梅南宁平浦庆泉仁瑞"
              "山韶盛石双顺泰天通桐湾万威文武西仙湘新信兴阳宜永玉元云漳镇中舟")
TRANSFER_FUNDS = (
    "中央安全生产预防和应急救援能力建设补助资金", "中央自然灾害防治体系建设补助资金", "城乡义务教育补助经费",
    "重点生态保护修复治理资金", "农业相关转移支付资金", "基本公共卫生服务补助资金", "农村综合改革转移支付",
    "大气污染防治资金", "车辆购置税收入补助地方资金", "就业补助资金",
)
DEPARTMENTS = ("应急管理局", "财政局", "教育局", "卫生健康委员会", "农业农村局", "生态环境局", "交通运输局",
               "住房和城乡建设局", "民政局", "水务局")
PROJECT_TYPES = (
    "应急物资储备项目", "危险化学品安全风险监测预警系统建设", "农村公路养护工程", "学校校舍维修改造",
    "基层卫生院设备购置", "高标准农田建设", "污水处理设施提标改造", "防汛抗旱能力提升工程",
    "智慧应急指挥平台建设", "森林草原防火项目", "地质灾害隐患点治理", "城市燃气管道更新改造",
    "老旧小区改造", "公共就业服务能力提升", "养老服务设施建设", "饮水安全巩固提升工程",
    "气象灾害预警项目", "全国自然灾害综合风险普查", "安全生产执法装备购置", "应急救援队伍能力建设",
)
UNITS = ("应急管理局", "交通运输局", "教育局", "卫生健康局", "农业农村局", "生态环境分局", "住建局", "水务局")
FUND_SOURCES_TRANSFER = ("中央补助", "地方资金")
FUND_SOURCE_DEPARTMENT = "本级财政"
OBJECTIVES = (
    "按期完成项目建设任务，提升基层应急保障能力。", "完善监测预警体系，重大风险早发现、早处置。",
    "改善基础设施条件，服务对象满意度达到90%以上。", "规范资金管理，资金拨付及时、使用合规。",
)
OBJECTIVES_ACTUAL = (
    "年度目标基本完成，各项产出指标达到预期。", "主要任务已完成，个别指标未达预期。",
    "项目已完工并投入使用，效益初步显现。", "受客观因素影响，部分建设内容延至次年完成。",
)
DEVIATION_REASONS = (
    "受疫情影响，部分培训及现场活动未能如期开展。", "设备采购流程较长，政府采购于四季度才完成。",
    "项目前期手续办理滞后，开工时间推迟。", "资金下达较晚，年内未能全部支出。",
    "施工期间遇持续降雨，工程进度受到影响。", "招标流标后重新招标，导致实施进度滞后。",
    "实际需求低于预期，按实际完成量结算。", "年度目标设置偏高，与实际工作量不匹配。",
    "受原材料价格上涨影响，部分子项目暂缓实施。", "满意度调查样本不足，结果偏低。",
    "部分乡镇配套资金未及时到位。", "系统建设涉及多部门数据对接，联调时间超出计划。",
)
IMPROVEMENTS = (
    "加快项目前期工作，确保按期开工。", "加强预算执行监控，按月调度支出进度。",
    "科学设置绩效目标，提高目标的可衡量性。", "优化采购流程，提前启动招标。",
    "加强与相关部门沟通协调，推动数据共享。", "扩大宣传覆盖面，提高群众知晓率和满意度。",
)
OVERPERFORMANCE = ("实际需求增加，超额完成年度目标。", "统筹使用结余资金，扩大了覆盖范围。")
SPENDING_ITEMS = ("设备购置", "工程建设", "培训及宣传", "信息系统建设", "咨询及监理服务", "物资采购",
                  "运行维护", "劳务费用")
PROGRESS_MEASURES = ("建设进度", "设备安装进度")
PROGRESS_TEXT = ("已完成主体工程建设", "设备已全部安装调试", "正在开展联调测试", "已完成招标，正在施工")
SCORE_PART_WEIGHTS = (("预算执行率", 10.0), ("产出指标", 50.0), ("效益指标", 30.0), ("满意度指标", 10.0))

# Indicator catalogue: (level1, level2, level3, kind, unit, target values).
# kind: ge (higher is better, "≥"), le (lower is better, "≤"), eq (exactly, "100%"), qual, na.
INDICATOR_TEMPLATES = (
    ("产出指标", "数量指标", "培训人次", "ge", "人次", (200, 500, 1000, 3000)),
    ("产出指标", "数量指标", "购置设备数量", "ge", "台", (10, 20, 50, 120)),
    ("产出指标", "数量指标", "开展应急演练次数", "ge", "次", (2, 4, 6, 12)),
    ("产出指标", "数量指标", "建设监测点位数量", "ge", "个", (20, 50, 100, 300)),
    ("产出指标", "数量指标", "覆盖乡镇数量", "ge", "个", (5, 10, 20, 40)),
    ("产出指标", "数量指标", "改造道路里程", "ge", "公里", (5, 12, 30, 80)),
    ("产出指标", "数量指标", "新增用地面积", "na", "", ()),
    ("产出指标", "质量指标", "设备验收合格率", "ge", "%", (90, 95, 98)),
    ("产出指标", "质量指标", "项目验收合格率", "eq", "%", (100,)),
    ("产出指标", "质量指标", "数据准确率", "ge", "%", (90, 95, 99)),
    ("产出指标", "时效指标", "项目完成时间", "le", "个月", (6, 10, 12)),
    ("产出指标", "时效指标", "资金拨付及时率", "ge", "%", (90, 95)),
    ("产出指标", "时效指标", "预警信息发布时限", "le", "小时", (1, 2, 24)),
    ("成本指标", "经济成本指标", "项目总成本", "le", "万元", (50, 100, 500, 2000)),
    ("成本指标", "经济成本指标", "人均培训成本", "le", "元", (200, 500, 800)),
    ("效益指标", "社会效益指标", "群众安全意识", "qual", "", ()),
    ("效益指标", "社会效益指标", "应急响应时间", "le", "分钟", (15, 20, 30)),
    ("效益指标", "经济效益指标", "减少经济损失", "ge", "万元", (100, 500, 1000)),
    ("效益指标", "生态效益指标", "生态环境质量", "qual", "", ()),
    ("效益指标", "可持续影响指标", "长效管理机制", "qual", "", ()),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "ge", "%", (85, 90, 95)),
    ("满意度指标", "服务对象满意度指标", "受益企业满意度", "ge", "%", (80, 90)),
)
LEVEL1_WEIGHT = {"产出指标": 0.5, "效益指标": 0.25, "满意度指标": 0.15, "成本指标": 0.10}
QUAL_TARGETS = ("效果显著", "有效提升", "逐步完善", "明显改善")
QUAL_MET = ("效果显著", "达到预期", "有效提升", "明显改善")
QUAL_NOT_MET = ("部分完成", "未达到预期", "有待提高")
# Completion ratio (actual ÷ target for "ge"): most just above 1, a tail below.
RATIO_BINS = np.array([1.0, 1.0, 1.0, 1.02, 1.05, 1.08, 1.1, 1.15, 1.2, 1.3,
                       0.98, 0.95, 0.92, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.3])
RATIO_P = np.array([0.22, 0.10, 0.08, 0.10, 0.10, 0.08, 0.07, 0.05, 0.04, 0.03,
                    0.03, 0.025, 0.02, 0.015, 0.01, 0.01, 0.005, 0.003, 0.002, 0.001])


def parse_scale(text: str) -> int:
    """'1M' -> 1_000_000, '250k' -> 250_000, '2500000' -> 2_500_000 (indicator rows)."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([kKmM]?)\s*", str(text))
    if not m:
        raise ValueError(f"bad scale {text!r}: use e.g. 1M, 10M, 250k")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()]
    return int(round(float(m[1]) * factor))


def scale_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# ---------------------------------------------------------------------------------- geography
@dataclass(frozen=True)
class Geography:
    """31 provinces, their cities and counties. Region names are unique across all levels."""

    provinces: tuple[str, ...]
    cities: tuple[str, ...]
    city_province: np.ndarray
    counties: tuple[str, ...]
    county_city: np.ndarray

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region name: provinces, then cities, then counties (the region dictionary)."""
        return self.provinces + self.cities + self.counties

    def city_region(self, city: np.ndarray) -> np.ndarray:
        return len(self.provinces) + city

    def county_region(self, county: np.ndarray) -> np.ndarray:
        return len(self.provinces) + len(self.cities) + county


def geography(seed: int) -> Geography:
    rng = np.random.default_rng([seed, 1])
    n_prov = len(PROVINCES)
    weights = rng.lognormal(0, 0.4, n_prov)
    city_counts = 1 + rng.multinomial(N_CITIES - n_prov, weights / weights.sum())
    city_province = np.repeat(np.arange(n_prov), city_counts)
    weights = rng.lognormal(0, 0.5, N_CITIES)
    county_counts = 1 + rng.multinomial(N_COUNTIES - N_CITIES, weights / weights.sum())
    county_city = np.repeat(np.arange(N_CITIES), county_counts)
    stems = [a + b for a in _SYLLABLES for b in _SYLLABLES if a != b]
    order = rng.permutation(len(stems))
    picked = [stems[i] for i in order[: N_CITIES + N_COUNTIES]]
    cities = tuple(s + "市" for s in picked[:N_CITIES])
    suffix = rng.random(N_COUNTIES)
    counties = tuple(s + ("县" if u < 0.6 else "区") for s, u in zip(picked[N_CITIES:], suffix, strict=True))
    return Geography(PROVINCES, cities, city_province, counties, county_city)


# ---------------------------------------------------------------------------------- structure
@dataclass(frozen=True)
class Plan:
    """Everything decided up front: programs, how many projects and indicators each has."""

    n_indicators: int
    seed: int
    geo: Geography
    year: np.ndarray  # per program
    province: np.ndarray  # per program
    transfer: np.ndarray  # per program: True = 转移支付, False = 部门预算
    city: np.ndarray  # per program: the department's city (部门预算)
    fund: np.ndarray  # per program: index into TRANSFER_FUNDS / DEPARTMENTS
    program_ids: tuple[str, ...]
    projects_per_program: np.ndarray
    indicators_per_project: np.ndarray
    program_indicators: int  # program-level indicators (no project) per transfer program

    @property
    def n_programs(self) -> int:
        return len(self.program_ids)

    @property
    def n_projects(self) -> int:
        return int(self.projects_per_program.sum())


def plan(n_indicators: int, seed: int = DEFAULT_SEED) -> Plan:
    """Decide the programs and the per-program / per-project row counts for a scale."""
    rng = np.random.default_rng([seed, 2])
    geo = geography(seed)
    n_projects = max(1, n_indicators // INDICATORS_PER_PROJECT)
    n_programs = max(1, math.ceil(n_projects / PROJECTS_PER_PROGRAM))
    # programs in import order: by year, then province
    year_idx = np.sort(rng.integers(0, len(YEARS), n_programs)) if n_programs > len(YEARS) else \
        np.arange(n_programs) % len(YEARS)
    year = np.array(YEARS)[year_idx]
    province = rng.integers(0, len(PROVINCES), n_programs)
    order = np.lexsort((province, year))
    year, province = year[order], province[order]
    transfer = rng.random(n_programs) < 0.6
    prov_cities = [np.flatnonzero(geo.city_province == p) for p in range(len(PROVINCES))]
    city = np.array([prov_cities[p][rng.integers(0, len(prov_cities[p]))] for p in province])
    fund = rng.integers(0, len(TRANSFER_FUNDS), n_programs)
    program_ids = tuple(f"{'ZY' if t else 'BM'}{y}-{p:02d}-{i:05d}"
                        for i, (y, p, t) in enumerate(zip(year, province, transfer, strict=True)))
    # many small programs, a few big ones
    weights = rng.lognormal(0, 0.9, n_programs)
    counts = np.maximum(1, np.floor(weights / weights.sum() * n_projects)).astype(np.int64)
    _adjust(counts, n_projects, rng, low=1)
    program_indicators = 3
    n_program_level = program_indicators * int(transfer.sum())
    per_project = rng.integers(6, 15, n_projects).astype(np.int64)
    _adjust(per_project, max(n_projects, n_indicators - n_program_level), rng, low=1)
    return Plan(n_indicators, seed, geo, year, province, transfer, city, fund, program_ids,
                counts, per_project, program_indicators)


def _adjust(counts: np.ndarray, total: int, rng: np.random.Generator, low: int) -> None:
    """Nudge counts (in place) by ±1 at random positions until they sum to total."""
    while (diff := total - int(counts.sum())) != 0:
        k = min(abs(diff), len(counts))
        idx = rng.choice(len(counts), k, replace=False)
        if diff > 0:
            counts[idx] += 1
        else:
            idx = idx[counts[idx] > low]
            counts[idx] -= 1


# ---------------------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Catalogue:
    """Every (template, target, actual) combination with its derived columns and weight."""

    table: pa.Table  # level1, level2, level3, target, actual + INDICATOR_DERIVED
    p: np.ndarray
    unmet: np.ndarray  # bool per entry
    weight: np.ndarray  # 分值 per entry
    completion: np.ndarray  # completion ratio (1.0 where none)


def _fmt_number(x: float, unit: str) -> str:
    if unit in ("%",):
        text = f"{x:.1f}".rstrip("0").rstrip(".")
    elif unit in ("万元", "元"):
        text = f"{x:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(int(round(x)))
    return text + unit


def catalogue() -> Catalogue:
    rows, probs = [], []
    for level1, level2, level3, kind, unit, targets in INDICATOR_TEMPLATES:
        p_template = LEVEL1_WEIGHT[level1] / sum(1 for t in INDICATOR_TEMPLATES if t[0] == level1)
        if kind == "na":
            rows.append((level1, level2, level3, "/", "/"))
            probs.append(p_template)
            continue
        if kind == "qual":
            for target in QUAL_TARGETS:
                for actual in QUAL_MET:
                    rows.append((level1, level2, level3, target, actual))
                    probs.append(p_template / len(QUAL_TARGETS) * 0.93 / len(QUAL_MET))
                for actual in QUAL_NOT_MET:
                    rows.append((level1, level2, level3, target, actual))
                    probs.append(p_template / len(QUAL_TARGETS) * 0.07 / len(QUAL_NOT_MET))
            continue
        for target in targets:
            p_target = p_template / len(targets)
            if kind == "eq":
                for actual, p in ((100, 0.9), (98, 0.06), (95, 0.04)):
                    rows.append((level1, level2, level3, f"{target}{unit}", f"{actual}{unit}"))
                    probs.append(p_target * p)
                continue
            op = "≥" if kind == "ge" else "≤"
            seen: dict[str, int] = {}
            for ratio, p in zip(RATIO_BINS, RATIO_P, strict=True):
                value = target * ratio if kind == "ge" else target / ratio
                if unit == "%":
                    value = min(value, 100.0)
                actual = _fmt_number(value, unit)
                if actual in seen:  # e.g. 100% reached from several ratios
                    probs[seen[actual]] += p_target * p
                    continue
                seen[actual] = len(rows)
                rows.append((level1, level2, level3, f"{op}{target}{unit}", actual))
                probs.append(p_target * p)
    base = ("level1", "level2", "level3", "target", "actual")
    derived = [derive_indicator(dict(zip(base, r, strict=True))) for r in rows]
    columns = {name: [r[i] for r in rows] for i, name in enumerate(base)}
    for name in INDICATOR_DERIVED:
        columns[name] = [d[name] for d in derived]
    table = pa.table(columns)
    p = np.array(probs)
    status = np.array(columns["status"])
    unmet = np.isin(status, ["not_met", "qualitative_not_met"])
    level1 = np.array(columns["level1"])
    weight = np.where(level1 == "产出指标", 5.0, np.where(level1 == "效益指标", 7.5, 10.0))
    completion = np.array([1.0 if c is None else c for c in columns["completion_ratio"]])
    return Catalogue(table, p / p.sum(), unmet, weight, completion)


# ---------------------------------------------------------------------------------- helpers
def _dict(indices: np.ndarray, values, mask: np.ndarray | None = None) -> pa.DictionaryArray:
    """A dictionary-encoded string column: indices into values, null where mask is True."""
    idx = pa.array(indices.astype(np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(values), pa.string()))


def _nulls(n: int, type_: pa.DataType | None = None) -> pa.Array:
    return pa.nulls(n, type_ or pa.string())


def _money(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)


# ---------------------------------------------------------------------------------- tables
def sources_table(pl: Plan) -> pa.Table:
    ids, titles, issuers, dates, files = [], [], [], [], []
    for y in YEARS:
        for p, name in enumerate(PROVINCES):
            ids.append(f"S{y}-{p:02d}")
            titles.append(f"{name}{y}年度预算绩效自评报告汇编")
            issuers.append(f"{name}财政厅")
            dates.append(dt.date(y + 1, 3, 31))
            files.append(f"{name}{y}年度绩效自评.pdf")
    return pa.table({"source_id": ids, "title": titles, "issuer": issuers, "report_date": dates,
                     "file_name": files, "note": _nulls(len(ids))})


def _source_index(pl: Plan, programs: np.ndarray) -> np.ndarray:
    year_idx = pl.year[programs] - YEARS[0]
    return year_idx * len(PROVINCES) + pl.province[programs]


def _source_ids() -> list[str]:
    return [f"S{y}-{p:02d}" for y in YEARS for p in range(len(PROVINCES))]


def chunks(pl: Plan, cat: Catalogue, programs_per_chunk: int = PROGRAMS_PER_CHUNK
           ) -> Iterator[dict[str, pa.Table]]:
    """Every table's rows, a chunk of programs at a time, deterministic per (seed, chunk)."""
    project_start = np.concatenate([[0], np.cumsum(pl.projects_per_program)])
    for c, lo in enumerate(range(0, pl.n_programs, programs_per_chunk)):
        hi = min(pl.n_programs, lo + programs_per_chunk)
        yield _chunk(pl, cat, np.arange(lo, hi), int(project_start[lo]), int(project_start[hi]),
                     np.random.default_rng([pl.seed, 3, c]))


def _chunk(pl: Plan, cat: Catalogue, prog: np.ndarray, p0: int, p1: int,
           rng: np.random.Generator) -> dict[str, pa.Table]:
    geo = pl.geo
    regions = geo.regions
    source_ids = _source_ids()
    n_prog = len(prog)
    pids = [pl.program_ids[i] for i in prog]
    years = pl.year[prog]
    transfer = pl.transfer[prog]
    prov = pl.province[prog]
    city = pl.city[prog]
    fund = pl.fund[prog]
    program_region = np.where(transfer, prov, geo.city_region(city))
    src = _source_index(pl, prog)
    out: dict[str, pa.Table] = {}

    names = [
        f"{PROVINCES[pv]}{y}年度{TRANSFER_FUNDS[f]}" if t else
        f"{geo.cities[ct]}{DEPARTMENTS[f]}{y}年度部门预算"
        for pv, ct, f, y, t in zip(prov, city, fund, years, transfer, strict=True)]
    departments = [f"{PROVINCES[pv]}{'应急管理厅' if f == 0 else '财政厅'}" if t else
                   f"{geo.cities[ct]}{DEPARTMENTS[f]}"
                   for pv, ct, f, t in zip(prov, city, fund, transfer, strict=True)]
    out["programs"] = pa.table({
        "program_id": pids, "program_name": names, "year": years.astype(np.int32),
        "program_kind": ["转移支付" if t else "部门预算" for t in transfer],
        "department": departments,
        "region": _dict(program_region, regions),
        "doc_no": [f"财预〔{y}〕{k % 300 + 1}号" for y, k in zip(years, prog, strict=True)],
        "sub_doc_no": _nulls(n_prog),
        "objective": _dict(rng.integers(0, len(OBJECTIVES), n_prog), OBJECTIVES),
        "source_id": _dict(src, source_ids),
        "source_ref": [f"{source_ids[s]} §一" for s in src],
        "note": _nulls(n_prog),
    })

    # ---- projects
    n_proj = p1 - p0
    counts = pl.projects_per_program[prog]
    owner = np.repeat(np.arange(n_prog), counts)  # local program index per project
    local_seq = np.arange(n_proj) - np.repeat(np.cumsum(counts) - counts, counts)
    project_ids = [f"{pids[o]}-{s + 1:04d}" for o, s in zip(owner, local_seq, strict=True)]
    # region: transfer projects sit in a county (or a city) of the province; department
    # projects in the department's city or one of its counties
    u = rng.random(n_proj)
    prov_of, city_of = prov[owner], city[owner]
    county_prov = geo.city_province[geo.county_city]
    by_prov = np.argsort(county_prov, kind="stable")  # counties grouped by province
    prov_size = np.bincount(county_prov, minlength=len(PROVINCES))
    prov_start = np.cumsum(prov_size) - prov_size
    in_prov = by_prov[prov_start[prov_of] + (u * prov_size[prov_of]).astype(np.int64)]
    city_size = np.bincount(geo.county_city, minlength=len(geo.cities))  # county_city is sorted
    city_start = np.cumsum(city_size) - city_size
    in_city = city_start[city_of] + (u * city_size[city_of]).astype(np.int64)
    region = np.where(
        transfer[owner],
        np.where(u < 0.85, geo.county_region(in_prov), geo.city_region(geo.county_city[in_prov])),
        np.where(u < 0.5, geo.city_region(city_of), geo.county_region(in_city)))
    budget = _money(np.clip(rng.lognormal(math.log(80), 1.4, n_proj), 1, 2e6))
    huge = rng.random(n_proj) < 0.001
    budget[huge] = _money(budget[huge] * 200)
    u = rng.random(n_proj)
    rate = np.select([u < 0.80, u < 0.95, u < 0.99],
                     [0.9 + 0.1 * rng.beta(5, 1.5, n_proj), rng.uniform(0.6, 0.9, n_proj),
                      rng.uniform(0.0, 0.6, n_proj)], rng.uniform(1.0, 1.05, n_proj))
    executed = _money(budget * rate)
    actual_rate = np.divide(executed, budget, out=np.zeros(n_proj), where=budget > 0)
    score = np.clip(10 * np.minimum(actual_rate, 1) + 90 * rng.beta(12, 1.5, n_proj), 0, 100).round(1)
    rating_idx = np.select([score >= 90, score >= 80, score >= 60], [0, 1, 2], 3)
    low = actual_rate < 0.8
    ptype = rng.integers(0, len(PROJECT_TYPES), n_proj)
    out["projects"] = pa.table({
        "project_id": project_ids,
        "program_id": _dict(owner, pids),
        "project_name": [f"{regions[r]}{PROJECT_TYPES[t]}" for r, t in zip(region, ptype, strict=True)],
        "implementing_unit": [f"{regions[r]}{UNITS[t % len(UNITS)]}"
                              for r, t in zip(region, ptype, strict=True)],
        "region": _dict(region, regions),
        "budget_initial": pa.array(_money(budget * rng.uniform(0.8, 1.0, n_proj)),
                                   mask=rng.random(n_proj) < 0.3),
        "budget": budget,
        "appropriation": pa.array(budget, mask=transfer[owner]),
        "executed": executed,
        "stated_execution_rate": pa.array(np.round(actual_rate, 4), mask=rng.random(n_proj) < 0.1),
        "stated_score": score,
        "stated_rating": _dict(rating_idx, spec.RATINGS),
        "objective": _dict(rng.integers(0, len(OBJECTIVES), n_proj), OBJECTIVES),
        "objective_actual": _dict(np.where(low, 3, rng.integers(0, 3, n_proj)), OBJECTIVES_ACTUAL),
        "deviation_reason": _dict(rng.integers(0, len(DEVIATION_REASONS), n_proj), DEVIATION_REASONS,
                                  mask=~low | (rng.random(n_proj) < 0.1)),
        "improvement": _dict(rng.integers(0, len(IMPROVEMENTS), n_proj), IMPROVEMENTS,
                             mask=~low | (rng.random(n_proj) < 0.2)),
        "source_ref": _dict(src[owner], [f"{s} §三" for s in source_ids]),
        "note": _nulls(n_proj),
    })

    # ---- allocations: transfer projects split 中央补助 / 地方资金, department projects 本级财政
    central_share = rng.uniform(0.3, 0.8, n_proj)
    t_proj = transfer[owner]
    two = np.flatnonzero(t_proj)
    one = np.flatnonzero(~t_proj)
    a_proj = np.concatenate([two, two, one])
    a_source = np.concatenate([np.zeros(len(two), int), np.ones(len(two), int), np.full(len(one), 2)])
    a_amount = np.concatenate([_money(budget[two] * central_share[two]),
                               _money(budget[two] * (1 - central_share[two])), budget[one]])
    order = np.argsort(a_proj, kind="stable")
    a_proj, a_source, a_amount = a_proj[order], a_source[order], a_amount[order]
    out["allocations"] = pa.table({
        "program_id": _dict(owner[a_proj], pids),
        "project_id": _dict(a_proj, project_ids),
        "region": _dict(region[a_proj], regions),
        "fund_source": _dict(a_source, (*FUND_SOURCES_TRANSFER, FUND_SOURCE_DEPARTMENT)),
        "fund_year": years[owner[a_proj]].astype(np.int32),
        "amount": a_amount,
        "doc_no": [f"财资环〔{y}〕{int(k) % 90 + 1}号" for y, k in zip(years[owner[a_proj]], owner[a_proj],
                                                                  strict=True)],
        "source_ref": _dict(src[owner[a_proj]], [f"{s} §二" for s in source_ids]),
        "note": _nulls(len(a_proj)),
    })

    # ---- execution: quarterly program-wide snapshots
    prog_budget = np.bincount(owner, weights=budget, minlength=n_prog)
    prog_exec = np.bincount(owner, weights=executed, minlength=n_prog)
    quarters = ((3, 31), (6, 30), (9, 30), (12, 31))
    share = np.stack([np.clip(rng.normal(m, 0.05, n_prog), 0, 1) for m in (0.2, 0.45, 0.7)] +
                     [np.ones(n_prog)], axis=1)
    e_prog = np.repeat(np.arange(n_prog), 4)
    e_q = np.tile(np.arange(4), n_prog)
    out["execution"] = pa.table({
        "program_id": _dict(e_prog, pids),
        "project_id": _nulls(len(e_prog)),
        "region": _dict(program_region[e_prog], regions),
        "fund_source": _nulls(len(e_prog)),
        "as_of": [dt.date(int(years[p]), *quarters[q]) for p, q in zip(e_prog, e_q, strict=True)],
        "budget": _money(prog_budget[e_prog]),
        "executed": _money(prog_exec[e_prog] * share[e_prog, e_q]),
        "stated_execution_rate": _nulls(len(e_prog), pa.float64()),
        "source_ref": _dict(src[e_prog], [f"{s} §二" for s in source_ids]),
        "note": _nulls(len(e_prog)),
    })

    # ---- progress: two construction subjects per transfer program
    g_prog = np.repeat(np.flatnonzero(transfer), 2)
    g_k = np.tile(np.arange(2), int(transfer.sum()))
    out["progress"] = pa.table({
        "program_id": _dict(g_prog, pids),
        "region": _dict(program_region[g_prog], regions),
        "subject": [f"重点园区{k + 1}" for k in g_k],
        "measure": _dict(g_k, PROGRESS_MEASURES),
        "percent": np.round(rng.uniform(0.5, 1.0, len(g_prog)), 3),
        "status_text": _dict(rng.integers(0, len(PROGRESS_TEXT), len(g_prog)), PROGRESS_TEXT),
        "as_of": [dt.date(int(years[p]), 12, 31) for p in g_prog],
        "source_ref": _dict(src[g_prog], [f"{s} §二" for s in source_ids]),
        "note": _nulls(len(g_prog)),
    })

    # ---- objectives: two per program
    o_prog = np.repeat(np.arange(n_prog), 2)
    o_seq = np.tile(np.arange(2), n_prog)
    out["objectives"] = pa.table({
        "program_id": _dict(o_prog, pids), "project_id": _nulls(len(o_prog)),
        "seq": (o_seq + 1).astype(np.int32), "label": [f"目标{s + 1}" for s in o_seq],
        "expected": _dict(rng.integers(0, len(OBJECTIVES), len(o_prog)), OBJECTIVES),
        "actual_text": _dict(rng.integers(0, len(OBJECTIVES_ACTUAL), len(o_prog)), OBJECTIVES_ACTUAL),
        "source_ref": _dict(src[o_prog], [f"{s} §一" for s in source_ids]),
        "note": _nulls(len(o_prog)),
    })

    # ---- indicators: project-level (seq per project) and a few program-level ones
    per = pl.indicators_per_project[p0:p1]
    i_proj = np.repeat(np.arange(n_proj), per)
    i_seq = np.arange(len(i_proj)) - np.repeat(np.cumsum(per) - per, per) + 1
    t_prog = np.flatnonzero(transfer)
    k = pl.program_indicators
    g_prog_i = np.repeat(t_prog, k)
    i_owner = np.concatenate([owner[i_proj], g_prog_i])
    i_project = np.concatenate([i_proj, np.full(len(g_prog_i), -1)])
    i_seq = np.concatenate([i_seq, np.tile(np.arange(k), len(t_prog)) + 1])
    n_ind = len(i_owner)
    pick = rng.choice(len(cat.p), n_ind, p=cat.p)
    unmet = cat.unmet[pick]
    has_reason = np.where(unmet, rng.random(n_ind) < 0.85, rng.random(n_ind) < 0.01)
    has_improvement = has_reason & (rng.random(n_ind) < 0.9)
    reasons = DEVIATION_REASONS + OVERPERFORMANCE
    reason_idx = np.where(unmet, rng.integers(0, len(DEVIATION_REASONS), n_ind),
                          len(DEVIATION_REASONS) + rng.integers(0, len(OVERPERFORMANCE), n_ind))
    weight = cat.weight[pick]
    stated = np.where(unmet, np.round(weight * np.clip(cat.completion[pick], 0, 1) * 0.9, 1), weight)
    is_program = i_project < 0
    columns = {
        "program_id": _dict(i_owner, pids),
        "project_id": _dict(np.maximum(i_project, 0), project_ids, mask=is_program),
        "seq": i_seq.astype(np.int32),
        "region": _dict(program_region[i_owner], regions, mask=~is_program),
    }
    for name in ("level1", "level2", "level3", "target", "actual"):
        columns[name] = _dict(pick, cat.table.column(name).to_pylist())
    columns["weight"] = weight
    columns["stated_score"] = stated
    columns["deviation_reason"] = _dict(reason_idx, reasons, mask=~has_reason)
    columns["improvement"] = _dict(rng.integers(0, len(IMPROVEMENTS), n_ind), IMPROVEMENTS,
                                   mask=~has_improvement)
    columns["source_ref"] = _dict(src[i_owner], [f"{s} §三" for s in source_ids])
    columns["note"] = _nulls(n_ind)
    for name in INDICATOR_DERIVED:
        columns[name] = cat.table.column(name).take(pa.array(pick))
    out["indicators"] = pa.table(columns)

    # ---- score parts: per program
    s_prog = np.repeat(np.arange(n_prog), len(SCORE_PART_WEIGHTS))
    s_part = np.tile(np.arange(len(SCORE_PART_WEIGHTS)), n_prog)
    s_weight = np.array([w for _, w in SCORE_PART_WEIGHTS])[s_part]
    out["score_parts"] = pa.table({
        "program_id": _dict(s_prog, pids), "project_id": _nulls(len(s_prog)),
        "part": _dict(s_part, [p for p, _ in SCORE_PART_WEIGHTS]),
        "weight": s_weight, "stated_score": np.round(s_weight * rng.uniform(0.85, 1.0, len(s_prog)), 1),
        "status_text": _nulls(len(s_prog)),
        "source_ref": _dict(src[s_prog], [f"{s} §三" for s in source_ids]),
        "note": _nulls(len(s_prog)),
    })

    # ---- spending items: a fifth of projects itemize their spending in three lines
    itemized = np.flatnonzero(rng.random(n_proj) < 0.2)
    sp_proj = np.repeat(itemized, 3)
    sp_seq = np.tile(np.arange(3), len(itemized))
    split = rng.dirichlet(np.ones(3), len(itemized)).reshape(-1)
    out["spending_items"] = pa.table({
        "program_id": _dict(owner[sp_proj], pids), "project_id": _dict(sp_proj, project_ids),
        "seq": (sp_seq + 1).astype(np.int32),
        "item": _dict(rng.integers(0, len(SPENDING_ITEMS), len(sp_proj)), SPENDING_ITEMS),
        "amount": _money(executed[sp_proj] * split),
        "source_ref": _dict(src[owner[sp_proj]], [f"{s} §三" for s in source_ids]),
        "note": _nulls(len(sp_proj)),
    })

    # ---- stated figures: per program, total budget, project count, projects rated 优
    n_excellent = np.bincount(owner, weights=(rating_idx == 0), minlength=n_prog)
    f_prog = np.repeat(np.arange(n_prog), 3)
    f_k = np.tile(np.arange(3), n_prog)
    value = np.stack([np.round(prog_budget, 2), counts.astype(float), n_excellent], axis=1)[f_prog, f_k]
    out["stated_figures"] = pa.table({
        "program_id": _dict(f_prog, pids), "project_id": _nulls(len(f_prog)),
        "seq": (f_k + 1).astype(np.int32), "region": _nulls(len(f_prog)),
        "fund_source": _nulls(len(f_prog)), "fund_year": _nulls(len(f_prog), pa.int32()),
        "rating": _dict(np.zeros(len(f_prog), int), ["优"], mask=f_k != 2),
        "metric": _dict(f_k, ("项目预算总额", "项目个数", "评级为优的项目数")),
        "value": value,
        "unit": _dict(f_k, ("万元", "个", "个")),
        "aggregate": _dict(f_k, ("预算合计", "项目个数", "评级个数")),
        "text": _nulls(len(f_prog)),
        "source_ref": _dict(src[f_prog], [f"{s} §四" for s in source_ids]),
        "note": _nulls(len(f_prog)),
    })
    return out


# ---------------------------------------------------------------------------------- outputs
def schema_key() -> str:
    """Part of the database cache key: a changed lib/store/schema.sql means a fresh database."""
    return hashlib.sha256(SCHEMA_SQL.encode("utf-8")).hexdigest()[:8]


def db_path(n_indicators: int, seed: int = DEFAULT_SEED) -> Path:
    return OUT / f"jixiao-{scale_label(n_indicators)}-s{seed}-g{GENERATOR_VERSION}-{schema_key()}.duckdb"


def workbook_path(n_rows: int, seed: int = DEFAULT_SEED) -> Path:
    """Keyed also by the workbook format (sheet and column headers), which others may change."""
    layout = json.dumps([(s.name, [(c.name, c.header, c.type) for c in s.columns]) for s in spec.SHEETS],
                        ensure_ascii=False)
    key = hashlib.sha256(layout.encode("utf-8")).hexdigest()[:8]
    return OUT / f"workbook-{scale_label(n_rows)}-s{seed}-g{GENERATOR_VERSION}-{key}.xlsx"


def _done_marker(path: Path) -> Path:
    return path.with_name(path.name + ".done.json")


def cached(path: Path) -> dict | None:
    """The generation record of a complete cached output, or None."""
    marker = _done_marker(path)
    if path.exists() and marker.exists():
        return json.loads(marker.read_text(encoding="utf-8"))
    return None


def build_db(n_indicators: int, seed: int = DEFAULT_SEED, log=print) -> tuple[Path, dict]:
    """The cached DuckDB file for a scale, generated when missing. Returns (path, record)."""
    path = db_path(n_indicators, seed)
    record = cached(path)
    if record:
        return path, record
    started = time.perf_counter()
    # older databases of the same scale and seed (another generator or schema version)
    for stale in OUT.glob(f"jixiao-{scale_label(n_indicators)}-s{seed}-*"):
        stale.unlink()
    pl = plan(n_indicators, seed)
    cat = catalogue()
    store = Store(path)
    counts: dict[str, int] = {t: 0 for t in spec.TABLE_ORDER}
    cur = store.cursor()
    try:
        _insert(cur, "sources", sources_table(pl))
        counts["sources"] = len(YEARS) * len(PROVINCES)
        for i, chunk in enumerate(chunks(pl, cat)):
            cur.begin()
            for table in spec.TABLE_ORDER:
                if table in chunk:
                    _insert(cur, table, chunk[table])
                    counts[table] += chunk[table].num_rows
            cur.commit()
            if log and i % 10 == 0:
                log(f"  generate {scale_label(n_indicators)}: {counts['indicators']:,} indicator rows "
                    f"({time.perf_counter() - started:.0f} s)")
        # one dataset version, as if everything came in one import
        cur.execute("INSERT INTO dataset_versions VALUES (1, ?, 'bench', 'import', ?, NULL, ?, ?, NULL, 1)",
                    [dt.datetime(2025, 1, 1), f"bench/generate.py scale={n_indicators} seed={seed}",
                     "; ".join(pl.program_ids), json.dumps(counts, ensure_ascii=False)])
        cur.register("version_rows", pa.table({"program_id": list(pl.program_ids)}))
        cur.execute("INSERT INTO version_programs SELECT 1, program_id, 1 FROM version_rows")
        cur.unregister("version_rows")
    finally:
        cur.close()
    try:
        store.refresh_derived()  # what an import does for its programs
        store.cursor().execute("CHECKPOINT")
    finally:
        store.close()
    record = {"path": str(path), "indicators": counts["indicators"], "rows": counts,
              "seconds": round(time.perf_counter() - started, 1), "seed": seed,
              "generator_version": GENERATOR_VERSION, "bytes": path.stat().st_size}
    _done_marker(path).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return path, record


def _insert(cur, table: str, rows: pa.Table) -> None:
    cur.register("incoming_rows", rows)
    cols = ", ".join(rows.column_names)
    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_rows")
    cur.unregister("incoming_rows")


def workbook_tables(n_rows: int, seed: int = DEFAULT_SEED) -> dict[str, list[dict]]:
    """Rows per sheet (storage names, Python values) totalling exactly n_rows data rows.

    A small instance of the same generator; indicator rows at the end are dropped to hit the
    exact count, which keeps every key and reference valid.
    """
    rows_per_indicator = 1.30  # a little under the ~1.34 measured: indicators are trimmed to fit
    pl = plan(int(n_rows / rows_per_indicator) + 1_000, seed)
    cat = catalogue()
    tables: dict[str, list[pa.Table]] = {t: [] for t in spec.TABLE_ORDER}
    tables["sources"].append(sources_table(pl))
    for chunk in chunks(pl, cat):
        for table, rows in chunk.items():
            tables[table].append(rows)
    merged = {t: pa.concat_tables(parts).combine_chunks() if parts else None for t, parts in tables.items()}
    # keep only the sources the programs cite
    cited = set(merged["programs"].column("source_id").cast(pa.string()).to_pylist())
    src = merged["sources"]
    merged["sources"] = src.filter(pa.array([s in cited for s in src.column("source_id").to_pylist()]))
    others = sum(t.num_rows for name, t in merged.items() if name != "indicators")
    keep = n_rows - others
    if keep <= 0 or keep > merged["indicators"].num_rows:
        raise ValueError(f"cannot make a workbook of exactly {n_rows} rows (others {others})")
    merged["indicators"] = merged["indicators"].slice(0, keep)
    out: dict[str, list[dict]] = {}
    for sheet in spec.SHEETS:
        table = merged[sheet.table]
        names = [c.name for c in sheet.columns]
        # columns the generator does not fill (optional ones added to the format later) stay empty
        plain = {n: pa.nulls(table.num_rows) if n not in table.column_names else
                 table.column(n).cast(pa.string()) if pa.types.is_dictionary(table.column(n).type)
                 else table.column(n) for n in names}
        out[sheet.table] = pa.table(plain).to_pylist()
    return out


def build_workbook(n_rows: int = 100_000, seed: int = DEFAULT_SEED, log=print) -> tuple[Path, dict]:
    """The cached import workbook of exactly n_rows data rows. Returns (path, record)."""
    from openpyxl import Workbook

    path = workbook_path(n_rows, seed)
    record = cached(path)
    if record:
        return path, record
    started = time.perf_counter()
    for stale in OUT.glob(f"workbook-{scale_label(n_rows)}-s{seed}-*"):
        stale.unlink()
    tables = workbook_tables(n_rows, seed)
    book = Workbook(write_only=True)
    for sheet in spec.SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        names = [c.name for c in sheet.columns]
        for row in tables[sheet.table]:
            ws.append([row[n] for n in names])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    book.save(tmp)
    tmp.replace(path)
    record = {"path": str(path), "rows": {t: len(r) for t, r in tables.items()},
              "total_rows": sum(len(r) for r in tables.values()), "bytes": path.stat().st_size,
              "seconds": round(time.perf_counter() - started, 1), "seed": seed,
              "generator_version": GENERATOR_VERSION}
    _done_marker(path).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    if log:
        log(f"  workbook {n_rows:,} rows written in {record['seconds']} s")
    return path, record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="append", default=[],
                        help="indicator rows for the DuckDB file, e.g. 1M, 10M (repeatable)")
    parser.add_argument("--workbook", type=int, help="data rows of the import workbook, e.g. 100000")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if not args.scale and not args.workbook:
        args.scale = ["1M"]
    for text in args.scale:
        for part in text.split(","):
            path, record = build_db(parse_scale(part), args.seed)
            print(f"{path}: {record['indicators']:,} indicator rows, {record['bytes'] / 2**20:.0f} MiB, "
                  f"generated in {record['seconds']} s")
    if args.workbook:
        path, record = build_workbook(args.workbook, args.seed)
        print(f"{path}: {record['total_rows']:,} rows, {record['bytes'] / 2**20:.1f} MiB, "
              f"written in {record['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
