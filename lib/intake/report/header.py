"""What a report says about itself: title, year, program or department, kind, documents, date."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from lib.intake.report import grammar
from lib.intake.report.sections import Para

_TITLE_END = re.compile(
    r"(绩效自评报告|自评报告|绩效自评工作总结|自评工作总结|绩效评价报告|绩效自评情况|自评情况报告"
    r"|绩效自评[\u4e00-\u9fff]{0,14}?(?:报告|情况|总结)|自评情况的报告|绩效自评的报告)$"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_PLACE = re.compile(r"^(.{1,12}?(?:省|自治区|市|新区|自治州|州|县|区|旗|盟))")


@dataclass
class Header:
    title: str
    year: int | None
    kind: str  # 转移支付 / 部门预算
    program_name: str
    department: str | None
    region: str | None
    doc_no: str | None
    sub_doc_no: str | None
    report_date: object | None
    issuer: str | None
    title_para: Para | None


_CHROME = re.compile(r"[\]】|]|来源[:：]|发布机构|发布日期|成文日期|时间[:：]|\d{1,2}:\d{2}(?::\d{2})?")


def _title_in(text: str) -> str:
    """The report's title in its line: a web page's line may carry the site's labels before it
    ("[ 发布机构 ]…[ 发布日期 ]2023-06-25忠县…绩效自评报告"): the title is what follows the last of them."""
    line = text.rstrip("。 ")
    if not _TITLE_END.search(re.sub(r"[（(][^）)]{2,40}[）)]$", "", line)):
        return ""
    cut = max((m.end() for m in _CHROME.finditer(line)), default=0)
    tail = re.sub(r"^[\s\d\-:：/]*", "", line[cut:])
    return tail.strip() if len(tail) >= 6 else line.strip()


def short_hash(text: str) -> str:
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()[:6]


def read(paras: list[Para]) -> Header:
    title_para = next((p for p in paras[:6] if _title_in(p.text)), None)
    if title_para is None:
        title_para = next(
            (
                p
                for p in paras[:4]
                if _YEAR.search(p.text)
                and p.level == 0
                and not p.text.startswith("附件")
                and len(p.text) <= 60
                and not re.search(r"[|，,。；;]", p.text)
            ),
            None,
        )
    title = (_title_in(title_para.text) or title_para.text.strip()) if title_para else ""
    ym = _YEAR.search(title)
    year = int(ym[1]) if ym else None
    if year is None:
        years = [int(m[1]) for p in paras[:12] for m in re.finditer(r"((?:19|20)\d{2})年度", p.text)]
        year = years[0] if years else None
    if year is None:
        year = _most_named_year(paras)
    prefix = title[: ym.start()] if ym else ""
    rest = _TITLE_END.sub("", title[ym.end() :] if ym else title)
    department_kind = bool(re.search(r"部门|整体支出|单位", rest)) and bool(re.search(r"预算|支出", rest))
    kind = "部门预算" if department_kind else "转移支付"
    place = _PLACE.match(prefix)
    region = place[1] if place else (prefix or None)
    if kind == "部门预算":
        department = prefix or None
        name = f"{prefix}{rest}".strip() or title
        issuer = department
    else:
        org = _ORG_PREFIX.match(prefix)
        # the first unit of the prefix (a page may print it twice: "…文物局…文物局中央转移支付")
        department = _ORG_ONE.match(org[0])[0] if org else None
        name = rest.strip() or (prefix[org.end() :] if org else prefix).strip() or title
        issuer = department
    about = re.search(r"关于(?P<body>.+)$", title)
    if about and kind != "部门预算":
        # "…局关于增发2023年国债项目资金预算执行情况绩效自评的报告": the name is what the report is about
        body = _TITLE_END.sub("", about["body"])
        body = re.sub(r"(?:的|预算执行情况|执行情况|绩效|情况)+$", "", body)
        name = re.sub(r"^(?:19|20)\d{2}年度?", "", body).strip() or name
    tail = re.search(r"报告[（(](?P<n>[^）)]{2,40})[）)]$", title)
    if tail:
        name = tail["n"]  # "…2023年度项目支出绩效自评报告(教育专项工作经费)"
    if not name:
        name = _name_in_first_section(paras)
    doc_no, sub_doc_no = _documents(paras)
    return Header(
        title,
        year,
        kind,
        name,
        department,
        region,
        doc_no,
        sub_doc_no,
        _report_date(paras),
        issuer,
        title_para,
    )


def _documents(paras: list[Para]) -> tuple[str | None, str | None]:
    """The issuing document (中央下达 / the first named) and the sub-allocating one (分解下达)."""
    doc = sub = None
    for p in paras:
        if p.appendix:
            break
        docs = grammar.doc_numbers(p.text)
        if not docs:
            continue
        if any(w in p.head(2) for w in ("分解", "省内", "市内", "县内", "转下达")) and sub is None:
            sub = docs[-1]
        elif doc is None:
            doc = docs[0]
    return doc, sub


def _report_date(paras: list[Para]):
    import datetime as dt

    for p in reversed(paras[-4:]):
        m = list(grammar.DATE.finditer(p.text))
        if m and m[-1]["d"] and len(p.text) < 60:
            d = m[-1]
            try:
                return dt.date(int(d["y"]), int(d["m"]), int(d["d"]))
            except ValueError:
                return None
    return None


def _most_named_year(paras: list[Para]) -> int | None:
    """A report without a year in its title or a "20XX年度": the year its opening names most
    ("截止2023年12月31日", "2023年共投入…"), document numbers' years (〔2022〕) and ranges left out."""
    counts: dict[int, int] = {}
    for p in paras[:30]:
        text = grammar.DOC_NO.sub("", grammar.YEAR_RANGE.sub("", p.text))
        for m in re.finditer(r"(?<![〔\[（(\d])((?:19|20)\d{2})年", text):
            counts[int(m[1])] = counts.get(int(m[1]), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


# the reporting unit before a transfer's name ("西藏自治区文物局中央转移支付…", "忠县金声乡人民政府转移支付…")
_ORG_ONE = re.compile(r"[\u4e00-\u9fff]{1,20}?(?:人民政府|管理局|局|厅|委员会|办公室|中心|委)")
_ORG_PREFIX = re.compile(rf"(?:{_ORG_ONE.pattern})+")

_NAMED_SUBJECT = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.]\s*)?(?:项目基本情况|基本情况|项目概况)?[:：。]?\s*"
    r"(?P<name>[\u4e00-\u9fff（）()]{2,30}?(?:项目|资金|专项|经费|补助))(?:为|是|系|属于|由)"
)


def _name_in_first_section(paras: list[Para]) -> str:
    """With no title: the subject of the first section's opening ("社会服务与管理项目为省商务厅本级的
    经常性项目"), never any sentence of the body further on."""
    for p in paras[:6]:
        m = _NAMED_SUBJECT.match(p.body)
        if m:
            return m["name"]
    return ""
