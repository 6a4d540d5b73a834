"""README and the shipped template stay in step with the code."""

import re
from pathlib import Path

import openpyxl

from lib.intake import workbook_spec as spec
from lib.store import VIEWS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_install_and_run_then_test_command():
    blocks = re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)
    # both make and use the project's virtual environment: a stock Debian python3 refuses pip (PEP 668)
    assert blocks[0].startswith("python3 -m venv .venv && ")
    assert ".venv/bin/pip install -r requirements.txt" in blocks[0]
    assert blocks[0].endswith(".venv/bin/python -m streamlit run serve.py")
    assert blocks[1].startswith("python3 -m venv .venv && ") and blocks[1].endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.findall(r"```bash\n(.+?)\n```", README, flags=re.S)[1].strip()
    assert test_command in ci.splitlines()


def test_readme_documents_every_sheet_column_and_view():
    for sheet in spec.SHEETS:
        assert f"#### {sheet.name}（`{sheet.table}`）" in README, sheet.name
        for col in sheet.columns:
            assert f"| {col.header} | `{col.name}` |" in README, f"{sheet.name}.{col.name}"
    for view in VIEWS:
        assert f"| `{view}` |" in README, view


def test_shipped_template_matches_the_format():
    book = openpyxl.load_workbook(ROOT / "data" / "template.xlsx", read_only=True)
    for sheet in spec.SHEETS:
        header = next(book[sheet.name].iter_rows(max_row=1, values_only=True))
        assert list(header) == [c.header for c in sheet.columns], sheet.name
        assert book[sheet.name].max_row in (1, None)
