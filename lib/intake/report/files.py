"""Report files → text: .txt (UTF-8 or GB18030), .docx (python-docx), .pdf (pypdf, text-based PDFs).

A scanned PDF has no text layer: it is refused with a message saying so, never read as empty.
"""

from __future__ import annotations

import io
from pathlib import Path

SUFFIXES = (".txt", ".docx", ".pdf")
MAX_BYTES = 50 * 1024 * 1024


class ReportFileError(ValueError):
    """A report file that cannot be read; ``zh`` and ``en`` say why."""

    def __init__(self, name: str, zh: str, en: str):
        super().__init__(f"{name}：{zh} ({en})")
        self.name, self.zh, self.en = name, zh, en


def read_text(name: str, data: bytes) -> str:
    """The text of a report file.

    Args:
        name: the file name (its suffix says the format).
        data: the file's bytes.
    Returns:
        The text, paragraphs separated by newlines.
    Raises:
        ReportFileError: unknown format, too large, unreadable, or no text in it.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportFileError(name, "只能读取 .txt、.docx 或 .pdf 报告", "only .txt, .docx or .pdf reports")
    if len(data) > MAX_BYTES:
        raise ReportFileError(name, "文件超过 50 MB", "file larger than 50 MB")
    try:
        if suffix == ".txt":
            text = _txt(data)
        elif suffix == ".docx":
            text = _docx(data)
        else:
            text = _pdf(data)
    except ReportFileError:
        raise
    except Exception as exc:  # a damaged or mislabelled file: say which and why
        raise ReportFileError(
            name, f"无法读取文件（{type(exc).__name__}）", f"cannot read the file: {exc}"
        ) from exc
    if not text.strip():
        hint = "，可能是扫描件（没有文字层）" if suffix == ".pdf" else ""
        raise ReportFileError(
            name, f"文件中没有文字{hint}", "no text in the file (a scanned PDF has no text layer)"
        )
    return text


def _txt(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportFileError("", "文本编码无法识别（应为 UTF-8 或 GB18030）", "unknown text encoding")


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                # a merged cell appears once per grid column it spans: keep it once, by the cell
                # itself — two cells that happen to hold the same figure (budget 80, executed 80) stay two
                cells = [c.text.strip() for c in _distinct(row.cells)]
                lines.append("，".join(c for c in cells if c) + "。")
    return "\n".join(lines)


def _distinct(cells) -> list:
    out, seen = [], set()
    for c in cells:
        if id(c._tc) in seen:
            continue
        seen.add(id(c._tc))
        out.append(c)
    return out


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ReportFileError("", "PDF 有密码保护", "the PDF is password-protected")
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)
