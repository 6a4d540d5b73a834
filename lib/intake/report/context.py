"""What the extractors share: the draft being built, which figures are placed, sentences, labels.

A figure is *placed* when an extractor wrote it into a record; every figure of the text that no
extractor placed ends as a stated figure (amounts and labelled rates) or in the unplaced list
with its sentence, so nothing read is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.intake.report import grammar
from lib.intake.report.sections import Para

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_SEPARATORS = "，,；;。：:、（(）)"
_CONNECTORS = re.compile(
    r"^(?:其中[:：，,]?|包括|包含|另外|以及|及|和|共计|合计|共|总计|累计|已|为|是|达到|用于|支出了?"
    r"|下拨|拨付|已完成|完成|该|本|我省|我局|全年|截至目前|目前|按地区划分)+"
)
REGION_SUFFIX = re.compile(r"(?:省|市|县|区|镇|乡|旗|州|盟|街道)$")
_FUND_WORDS = ("资金", "补助", "投入", "财政", "预算", "拨款", "总额", "经费", "支出", "执行", "合计", "共计")


def fund_source(label: str) -> str | None:
    """The fund source a label names: 中央补助 / 省级资金 / 地方资金 / 其他资金, or None.

    The office that hands money down ("省财政厅及时足额将…") is not the source of the money."""
    label = re.sub(r"[\u4e00-\u9fff]{0,3}财政(?:厅|部|局)", "", label)
    if "中央" in label:
        return "中央补助"
    if re.search(r"市以下|地方|市县|县级|市级|配套|本级财政|区级", label):
        return "地方资金"
    if re.search(r"省级|省本级|省财政|省补助", label):
        return "省级资金"
    if re.search(r"其他资金|社会资金|自筹|单位资金", label):
        return "其他资金"
    return None


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Where the sentence of ``text`` holding ``pos`` starts and ends; a very long sentence narrows
    to its clause (between ；)."""
    start = 0
    for piece in _SENTENCE_END.split(text):
        end = start + len(piece)
        if start <= pos < end or end == len(text):
            if len(piece.strip()) > 160:
                offset = pos - start
                clause_start = max(piece.rfind("；", 0, offset), piece.rfind(";", 0, offset)) + 1
                ends = [i for i in (piece.find("；", offset), piece.find(";", offset)) if i >= 0]
                clause_end = min(ends) + 1 if ends else len(piece)
                return start + clause_start, start + clause_end
            return start, end
        start = end
    return 0, len(text)


def sentence_at(text: str, pos: int) -> str:
    """The sentence of ``text`` holding position ``pos`` (see sentence_bounds)."""
    start, end = sentence_bounds(text, pos)
    return text[start:end].strip()


def marked_sentence(text: str, spans: list[tuple[int, int]]) -> str:
    """The sentence of the first span with every span inside it marked 【…】, for review."""
    start, end = sentence_bounds(text, spans[0][0])
    out, cursor = [], start
    for a, b in sorted({s for s in spans if start <= s[0] and s[1] <= end}):
        if a < cursor:
            continue
        out += [text[cursor:a], "【", text[a:b], "】"]
        cursor = b
    out.append(text[cursor:end])
    return "".join(out).strip()


def label_before(text: str, pos: int, limit: int = 60) -> str:
    """The words naming the figure at ``pos``: back to the previous separator, skipping one
    bracketed aside ("…补助资金预算（危险化学品…支出）7500万元" → "…补助资金预算")."""
    raw = raw_label_before(text, pos, limit)
    if not raw and pos > 0 and text[pos - 1] in "（(":
        raw = raw_label_before(text, pos - 1, limit)
    return clean_label(raw)


def raw_label_before(text: str, pos: int, limit: int = 60) -> str:
    """The text before ``pos`` back to the previous separator, bracketed asides skipped, uncleaned."""
    i = pos
    while i > 0 and text[i - 1] in "）)":
        depth = 0
        while i > 0:
            i -= 1
            if text[i] in "）)":
                depth += 1
            elif text[i] in "（(":
                depth -= 1
                if depth == 0:
                    break
    j = i
    while j > 0 and text[j - 1] not in _SEPARATORS and pos - j < limit:
        j -= 1
    return text[j:i].strip()


def clean_label(label: str) -> str:
    """A label without connectors around it ("其中，", "已", "为"); kept whole when nothing would remain."""
    label = label.strip(" “”\"'")
    label = re.sub(r"^\d*年(?:度)?[，,]?", "", label)
    cleaned = _CONNECTORS.sub("", label)
    cleaned = re.sub(r"(?:为|是|达到|达|共计|合计)$", "", cleaned).strip(" “”\"'：:")
    return cleaned if len(cleaned) >= 2 else label.strip(" “”\"'：:")


def is_region_name(label: str, known: set[str] | None = None) -> bool:
    """A place name, not a fund or item: short, or ending in 市/县/区/镇…, without money words."""
    if not label or any(w in label for w in _FUND_WORDS) or re.search(r"\d", label):
        return False
    if known and (label in known or any(k.startswith(label) for k in known)):
        return True
    return (2 <= len(label) <= 4) or (len(label) <= 8 and bool(REGION_SUFFIX.search(label)))


@dataclass
class Unplaced:
    figure: str
    sentence: str
    source_ref: str
    reason: str


@dataclass
class Context:
    """The draft being built for one report."""

    program_id: str
    source_id: str
    year: int | None
    kind: str
    region: str | None
    tables: dict[str, list[dict]] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    placed: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)
    para_region: dict[int, str] = field(default_factory=dict)  # a paragraph about one region
    para_path: dict[int, tuple] = field(default_factory=dict)  # paragraph → its section path
    # which table a figure went to, by (paragraph, start): a figure only *stated* may still be read
    # as a record by a later extractor (a source split stated as totals is also an allocation)
    placed_in: dict[tuple[int, int], str] = field(default_factory=dict)

    def ref(self, para: Para, extra: str = "") -> str:
        return f"{self.source_id} {para.ref}{extra}"

    def add(
        self,
        table: str,
        para: Para,
        record: dict,
        sentence: str | None = None,
        spans: list[tuple[int, int]] = (),
    ) -> dict:
        """Add a record read from ``para``; ``spans`` are the figures it placed."""
        row = {"program_id": self.program_id, **record, "_para": para.index, "_spans": list(spans)}
        self.para_path[para.index] = para.path
        row.setdefault("source_ref", self.ref(para))
        if sentence is not None:
            row["sentence"] = sentence
            row["_marked"] = marked_sentence(para.text, list(spans)) if spans else sentence
        self.tables.setdefault(table, []).append(row)
        for span in spans:
            self.place(para, span)
            self.placed_in.setdefault((para.index, span[0]), table)
        return row

    def restate(self, para: Para, figure: grammar.Figure, metric: str, note: str | None = None, **kw) -> dict:
        """A figure as a stated figure under ``metric``: the row it already has (an earlier reader
        stated it under its raw label) renamed, or a new one."""
        if self.only_stated(para, (figure.start, figure.end)):
            sentence = sentence_at(para.text, figure.start)
            for row in self.tables.get("stated_figures", []):
                same = row.get("text") == figure.text and row["value"] == figure.value
                if same and row.get("sentence") == sentence:
                    row["metric"] = metric
                    row["note"] = "；".join(x for x in (row.get("note"), note) if x) or None
                    row.update({k: v for k, v in kw.items() if v is not None})
                    return row
        return self.stated(para, figure, metric, "无", note=note, **kw)

    def only_stated(self, para: Para, span: tuple[int, int]) -> bool:
        """Placed, and only as a stated figure (报告声明数), not in any record."""
        return self.is_placed(para, span) and self.placed_in.get((para.index, span[0])) == "stated_figures"

    def place(self, para: Para, span: tuple[int, int]) -> None:
        self.placed.setdefault(para.index, []).append(span)

    def is_placed(self, para: Para, span: tuple[int, int]) -> bool:
        return any(a <= span[0] < b or span[0] <= a < span[1] for a, b in self.placed.get(para.index, []))

    def unplace(self, para: Para, figure: grammar.Figure | str, reason: str, pos: int = 0) -> None:
        text = figure.text if isinstance(figure, grammar.Figure) else figure
        at = figure.start if isinstance(figure, grammar.Figure) else pos
        self.unplaced.append(Unplaced(text, sentence_at(para.text, at), self.ref(para), reason))

    def stated(
        self,
        para: Para,
        figure: grammar.Figure,
        metric: str,
        aggregate: str = "无",
        *,
        project_id: str | None = None,
        region: str | None = None,
        fund_source: str | None = None,
        fund_year: int | None = None,
        rating: str | None = None,
        note: str | None = None,
        unit: str | None = None,
        value: float | None = None,
    ) -> dict:
        """A figure the report states (a total, count or rate), kept as written in 报告声明数."""
        return self.add(
            "stated_figures",
            para,
            {
                "project_id": project_id,
                "region": region,
                "fund_source": fund_source,
                "fund_year": fund_year,
                "rating": rating,
                "metric": metric or "（未写明口径）",
                "value": figure.value if value is None else value,
                "unit": unit or figure.unit,
                "aggregate": aggregate,
                "text": figure.text,
                "note": note,
            },
            sentence_at(para.text, figure.start),
            [(figure.start, figure.end)],
        )
