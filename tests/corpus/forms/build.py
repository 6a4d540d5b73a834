"""Write each corpus form (tests/corpus/forms/<key>.json) as the agency's layout in .xlsx and .docx.

The JSON holds the grid as transcribed ("<" continues the cell on the left, "^" the cell above,
null is empty); the source address goes into the files' properties (xlsx: description, docx:
comments) so a file keeps saying where it came from. Run: python tests/corpus/forms/build.py
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import docx
import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for form_corpus

from form_corpus import Sheet, docx_bytes, xlsx  # noqa: E402


def sheets_of(form: dict) -> list[Sheet]:
    out = []
    for s in form["sheets"]:
        fmt = {tuple(int(x) for x in k.split(",")): v for k, v in (s.get("fmt") or {}).items()}
        out.append(Sheet(s["title"], s["rows"], fmt))
    return out


def build(path: Path) -> tuple[bytes, bytes]:
    form = json.loads(path.read_text(encoding="utf-8"))
    sheets = sheets_of(form)
    origin = f"{form['source_url']} {form.get('title', '')}".strip()
    book = openpyxl.load_workbook(io.BytesIO(xlsx(*sheets)))
    book.properties.description = origin
    book.properties.title = form.get("title", "")
    out_x = io.BytesIO()
    book.save(out_x)
    document = docx.Document(io.BytesIO(docx_bytes(*sheets)))
    document.core_properties.comments = origin
    document.core_properties.title = form.get("title", "")
    out_d = io.BytesIO()
    document.save(out_d)
    return out_x.getvalue(), out_d.getvalue()


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(HERE.glob("*.json"))
    for path in paths:
        x, d = build(path)
        path.with_suffix(".xlsx").write_bytes(x)
        path.with_suffix(".docx").write_bytes(d)
        print(f"{path.stem}: .xlsx {len(x):,} B, .docx {len(d):,} B")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
