"""The PDF brief (简报) of a selection: one A4 document a leader can read and print.

    data = brief_data(store, Filters(program_id="LZ2022-YJJ"))
    pdf = render_pdf(render_html(data))      # or write_pdf(store, filters)

What it holds, from the store's views (the pages read the same): a title naming the scope and
the dataset version; headline figures (budget, executed, execution rate, project count) in 万元
or 亿元; the execution rates and the lowest ones; the rating distribution; indicator completion
by 一级指标; the largest deviations with their explanations; the audit's mismatches; the source
reports. The HTML (a Jinja2 template, lib/outputs/templates/brief.html.j2) is printed by
Debian's Chromium through Playwright, which embeds the CJK font subsets; charts are SVG, so
they print as vectors. Where Chromium or the CJK fonts are missing, ``renderer_problem`` says
what to install and ``render_pdf`` raises BriefUnavailable with that message.

Amounts are 万元 as stored; rates fractions; display rounding only here.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lib.analysis import checks, summary, yoy
from lib.analysis.scoring import execution_band
from lib.filters import Filters
from lib.labels import BRIEF_LABELS, INDICATOR_STATUS, YEAR_BASIS_LABELS
from lib.outputs import brief_charts, fmt
from lib.store import Store
from lib.store import lineage as store_lineage
from lib.store.scoped import scoped_audit

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic"]
INSTALL_HINT = BRIEF_LABELS["install_hint"]

LOWEST = 10  # lowest execution rates listed (and drawn)
DEVIATIONS = 10  # largest deviations of each kind
FINDINGS = 30  # audit mismatches listed; the count says how many there are
AUDIT_MAX_ROWS = 200_000  # as the 核查 page: past this many indicator rows the audit is a batch job
MET = ("met", "qualitative_met")
NOT_MET = ("not_met", "qualitative_not_met")


class BriefUnavailable(RuntimeError):
    """The PDF cannot be printed on this machine (no Chromium or no CJK fonts); the message says
    what to install."""


# ---------------------------------------------------------------- the figures


def scope_text(store: Store, filters: Filters) -> str:
    """The selection in words: '2022年 · 兰州新区应急管理局部门本级预算 · 全部地区'."""
    parts = []
    if filters.year is not None:
        parts.append(f"{filters.year}年")
    if filters.program_id is not None:
        programs = store.read("programs", where={"program_id": filters.program_id}, limit=1)
        parts.append(str(programs["program_name"].iloc[0]) if len(programs) else filters.program_id)
    if filters.region is not None:
        parts.append(str(filters.region))
    if filters.project_id is not None:
        projects = store.read("v_projects", where={"project_id": filters.project_id}, limit=1)
        parts.append(str(projects["project_name"].iloc[0]) if len(projects) else filters.project_id)
    return " · ".join(parts) if parts else BRIEF_LABELS["all_data"]


def version_text(store: Store) -> str:
    version = store.current_version()
    if not version:
        return BRIEF_LABELS["no_version"]
    when = pd.Timestamp(version["created_at"]).strftime("%Y-%m-%d %H:%M")
    return f"数据版本 v{int(version['version_id'])}（{when}）"


def record_label(row) -> str:
    """A v_execution row's name: the project, else program · region · source."""
    if isinstance(row.get("project_name"), str):
        return row["project_name"]
    parts = [p for p in (row.get("region"), row.get("fund_source")) if isinstance(p, str)]
    return f"{row['program_name']} · {' '.join(parts)}" if parts else str(row["program_name"])


def mismatches(findings: pd.DataFrame) -> pd.DataFrame:
    """The audit findings a brief lists: those whose certainty is 不符 where the audit says how
    certain a finding is (a ``certainty`` column), else those of severity 高 or 中."""
    if "certainty" in findings.columns:
        return findings[findings["certainty"] == "不符"]
    return findings[findings["severity"].isin(["高", "中"])]


def _audit(store: Store, filters: Filters) -> tuple[pd.DataFrame | None, str | None]:
    """The selection's mismatches, or None and why the audit was not run."""
    scope = filters.only("year", "program_id")
    n = store.count("v_indicators", scope)
    if n > AUDIT_MAX_ROWS:
        return None, BRIEF_LABELS["audit_too_big"].format(n=n, limit=AUDIT_MAX_ROWS)
    # as the 核查 page; a ScopedReader's scope is its own, the whole programs read from its store
    raw = getattr(store, "store", store)
    audit = scoped_audit(raw, replace(scope, scope=store.scope) if raw is not store else scope)
    found = checks.filter_findings(checks.findings_frame(audit), filters)
    order = {s: i for i, s in enumerate(("高", "中", "低"))}
    found = mismatches(found)
    return found.assign(_o=found["severity"].map(order)).sort_values(["_o", "rule"], kind="stable"), None


def _text(value: object) -> str:
    return fmt.text(value)


def _date(value: object) -> str:
    return f"{pd.Timestamp(value):%Y-%m-%d}" if pd.notna(value) else "—"


def _deviations(store: Store, filters: Filters) -> tuple[list[dict], list[dict]]:
    """The projects furthest below full execution and the indicators furthest below target, each
    with the explanation the report gives (or says it gives none)."""
    projects = store.read("v_projects", filters, not_null=("execution_rate",), limit=DEVIATIONS,
                          order_by=["execution_rate", "project_id"])
    projects = projects[projects["execution_rate"] < 1]
    low = [{"name": r["project_name"], "program": r["program_name"], "year": int(r["year"]),
            "rate": fmt.rate(r["execution_rate"]),
            "figures": f"{fmt.money(r['executed'])} / {fmt.money(r['budget'])}",
            "reason": _text(r["deviation_reason"]), "improvement": _text(r["improvement"])}
           for r in projects.to_dict("records")]
    indicators = store.read("v_indicators", filters, where_in={"status": list(NOT_MET)}, limit=DEVIATIONS,
                            order_by=["completion_ratio", "program_id", "project_id", "seq"])
    unmet = [{"name": r["level3"], "year": int(r["year"]),
              "owner": r["project_name"] if isinstance(r["project_name"], str)
              else r["program_name"], "target": _text(r["target"]), "actual": _text(r["actual"]),
              "ratio": fmt.rate(r["completion_ratio"], 1) if pd.notna(r["completion_ratio"]) else "—",
              "reason": _text(r["deviation_reason"]), "improvement": _text(r["improvement"])}
             for r in indicators.to_dict("records")]
    return low, unmet


def stated_rates(store: Store, filters: Filters, totals: pd.DataFrame) -> pd.DataFrame:
    """summary.stated_execution of the programs in ``totals``: each report's own rate and its base."""
    if totals.empty:
        return summary.stated_execution(pd.DataFrame())
    return summary.stated_execution(store.read("v_execution", filters, where={"scope": "snapshot"},
                                               where_in={"program_id": sorted(set(totals["program_id"]))}))


# said once per headline year that has no previous year of the same programs (no 同比 shown)
BRIEF_YOY_NONE = "没有上一年度的同一资金/部门数据，不作同比。"


def headlines(store: Store, filters: Filters, totals: pd.DataFrame, year_basis: str = "latest",
              stated: pd.DataFrame | None = None) -> list[dict]:
    """The brief's headline figures, a row per group of years as 总览's cards give them
    (summary.headline_years: the latest year unless a sum or the years side by side are
    chosen), each with the reports' stated rates and their bases beside the computed one."""
    stated = stated_rates(store, filters, totals) if stated is None else stated
    rows = []
    for prefix, years in summary.headline_years(totals["year"], year_basis):
        part = totals[totals["year"].isin(years)] if years else totals
        head = summary.headline(part)
        scope = replace(filters, year=years[0]) if len(years) == 1 and filters.year is None else filters
        n_projects = store.count("v_projects", scope)
        # the same card as 总览's: a transfer reported by region counts its regions, not "0 个项目"
        count_label, count_value, _ = fmt.project_count_card(
            n_projects, head["programs"], store.count_distinct("v_projects", scope, ("program_id",)),
            store.count_distinct("v_funding", scope, ("region",)), store.count("v_funding", scope))
        unit = fmt.money_unit([head["budget"], head["executed"]])
        # 同比 over the programs present in the year before too (lib/store/lineage.py)
        change = store_lineage.year_on_year(store, filters, years[0]) if len(years) == 1 else None
        rows.append({"prefix": prefix, "years": years, "unit": unit,
                     "yoy": "".join(yoy.summary_sentences(change)) if change else (
                         BRIEF_YOY_NONE if len(years) == 1 else ""),
                     "budget": fmt.number_in(head["budget"], unit),
                     "executed": fmt.number_in(head["executed"], unit),
                     "rate": fmt.rate(head["execution_rate"]),
                     "projects": f"{n_projects:,}", "programs": f"{head['programs']:,}",
                     "count_label": count_label, "count_value": count_value,
                     "stated": summary.stated_beside(stated, part, names=head["programs"] > 1)})
    return rows


def year_note(totals: pd.DataFrame, year_basis: str) -> str:
    """What the headline covers where the selection spans years (as 总览's caption says it)."""
    years = sorted({int(y) for y in totals["year"]})
    if len(years) <= 1:
        return ""
    if year_basis == "sum":
        return YEAR_BASIS_LABELS["sum_caption"].format(years=f"{years[0]}–{years[-1]}年", n=len(years))
    if year_basis == "side":
        return BRIEF_LABELS["side_note"].format(n=len(years))
    return BRIEF_LABELS["latest_note"].format(n=len(years), years="、".join(map(str, years)), year=years[-1])


def brief_data(store: Store, filters: Filters | None = None, year_basis: str = "latest") -> dict:
    """Every figure and row the brief shows, as display text and chart SVG (a dict for the template).

    ``year_basis``: which years the headline covers where the selection spans several
    (summary.YEAR_BASES, 总览's choice): the latest by default; the lists below keep every year
    of the selection and name each row's year."""
    filters = filters or Filters()
    totals = store.program_totals(filters)
    stated = stated_rates(store, filters, totals)
    heads = headlines(store, filters, totals, year_basis, stated)
    stated_of = dict(zip(stated["program_id"], stated["text"], strict=True))
    matched = stated.loc[stated["reconciled"].astype(bool)]
    bases = dict(zip(matched["program_id"], matched["base"], strict=True))
    n_projects = store.count("v_projects", filters)
    unit = heads[0]["unit"]

    execution = store.read("v_execution", filters, not_null=("execution_rate",), limit=LOWEST,
                           order_by=["execution_rate", "program_id", "project_id", "as_of"])
    n_execution = store.count("v_execution", filters, not_null=("execution_rate",))
    lowest = []
    for row in execution.to_dict("records"):
        band = execution_band(row["execution_rate"], row["elapsed_share"])
        lowest.append({"label": record_label(row), "year": int(row["year"]),
                       "rate": float(row["execution_rate"]), "band": band,
                       "rate_text": fmt.rate(row["execution_rate"]),
                       # a program's one stated rate on each fund's row: said whose it is
                       "stated": summary.row_stated_text(
                           row["stated_execution_rate"], row["executed"], row["budget"],
                           bases.get(row["program_id"]) if not isinstance(row["project_name"], str) else None,
                       ).removeprefix("报告执行率 ") or "—",
                       "executed": fmt.money(row["executed"]), "budget": fmt.money(row["budget"]),
                       "as_of": _date(row["as_of"])})

    ratings = summary.rating_counts_of(store.summarize("v_projects", filters, by=("stated_rating",)))
    rating_pairs = list(zip(ratings["rating"], (int(n) for n in ratings["count"]), strict=True))
    n_unrated = n_projects - sum(n for _, n in rating_pairs)

    by_status = store.summarize("v_indicators", filters, by=("level1", "status"))
    status_rows = []
    for level1, rows in by_status.groupby("level1", sort=False):
        counts = dict(zip(rows["status"], rows["n"].astype(int), strict=True))
        met = sum(counts.get(s, 0) for s in MET)
        bad = sum(counts.get(s, 0) for s in NOT_MET)
        status_rows.append({"level1": level1, "达标": met, "未达标": bad,
                            "其他": sum(counts.values()) - met - bad,
                            "others": "、".join(f"{INDICATOR_STATUS.get(s, s)} {n}" for s, n in counts.items()
                                               if s not in MET + NOT_MET)})
    low_projects, unmet = _deviations(store, filters)
    findings, audit_note = _audit(store, filters)
    finding_rows = [] if findings is None else [
        {"severity": r["severity"], "rule": f"{r['rule']} {r['rule_name']}", "record": r["record"],
         "stated": _text(r["stated"]), "recomputed": _text(r["recomputed"]), "message": r["message"],
         "source": _text(r["source_ref"])} for r in findings.head(FINDINGS).to_dict("records")]

    source_ids = sorted(set(store.read("programs", filters.only("year", "program_id"))
                            ["source_id"].dropna()))
    sources = store.read("sources", where_in={"source_id": source_ids}, order_by=["source_id"])
    source_rows = [{"id": r["source_id"], "title": r["title"], "issuer": _text(r["issuer"]),
                    "date": _date(r["report_date"]), "file": _text(r["file_name"])}
                   for r in sources.to_dict("records")]

    return {
        "title": BRIEF_LABELS["title"],
        "scope": scope_text(store, filters),
        "version": version_text(store),
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "filters": "；".join(f"{k}={v}" for k, v in filters.active().items()) or BRIEF_LABELS["all_data"],
        "unit": unit,
        "headline": {k: heads[0][k] for k in ("budget", "executed", "rate", "projects", "programs")},
        "headlines": heads, "year_note": year_note(totals, year_basis),
        "programs": [{"name": r["program_name"], "year": int(r["year"]), "budget": fmt.money(r["budget"]),
                      "executed": fmt.money(r["executed"]), "rate": fmt.rate(r["execution_rate"]),
                      "stated": stated_of.get(r["program_id"], "—")}
                     for r in totals.head(30).to_dict("records")],
        "n_programs": len(totals),
        "lowest": lowest, "n_execution": n_execution,
        "execution_chart": brief_charts.execution_bars(lowest) if lowest else None,
        "ratings": rating_pairs, "n_unrated": n_unrated,
        "rating_chart": brief_charts.rating_bars(rating_pairs) if n_projects else None,
        "status": status_rows,
        "status_chart": brief_charts.status_bars(status_rows) if status_rows else None,
        "low_projects": low_projects, "unmet": unmet,
        "findings": finding_rows, "n_findings": None if findings is None else len(findings),
        "audit_note": audit_note, "certainty_field": findings is not None and "certainty" in findings.columns,
        "sources": source_rows,
    }


# ---------------------------------------------------------------- HTML and PDF


def render_html(data: dict) -> str:
    """The brief as one self-contained HTML page (autoescaped: data text is never markup)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("brief.html.j2").render(**data, labels=BRIEF_LABELS)


def chromium_path() -> str | None:
    """$JIXIAO_CHROMIUM when set (even to a missing file: then there is none), else Debian's."""
    configured = os.environ.get("JIXIAO_CHROMIUM")
    if configured is not None:
        return configured if Path(configured).is_file() else None
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).is_file()), None)


def cjk_fonts_installed() -> bool:
    """A Chinese font fontconfig knows (Chromium finds fonts through it)."""
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
        return bool(out.stdout.strip())
    return any(Path("/usr/share/fonts").rglob("*CJK*"))


def renderer_problem() -> str | None:
    """None when PDFs can be printed here, else what to install (Chinese, English alongside)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return BRIEF_LABELS["no_playwright"]
    if chromium_path() is None or not cjk_fonts_installed():
        return INSTALL_HINT
    return None


@dataclass(frozen=True)
class PageOptions:
    """A4 with room for the page number in the footer."""

    margin_top: str = "16mm"
    margin_bottom: str = "18mm"
    margin_side: str = "14mm"


FOOTER = ('<div style="width:100%;font-size:9px;text-align:center;color:#333;'
          'font-family:\'Noto Sans CJK SC\',sans-serif;">第 <span class="pageNumber"></span> 页 '
          '/ 共 <span class="totalPages"></span> 页</div>')


def render_pdf(html: str, options: PageOptions = PageOptions()) -> bytes:
    """Print the HTML to A4 PDF with Chromium (fonts embedded, page numbers in the footer).

    Runs in a worker thread of its own: Playwright's sync API refuses a thread that has an
    asyncio loop (as Streamlit's may). Raises BriefUnavailable when Chromium or the fonts are missing.
    """
    problem = renderer_problem()
    if problem:
        raise BriefUnavailable(problem)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return fix_text_layer(pool.submit(_print, html, options, chromium_path()).result())


def _print(html: str, options: PageOptions, executable: str) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.evaluate("document.fonts.ready")
            return page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template="<div></div>", footer_template=FOOTER,
                            margin={"top": options.margin_top, "bottom": options.margin_bottom,
                                    "left": options.margin_side, "right": options.margin_side})
        finally:
            browser.close()


def write_pdf(store: Store, filters: Filters | None = None, year_basis: str = "latest") -> bytes:
    """The brief of the selection as PDF bytes (``year_basis`` as brief_data's)."""
    return render_pdf(render_html(brief_data(store, filters, year_basis)))


def file_name(filters: Filters | None = None, ext: str = "pdf", when: dt.datetime | None = None) -> str:
    """e.g. 绩效简报_LZ2022-YJJ_20261201-2130.pdf"""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M")
    scope = "_".join(str(v) for v in (filters or Filters()).active().values())
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in scope)
    return f"{BRIEF_LABELS['file_stem']}{'_' + safe if safe else ''}_{stamp}.{ext}"


# ---------------------------------------------------------------- the PDF's text layer

# Noto CJK maps some radicals and their ideographs to one glyph, and Chromium's PDF writer names
# the glyph by the radical: the text layer then reads 部⻔ for 部门 and ⾏ for 行, so a search or a
# copy of the PDF misses. Kangxi radicals (U+2F00–2FD5) fold by NFKC; the CJK Radicals Supplement
# has no decomposition, so its simplified forms are listed (Unicode's EquivalentUnifiedIdeograph.txt).
RADICAL_SUPPLEMENT = {
    0x2E8C: 0x5C0F, 0x2E95: 0x5F50, 0x2E9F: 0x6BCD, 0x2EA0: 0x6C11, 0x2EA7: 0x725B, 0x2EAD: 0x793B,
    0x2EB7: 0x7F8A, 0x2EBB: 0x807F, 0x2EBE: 0x8279, 0x2EC4: 0x897F, 0x2EC5: 0x89C1, 0x2EC6: 0x89D2,
    0x2EC8: 0x8BA0, 0x2EC9: 0x8D1D, 0x2ECA: 0x8DB3, 0x2ECB: 0x8F66, 0x2ECD: 0x8FB6, 0x2ED1: 0x9577,
    0x2ED3: 0x957F, 0x2ED4: 0x95E8, 0x2ED8: 0x9752, 0x2EDA: 0x9875, 0x2EDB: 0x98CE, 0x2EDC: 0x98DE,
    0x2EDD: 0x98DF, 0x2EE0: 0x9963, 0x2EE2: 0x9A6C, 0x2EE3: 0x9AA8, 0x2EE4: 0x9B3C, 0x2EE5: 0x9C7C,
    0x2EE6: 0x9E1F, 0x2EE7: 0x5364, 0x2EE8: 0x9EA6, 0x2EEC: 0x9F50, 0x2EEE: 0x9F7F, 0x2EF0: 0x9F99,
    0x2EF3: 0x9F9F, 0x2EE9: 0x9EC4, 0x2EEA: 0x9EFE, 0x2ED0: 0x9485, 0x2EA9: 0x738B, 0x2EA8: 0x72AD,
    0x2E8A: 0x535C, 0x2E86: 0x5182, 0x2E97: 0x5FC3, 0x2EA6: 0x4E2C, 0x2EAC: 0x793A, 0x2EB9: 0x8002,
    0x2ECC: 0x8FB6, 0x2EC1: 0x864E, 0x2EC2: 0x8864, 0x2EC3: 0x8980, 0x2ED7: 0x96E8, 0x2ED9: 0x97E6,
}
_CMAP_TARGET = re.compile(rb"^(\s*<[0-9A-Fa-f]+>\s+(?:<[0-9A-Fa-f]+>\s+)?)<([0-9A-Fa-f]{4})>", re.MULTILINE)


def unified(codepoint: int) -> int:
    """The ideograph a radical codepoint stands for (the codepoint itself otherwise)."""
    if 0x2F00 <= codepoint <= 0x2FD5:
        return ord(unicodedata.normalize("NFKC", chr(codepoint)))
    return RADICAL_SUPPLEMENT.get(codepoint, codepoint)


def _fix_cmap(data: bytes) -> bytes:
    def repl(match: re.Match) -> bytes:
        return match.group(1) + b"<%04X>" % unified(int(match.group(2), 16))

    return _CMAP_TARGET.sub(repl, data)


def fix_text_layer(pdf: bytes) -> bytes:
    """The PDF with every font's ToUnicode map naming ideographs instead of radicals."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    seen: set[int] = set()
    for page in writer.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            cmap_ref = font.get("/ToUnicode")
            if cmap_ref is None or id(cmap_ref.get_object()) in seen:
                continue
            stream = cmap_ref.get_object()
            seen.add(id(stream))
            fixed = _fix_cmap(stream.get_data())
            if fixed != stream.get_data():
                stream.set_data(fixed)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
