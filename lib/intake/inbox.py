"""A drop of many files (a year's inbox): unpack, classify and read each file, nothing stored.

At year end a bureau receives a 自评表 (Excel or Word) and a 自评报告 (Word, PDF or text) per
project or fund from every unit, hundreds of files at once, often as a folder or a .zip. Each
file is read by the reader of its kind through the readers' public entry points (dataset
workbooks: lib.intake.workbook.read_workbook; forms: lib.intake.forms.read_form; reports:
lib.intake.report.files.read_text and lib.intake.report.read_report), and becomes an
``Incoming``: its typed rows, why it is refused (in Chinese) or what an analyst must review.
Matching the programs to each other and to the store is lib/intake/inbox_match.py and
lib/store/inbox.py.

Pure: bytes in, rows out.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lib.intake import classify as intake_classify
from lib.intake import workbook_spec as spec
from lib.intake.files import open_file
from lib.intake.forms import read_opened
from lib.intake.workbook import (
    MAX_UNZIPPED_BYTES,
    CellError,
    Finding,
    ParsedWorkbook,
    convert,
    read_dataset,
)

DATASET, FORM, REPORT = "dataset", "form", "report"
KIND_LABELS = {DATASET: "数据工作簿", FORM: "自评表", REPORT: "自评报告"}
READY, REVIEW, REFUSED, SKIPPED = "ready", "review", "refused", "skipped"
STATUS_LABELS = {READY: "可导入", REVIEW: "待核对", REFUSED: "拒收", SKIPPED: "已导入过"}
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
REPORT_ONLY_SUFFIXES = (".txt", ".pdf")
# Files a zip carries that nobody sent as an evaluation: folders' metadata of macOS and Windows.
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class Incoming:
    """One file of a drop, read.

    ``parsed`` holds the file's rows with storage column names (for a report: the draft's rows,
    typed as a workbook's cells would be); ``refused`` the reasons it cannot be imported (a
    refused file has no rows that count); ``review`` what an analyst must look at before the
    file's rows are imported (a report is always a draft; an unmapped cell of a form).
    """

    label: str
    sha256: str
    kind: str | None
    parsed: ParsedWorkbook | None = None
    refused: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    already: str | None = None  # the version that imported the same bytes before (set by the store)

    @property
    def status(self) -> str:
        if self.already:
            return SKIPPED
        if self.refused:
            return REFUSED
        return REVIEW if self.review else READY

    @property
    def program_ids(self) -> list[str]:
        if self.parsed is None or self.refused:
            return []
        return [r["program_id"] for r in self.parsed.tables["programs"]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unpack(items: Iterable[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes]], list[Incoming]]:
    """The files of a drop, with every .zip opened: ([(label, bytes)], refused zips).

    A member is labelled ``archive.zip/path/in/zip``; names a Chinese Windows zip stores in
    GBK (without the UTF-8 flag) are decoded as GBK, which is what they are. A zip that would
    unpack to more than MAX_UNZIPPED_BYTES, or cannot be opened, is refused whole.
    """
    files: list[tuple[str, bytes]] = []
    refused: list[Incoming] = []
    for label, data in items:
        if not label.lower().endswith(".zip"):
            files.append((label, data))
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
                    refused.append(Incoming(label, sha256(data), None,
                                            refused=["压缩包解压后超过 500 MB，未读取（请分批上传）"]))
                    continue
                for info in infos:
                    name = _member_name(info)
                    base = PurePosixPath(name).name
                    if any(part in name for part in _JUNK) or base.startswith((".", "~$")):
                        continue
                    files.append((f"{label}/{name}", archive.read(info)))
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:  # damaged, or encrypted (RuntimeError)
            refused.append(Incoming(label, sha256(data), None,
                                    refused=[f"压缩包无法打开（{type(exc).__name__}）"]))
    return files, refused


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the zip says the name is UTF-8
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def classify(label: str, data: bytes) -> tuple[str | None, str | None]:
    """(kind, None), or (None, why it is refused, in Chinese) — the one intake road's classification
    (lib/intake/classify.py) with the inbox's own rules beside it (see ``_kind_of``)."""
    item = read_file(label, data, read=False)
    return item.kind, (item.refused[0] if item.refused else None)


# Prose outside the tables beyond which a Word file is a report even if it holds a form-like table
# (reports quote their indicator tables; a form's own text is its title and a few notes).
REPORT_PROSE_CHARS = 1500
_SUPPORTED = (*WORKBOOK_SUFFIXES, ".docx", ".csv", ".doc", ".wps")


def _kind_of(opened) -> str | None:
    """What a drop's file is: the intake road's classification, except that a Word file with long
    prose around its tables is a report (it quotes its indicator table), and one with a form's
    table and short prose a form."""
    kind = intake_classify.classify(opened)
    if opened.kind == "docx" and opened.readable:
        grids = opened.grids()
        prose = sum(len(t) for g in grids if g.max_col <= 1 for t in g.texts())
        has_form = any(intake_classify.form_kind(g.texts()) for g in grids if g.max_col > 1)
        return FORM if has_form and prose <= REPORT_PROSE_CHARS else REPORT
    return kind


def read_file(label: str, data: bytes, layouts: Iterable = (), read: bool = True) -> Incoming:
    """Classify and read one file, opened once (never raises for a bad file: the reason is in
    ``refused``)."""
    suffix = PurePosixPath(label).suffix.lower()
    item = Incoming(label, sha256(data), None)
    if not data:
        item.refused.append("空文件")
        return item
    if suffix in REPORT_ONLY_SUFFIXES:
        item.kind = REPORT
        return _read_report(item, data) if read else item
    if suffix in (".doc", ".wps"):
        item.refused.append("Word 97-2003（.doc）或 WPS 文字（.wps）文件无法直接读取："
                            "请另存为 .docx 后再上传")
        return item
    if suffix not in _SUPPORTED:
        item.refused.append(f"不支持的文件类型“{suffix or '无扩展名'}”：可上传 .xlsx/.xls/.ods/.docx/.csv "
                            "自评表或数据工作簿，.txt/.docx/.pdf 自评报告，或其压缩包 .zip")
        return item
    opened = open_file(data, label)
    try:
        item.kind = _kind_of(opened)
        if item.kind is None:
            item.refused.extend([f.problem for f in opened.findings] or [
                "既不是数据工作簿（没有“来源”“资金与部门”等工作表），也不是自评表（没有资金或指标栏目）"])
            return item
        if not read:
            return item
        if item.kind == REPORT:
            return _read_report(item, data)
        parsed = read_dataset(opened) if item.kind == DATASET else read_opened(opened, layouts)
    finally:
        opened.close()
    item.parsed = parsed
    item.findings = list(parsed.findings)
    if parsed.findings:
        item.refused.extend(str(f) for f in parsed.findings[:5])
        if len(parsed.findings) > 5:
            item.refused.append(f"另有 {len(parsed.findings) - 5} 个问题")
    elif not parsed.tables["programs"]:
        item.refused.append("文件中没有可导入的资金/部门或项目")
    for unmapped in parsed.blocking_unmapped:
        item.review.append(f"未识别的单元格：{unmapped.sheet} {unmapped.message}")
    return item


def _read_report(item: Incoming, data: bytes) -> Incoming:
    from lib.intake.report import read_report
    from lib.intake.report.files import ReportFileError, read_text

    try:
        text = read_text(PurePosixPath(item.label).name, data)
    except ReportFileError as exc:
        item.refused.append(exc.zh)
        return item
    draft = read_report(text, PurePosixPath(item.label).name)
    if not draft.loadable():
        item.refused.append("报告未写明资金/部门名称或年度，无法归入任何资金/部门（请用“从自评报告起草”补填）")
        return item
    item.parsed = typed_tables(draft.tables, item.label)
    item.findings = list(item.parsed.findings)
    if item.findings:
        item.refused.extend(str(f) for f in item.findings[:5])
        return item
    item.review.append(f"由报告文字起草（{len(draft.unplaced)} 个数字未归类），请核对")
    return item


def typed_tables(tables: dict[str, list[dict]], label: str) -> ParsedWorkbook:
    """Rows read from a report, typed and checked as a workbook's cells are (lib.intake.workbook.convert):
    a figure the draft could not type (a negative amount, a rate above 200%) is a finding
    naming the sheet, the row and the column."""
    out = ParsedWorkbook({s.table: [] for s in spec.SHEETS}, [], {s.table: [] for s in spec.SHEETS})
    for sheet in spec.SHEETS:
        for i, row in enumerate(tables.get(sheet.table, []), start=2):
            typed: dict = {}
            for column in sheet.columns:
                value = row.get(column.name)
                if value is None or (isinstance(value, str) and not value.strip()):
                    typed[column.name] = None
                    if column.required:
                        out.findings.append(Finding(label, sheet.name, i, column.header, "必填项为空",
                                                    "required value is empty"))
                    continue
                try:
                    typed[column.name] = convert(value, column)
                except CellError as exc:
                    typed[column.name] = None
                    out.findings.append(Finding(label, sheet.name, i, column.header, exc.zh, exc.en))
            out.tables[sheet.table].append(typed)
            out.origins[sheet.table].append((label, sheet.name, i))
    return out


def read_drop(items: Iterable[tuple[str, bytes]], on_file: Callable[[int, int, str], None] | None = None,
              layouts: Iterable = ()) -> list[Incoming]:
    """Every file of a drop (zips opened), classified and read, in the drop's order.

    ``on_file(i, n, label)`` is called before each file is read (a progress bar or line).
    """
    files, refused = unpack(items)
    layouts = list(layouts)
    out: list[Incoming] = list(refused)
    for i, (label, data) in enumerate(files):
        if on_file:
            on_file(i, len(files), label)
        out.append(read_file(label, data, layouts))
    return out
