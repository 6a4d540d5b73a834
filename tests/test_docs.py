"""README, docs/ and the shipped template stay in step with the code."""

import importlib.util
import re
from pathlib import Path

import openpyxl

from lib.intake import workbook_spec as spec
from lib.store import VIEWS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# What a run makes, not the repository: named in the documents, absent from a fresh clone.
MADE_BY_RUNNING = ("var/", "bench/out/", "tests/artifacts/", "config/users.toml", ".streamlit/secrets.toml")


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


def test_the_format_documents_every_sheet_column_and_view():
    for sheet in spec.SHEETS:
        assert f"#### {sheet.name}（`{sheet.table}`）" in FORMAT, sheet.name
        for col in sheet.columns:
            assert f"| {col.header} | `{col.name}` |" in FORMAT, f"{sheet.name}.{col.name}"
    for view in VIEWS:
        assert f"| `{view}` |" in FORMAT, view


def test_readme_is_read_in_five_minutes():
    assert len(README.splitlines()) < 250
    for doc in ("user-guide", "format", "audit", "deploy", "performance", "architecture"):
        assert f"(docs/{doc}.md)" in README, doc


def _links(text: str) -> list[str]:
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:|#", t)]


def _repo_paths(text: str) -> list[str]:
    """Paths of the repository a document names in code: `lib/store/schema.sql`, python bench/run.py."""
    found = []
    for span in re.findall(r"`([^`\n]+)`", text) + re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        found += re.findall(r"(?<![\w./-])((?:lib|pages|bench|tests|data|docs|config|assets|\.ci|\.streamlit)"
                            r"/[\w./-]*[\w/]|(?:app|serve)\.py)(?![\w/-])", span)
    return found


def _python_modules(text: str) -> list[str]:
    return re.findall(r"python3? -m ([\w.]+)", text)


def test_every_link_path_and_command_in_the_documents_exists():
    missing = []
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        for link in _links(text):
            if not (doc.parent / link.split("#")[0]).exists():
                missing.append(f"{doc.name}: link {link}")
        for path in _repo_paths(text):
            if path.startswith(MADE_BY_RUNNING) or "*" in path or "<" in path:
                continue
            if not (ROOT / path.rstrip("/")).exists():
                missing.append(f"{doc.name}: path {path}")
        for module in _python_modules(text):
            if module not in ("venv",) and importlib.util.find_spec(module) is None:
                missing.append(f"{doc.name}: python -m {module}")
    assert missing == []


def test_the_checks_see_what_they_check():
    text = "see [the guide](docs/user-guide.md) and `lib/ui/fmt.py`; run `python -m lib.nothing`"
    assert _links(text) == ["docs/user-guide.md"]
    assert _repo_paths(text) == ["lib/ui/fmt.py"]
    assert _python_modules(text) == ["lib.nothing"]
    assert not (ROOT / "lib/ui/fmt.py").exists() and importlib.util.find_spec("lib.nothing") is None


def test_documents_name_no_issue_and_nothing_outside_the_repository():
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"\b[Ii]ssues? \d+|#\d+\b", text), doc.name
        assert "../" not in text, doc.name


def test_shipped_template_matches_the_format():
    book = openpyxl.load_workbook(ROOT / "data" / "template.xlsx", read_only=True)
    for sheet in spec.SHEETS:
        header = next(book[sheet.name].iter_rows(max_row=1, values_only=True))
        assert list(header) == [c.header for c in sheet.columns], sheet.name
        assert book[sheet.name].max_row in (1, None)
