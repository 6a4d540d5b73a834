"""The bad-input corpus: malformed workbooks an analyst (or anyone) might upload.

Each starts from a copy of a shipped workbook and breaks one thing. Every one must be rejected
with the cell named (sheet, row, column) or with a clear file-level message, and a checksum over
every stored table must be identical before and after.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest

from lib.store import ImportRejected, open_store

ROOT = Path(__file__).resolve().parents[1]
LANZHOU = (ROOT / "data" / "lanzhou_2022_emergency.xlsx").read_bytes()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")  # the shipped data
    yield s
    s.close()


def edited(change: Callable[[openpyxl.Workbook], None]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(LANZHOU))
    change(book)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def col(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def set_cell(sheet: str, header: str, row: int, value) -> Callable:
    def change(book):
        ws = book[sheet]
        ws.cell(row=row, column=col(ws, header)).value = value  # value=None in cell() means "unchanged"
    return change


def with_xml(data: bytes, member: str, edit: Callable[[str], str]) -> bytes:
    """Rewrite one part of the xlsx package (for what openpyxl cannot write, e.g. cached values)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == member:
                content = edit(content.decode("utf-8")).encode("utf-8")
            out.writestr(info, content)
    return buf.getvalue()


def sheet_member(data: bytes, title: str) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return book[title]._worksheet_path


def formula_with_cached_value() -> bytes:
    data = edited(set_cell("项目", "全年预算数", 2, "=8*2"))
    member = sheet_member(data, "项目")
    # openpyxl writes no cached value; add one as Excel would (<v>16</v>)
    return with_xml(data, member, lambda xml: re.sub(r"(<f>8\*2</f>)(<v>\s*</v>)?", r"\1<v>16</v>", xml, count=1))


def error_value(header: str, row: int, value: str) -> Callable[[], bytes]:
    """A cell holding an Excel error value typed in or pasted (t="e"), as Excel stores it."""
    def make() -> bytes:
        data = edited(set_cell("项目", header, row, "PLACEHOLDER"))
        member = sheet_member(data, "项目")
        return with_xml(data, member, lambda xml: re.sub(
            r'<c r="([A-Z]+\d+)"([^>]*?) t="(?:s|inlineStr)"([^>]*)>(?:<is><t>PLACEHOLDER</t></is>|<v>\d+</v>)</c>',
            lambda m: f'<c r="{m[1]}"{m[2]} t="e"{m[3]}><v>{value}</v></c>', xml, count=1)
            if "PLACEHOLDER" in xml else xml)
    return make


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(32):  # 512 MB of zeros, about 0.5 MB packed
                member.write(chunk)
    return buf.getvalue()


def encrypted() -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(LANZHOU)).encrypt("密码123", out)
    return out.getvalue()


def delete_column(sheet: str, header: str) -> Callable:
    def change(book):
        ws = book[sheet]
        ws.delete_cols(col(ws, header))
    return change


def duplicate_row(sheet: str, row: int) -> Callable:
    def change(book):
        ws = book[sheet]
        ws.append([c.value for c in ws[row]])
    return change


def hide(sheet: str) -> Callable:
    def change(book):
        book[sheet].sheet_state = "hidden"
    return change


def add_sheet(book):
    ws = book.create_sheet("Sheet1")
    ws.append(["随手记", 1, 2])


def add_column(book):
    ws = book["项目"]
    ws.cell(row=1, column=ws.max_column + 1, value="备注2")


def merge_data(book):
    book["项目"].merge_cells("C3:C4")


def blank_header(book):
    ws = book["项目"]
    for cell in ws[1]:
        cell.value = None


# case id -> (bytes factory, expected (sheet, row, column fragment) or None for file level,
#             a fragment of the Chinese problem)
CASES: dict[str, tuple[Callable[[], bytes], tuple | None, str]] = {
    "missing sheet 资金与部门": (lambda: edited(lambda b: b.remove(b["资金与部门"])), ("资金与部门", None, ""), "缺少必需的工作表"),
    "missing sheet 来源": (lambda: edited(lambda b: b.remove(b["来源"])), ("来源", None, ""), "缺少必需的工作表"),
    "missing column 全年预算数": (lambda: edited(delete_column("项目", "全年预算数")), ("项目", 1, "全年预算数"), "缺少必填列"),
    "missing column 三级指标": (lambda: edited(delete_column("绩效指标", "三级指标")), ("绩效指标", 1, "三级指标"), "缺少必填列"),
    "unknown column": (lambda: edited(add_column), ("项目", 1, "备注2"), "未知的列名"),
    "unknown sheet": (lambda: edited(add_sheet), ("Sheet1", None, ""), "未知的工作表"),
    "blank header row": (lambda: edited(blank_header), ("项目", 1, ""), "缺少表头行"),
    "year as Chinese text": (lambda: edited(set_cell("资金与部门", "年度", 2, "二〇二二")), ("资金与部门", 2, "年度"), "应为整数"),
    "non-numeric amount": (lambda: edited(set_cell("项目", "全年预算数", 2, "十六万")), ("项目", 2, "全年预算数"), "应为金额"),
    "negative amount": (lambda: edited(set_cell("项目", "全年执行数", 3, -90.43)), ("项目", 3, "全年执行数"), "不能为负数"),
    "amount too large": (lambda: edited(set_cell("项目", "全年预算数", 4, 1e13)), ("项目", 4, "全年预算数"), "金额过大"),
    "percent typed in an amount": (lambda: edited(set_cell("项目", "财政拨款", 2, "16%")), ("项目", 2, "财政拨款"), "应为金额"),
    "rate typed as 94.65": (lambda: edited(set_cell("项目", "报告执行率", 2, 94.65)), ("项目", 2, "报告执行率"), "比率应在"),
    "rate as text out of range": (lambda: edited(set_cell("执行进度", "报告执行率", 2, "993.6%")), ("执行进度", 2, "报告执行率"), "比率应在"),
    "score over 100": (lambda: edited(set_cell("项目", "报告得分", 2, 940)), ("项目", 2, "报告得分"), "分数应在"),
    "rating 优秀": (lambda: edited(set_cell("项目", "报告评级", 2, "优秀")), ("项目", 2, "报告评级"), "应为以下之一"),
    "impossible date": (lambda: edited(set_cell("执行进度", "截至日期", 2, "2022-13-01")), ("执行进度", 2, "截至日期"), "应为日期"),
    "unknown program kind": (lambda: edited(set_cell("资金与部门", "类型", 2, "专项资金")), ("资金与部门", 2, "类型"), "应为以下之一"),
    "unknown level1": (lambda: edited(set_cell("绩效指标", "一级指标", 2, "产出")), ("绩效指标", 2, "一级指标"), "应为以下之一"),
    "duplicate project id": (lambda: edited(duplicate_row("项目", 2)), ("项目", 11, "项目编号"), "重复"),
    "duplicate indicator key": (lambda: edited(duplicate_row("绩效指标", 2)), ("绩效指标", None, "序号"), "重复"),
    "unknown program reference": (lambda: edited(set_cell("项目", "资金/部门编号", 5, "LZ2099")), ("项目", 5, "资金/部门编号"), "不在“资金与部门”表中"),
    "unknown project reference": (lambda: edited(set_cell("绩效指标", "项目编号", 3, "LZ2022-P99")), ("绩效指标", 3, "项目编号"), "不在“项目”表中"),
    "unknown source reference": (lambda: edited(set_cell("资金与部门", "来源编号", 2, "XX")), ("资金与部门", 2, "来源编号"), "不在“来源”表中"),
    "empty required cell": (lambda: edited(set_cell("项目", "项目名称", 6, None)), ("项目", 6, "项目名称"), "必填单元格为空"),
    "whitespace-only required cell": (lambda: edited(set_cell("项目", "项目名称", 6, "   ")), ("项目", 6, "项目名称"), "必填单元格为空"),
    "merged cells in the data area": (lambda: edited(merge_data), ("项目", 3, "C3:C4"), "合并单元格"),
    "formula without cached value": (lambda: edited(set_cell("项目", "全年预算数", 2, "=8*2")), ("项目", 2, "G2"), "没有计算结果"),
    "formula with cached value": (formula_with_cached_value, ("项目", 2, "G2"), "含公式"),
    "error value in an optional cell": (error_value("备注", 3, "#N/A"), ("项目", 3, "R3"), "错误值 #N/A"),
    "error value in an amount": (error_value("全年执行数", 4, "#REF!"), ("项目", 4, "I4"), "错误值 #REF!"),
    "hidden sheet": (lambda: edited(hide("项目")), ("项目", None, ""), "隐藏"),
    "empty file": (lambda: b"", None, "文件为空"),
    "csv renamed to xlsx": (lambda: "项目编号,全年预算数\nLZ2022-P01,16\n".encode(), None, "不是有效的 .xlsx"),
    "truncated xlsx": (lambda: LANZHOU[: len(LANZHOU) // 2], None, "不是有效的 .xlsx"),
    "zip that is not a workbook": (lambda: _docx_like(), None, "无法读取Word 文件"),
    "zip bomb": (zip_bomb, None, "压缩炸弹"),
    "password-protected": (encrypted, None, "密码"),
    "over the size cap": (lambda: LANZHOU + b"\0" * (51 * 1024 * 1024), None, "上限"),
}


def _docx_like() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<document/>")
    return buf.getvalue()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_workbook_is_rejected_and_store_unchanged(store, case):
    factory, where, problem = CASES[case]
    data = factory()
    before = store.content_checksum()
    version = store.version_id()
    with pytest.raises(ImportRejected) as rejected:
        store.import_files([(f"{case}.xlsx", data)], user="分析员")
    findings = rejected.value.findings
    assert store.content_checksum() == before
    assert store.version_id() == version
    assert all(f.problem and f.problem_en for f in findings)
    matching = [f for f in findings if problem in f.problem]
    assert matching, "\n".join(map(str, findings))
    f = matching[0]
    assert f.file == f"{case}.xlsx"
    if where is None:  # file level: one clear message, no cell
        assert (f.sheet, f.row, f.column) == ("", None, "")
    else:
        sheet, row, column = where
        assert f.sheet == sheet
        if row is not None:
            assert f.row == row
        assert column in f.column
