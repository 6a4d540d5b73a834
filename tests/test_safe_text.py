"""Data text is never markup (issue 11, part 1).

Workbooks come from subordinate units: a project name such as ``![x](http://…/beacon.png)``
drawn as an image makes every leader's browser ask that host for it. A workbook here has
Markdown, HTML, a ``javascript:`` link, images, Streamlit colour directives, emoji and icon
shortcodes, LaTeX, autolinks, block markers and formula starts (= + - @) in every free-text
column; every page is run with AppTest and each text element that shows planted text must show
it literally: the visible text (CommonMark's backslash escapes resolved) equals the planted text,
and inside it no character that opens markup is left unescaped. Charts must carry it with
< > & as entities; the sidebar's choice lists (plain text in Streamlit) carry it unchanged;
exports and the official forms keep formula starts as text.

The browser's view of the same data is tests/test_browser.py::test_planted_markup_stays_text.
"""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile

import openpyxl
import pytest
from conftest import ROOT, figure_strings, make_workbook, minimal_dataset, page_parts

from lib.store import Store
from lib.ui.sections import query as part_query

HOST = "evil.test"
WORD_JOINER = "\u2060"
# Enumerated columns: the importer accepts only their listed values, so nothing can be planted.
ENUM_COLUMNS = {("programs", "program_kind"), ("projects", "stated_rating"), ("indicators", "level1"),
                ("score_parts", "part"), ("stated_figures", "aggregate")}
# Keys: planted the same way wherever they appear, so the records still refer to each other.
KEY_COLUMNS = {"source_id", "program_id", "project_id"}
# Formula starts (a spreadsheet would run the cell) on a few cells.
LEADS = {("projects", "project_name", 1): "=", ("projects", "improvement", 0): "+",
         ("objectives", "expected", 0): "-", ("indicators", "deviation_reason", 3): "@"}
# Block markers at line starts (a list, a heading, an ordered list, a setext underline).
BLOCKS = {("objectives", "actual_text", 0): "- 列表项\n# 标题\n1. 第一条\n---\n"}


def hostile(original: str, tag: str, n: int, lead: str = "") -> str:
    return (f"{lead}{original}〔{tag}〕 ![x](http://{HOST}/{n}.png) <img src=\"http://{HOST}/{n}i.png\"> "
            f"[点我](javascript:alert({n})) <a href=\"http://{HOST}/{n}a\">链</a> :red[红字] "
            f":blue-background[底色] **粗** _斜_ ~~删~~ `码` $x^2$ $$y$$ :smile: :material/home: :streamlit: "
            f"&lt;b&gt; a -> b >= c www.{HOST}/{n}w m{n}@{HOST}")


def hostile_dataset() -> tuple[dict, dict[str, str]]:
    """minimal_dataset with every free-text cell planted; returns (tables, tag -> planted text)."""
    tables = copy.deepcopy(minimal_dataset())
    plants: dict[str, str] = {}
    keys: dict[str, str] = {}
    for table, rows in tables.items():
        for i, row in enumerate(rows):
            for column, value in list(row.items()):
                if not isinstance(value, str) or (table, column) in ENUM_COLUMNS:
                    continue
                if column in KEY_COLUMNS:
                    if value not in keys:
                        keys[value] = hostile(value, f"key {value}", len(plants))
                        plants[f"key {value}"] = keys[value]
                    row[column] = keys[value]
                    continue
                tag = f"{table}.{column}.{i}"
                planted = BLOCKS.get((table, column, i), "") + hostile(
                    value, tag, len(plants), LEADS.get((table, column, i), ""))
                plants[tag] = row[column] = planted
    return tables, plants


TABLES, PLANTS = hostile_dataset()
FILE_NAME = "〔file〕![f](http://evil.test/file.png) <b>粗</b> :red[x].xlsx"
PLANTS["file"] = FILE_NAME
KEY_OF = {t: PLANTS[f"key {t}"] for t in ("P1", "PJ1", "PJ2", "S1")}


def planted_workbook(folder) -> bytes:
    """The planted tables as a real .xlsx; a text starting with = is a text cell, as a unit's
    workbook would hold it (openpyxl would otherwise write it as a formula)."""
    book = openpyxl.load_workbook(make_workbook(folder, TABLES))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module", autouse=True)
def hostile_db(tmp_path_factory):
    import streamlit as st

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.duckdb"
    store = Store(path)
    store.import_files([(FILE_NAME, planted_workbook(folder))], user="**审核员** ![u](http://evil.test/u.png)")
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(path))
    mp.setenv("JIXIAO_USERS", str(folder / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


# ------------------------------------------------------------- how Markdown shows a text

def _flat(text: str) -> str:
    return " ".join(text.replace(WORD_JOINER, "").split())


def visible(markdown: str) -> str:
    """What CommonMark shows of text whose markup is escaped: a backslash before ASCII
    punctuation is dropped; the invisible word joiner and line breaks do not show."""
    return _flat(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown))


UNSAFE_ANYWHERE = set("`*_~[]<>&|:$")  # open markup wherever they stand
BLOCK_START = re.compile(r"^(?:[-+*](?:\s|$)|#{1,6}(?:\s|$)|\d{1,9}[.)](?:\s|$)|[-=]+$)")


def planted_segment(markdown: str, planted: str) -> str | None:
    """The part of ``markdown`` that shows ``planted`` (escapes and word joiners allowed
    between its characters, any whitespace for its whitespace)."""
    parts = []
    for ch in _flat(planted):
        parts.append(r"\s+" if ch == " " else rf"{WORD_JOINER}?\\?{re.escape(ch)}{WORD_JOINER}?")
    found = re.search("".join(parts), markdown)
    return found[0] if found else None


def markup_left(segment: str) -> list[str]:
    """What in ``segment`` Streamlit's Markdown would still read as markup."""
    problems = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "\\":
            i += 2
            continue
        if ch in UNSAFE_ANYWHERE:
            problems.append(f"unescaped {ch!r} at {i}: …{segment[max(0, i - 15):i + 15]}…")
        i += 1
    for line in segment.split("\n"):
        if BLOCK_START.match(line.strip()):
            problems.append(f"a line starts a block: {line.strip()[:30]!r}")
    for match in re.finditer(r"https?://|www\.", segment.replace("\\", "")):
        before = segment.replace("\\", "")[max(0, match.start() - 1):match.start()]
        if before != WORD_JOINER:
            problems.append(f"autolink {match[0]!r} not held back")
    for match in re.finditer(r"@", segment):
        if segment[match.end():match.end() + 1] != WORD_JOINER:
            problems.append("e-mail autolink not held back")
    for match in re.finditer(r":(material|streamlit)", segment.replace("\\", ""), re.IGNORECASE):
        problems.append(f"shortcode :{match[1]} not held back")  # Streamlit's icon and logo
    if re.search(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", segment.replace("\\", "")):
        problems.append("an arrow or sign Streamlit would rewrite")
    return problems


def markdown_texts(at) -> list[tuple[str, str]]:
    """(where, Markdown source) of every element and label Streamlit renders as Markdown."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                 "success", "toast"):
        out += [(kind, e.value) for e in at.get(kind)]
    out += [("expander", e.label) for e in at.expander]
    out += [("tab", e.label) for e in at.tabs]
    out += [("progress", e.proto.text) for e in at.progress]
    # a sidebar filter's button: the chosen name, cut to fit, with the whole name on hover
    out += [("popover help", e.proto.popover.help) for e in at.get("popover")]
    for kind in ("metric", "selectbox", "multiselect", "text_input", "button", "checkbox", "download_button",
                 "file_uploader", "slider"):
        for e in at.get(kind):
            out += [(f"{kind} label", e.proto.label), (f"{kind} help", getattr(e.proto, "help", ""))]
    return [(where, text) for where, text in out if text]


def assert_literal(at, page: str, expected: set[str]) -> None:
    """``at``: one run, or a list of runs (a page's parts) whose texts together show ``expected``."""
    seen: set[str] = set()
    for where, text in [t for one in (at if isinstance(at, list) else [at]) for t in markdown_texts(one)]:
        shown = visible(text)
        for tag, planted in PLANTS.items():
            if f"〔{tag}〕" not in shown:
                continue
            assert _flat(planted) in shown, (page, where, tag, text)
            segment = planted_segment(text, planted)
            assert segment is not None, (page, where, tag, text)
            assert not markup_left(segment), (page, where, tag, markup_left(segment))
            seen.add(tag)
    assert expected <= seen, (page, sorted(expected - seen))


def chart_strings(at) -> list[str]:
    return [text for chart in at.get("plotly_chart") for text in figure_strings(chart)]


def assert_chart_text(at, page: str, expected: set[str]) -> None:
    """Plotly reads <b>, <a href>, <br> and entities in text: data text carries & < > as
    entities, and shows (unescaped) exactly as planted."""
    seen: set[str] = set()
    for text in [t for one in (at if isinstance(at, list) else [at]) for t in chart_strings(one)]:
        tags = [tag for tag in PLANTS if f"〔{tag}〕" in text]
        if not tags:
            continue
        assert "<" not in text and ">" not in text, (page, text)
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), (page, text)
        for tag in tags:
            assert _flat(PLANTS[tag]) in _flat(html.unescape(text)), (page, tag, text)
            seen.add(tag)
    assert expected <= seen, (page, sorted(expected - seen))


def run_parts(page: str, **query) -> list:
    """The page once per part (lib/ui/sections.py): the planted texts may be in any of them."""
    return [run(page, **query, **part_query(page, part)) for part in page_parts(page)] or [run(page, **query)]


def run(page: str, **query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# The planted texts each page must show (beyond the file name in the version line on every page).
PAGE_TEXTS = {
    "overview": {"programs.program_name.0", "execution.region.0", "projects.project_name.0",
                 "projects.project_name.1"},
    "funding": {"allocations.fund_source.0", "allocations.fund_source.1", "projects.project_name.0"},
    "execution": {"programs.program_name.0"},
    "indicators": set(),
    "deviations": {"indicators.level3.3", "indicators.deviation_reason.3", "projects.deviation_reason.0",
                   "projects.improvement.0", "projects.project_name.0", "indicators.source_ref.3"},
    "reports": {"programs.program_name.0", "objectives.label.0", "objectives.expected.0",
                "objectives.actual_text.0", "objectives.source_ref.0",
                "projects.project_name.0", "projects.project_name.1", "projects.deviation_reason.0",
                "projects.improvement.0"},
    "audit": set(),
    "data": set(),
}
CHART_TEXTS = {
    "funding": {"allocations.region.0", "allocations.region.3", "allocations.fund_source.0",
                "projects.project_name.0", "projects.project_name.1"},
    "execution": {"execution.region.0", "projects.project_name.0", "progress.region.0",
                  "progress.measure.0", "progress.subject.0"},
}


@pytest.mark.parametrize("page", list(PAGE_TEXTS))
def test_planted_markup_arrives_literally_on_every_page(page):
    parts = run_parts(page)
    assert_literal(parts, page, PAGE_TEXTS[page] | {"file"})
    assert_chart_text(parts, page, CHART_TEXTS.get(page, set()))
    # the sidebar's choice lists are plain text in Streamlit: the names arrive unchanged
    program = parts[0].selectbox(key="filter_program")
    assert PLANTS["programs.program_name.0"] in program.options
    assert not [o for o in program.options if "\\" in o]


def test_one_program_and_project_selected_through_the_url():
    at = run("deviations", program=KEY_OF["P1"], project=KEY_OF["PJ1"])
    assert at.selectbox(key="filter_project").value == KEY_OF["PJ1"]
    assert_literal(at, "deviations", {"projects.deviation_reason.0", "indicators.deviation_reason.3",
                                      "programs.program_name.0", "projects.project_name.0"})
    # the filters' buttons name the chosen program and project, cut to fit and escaped all the same
    chips = [e.proto.popover.label for e in at.get("popover")]
    for field, tag in (("资金/部门：", "programs.program_name.0"), ("项目：", "projects.project_name.0")):
        chip = next(visible(c) for c in chips if visible(c).startswith(field))
        assert _flat(PLANTS[tag]).startswith(chip.removeprefix(field).removesuffix("…")), (chip, tag)
    assert not [markup_left(c) for c in chips if markup_left(c)], chips


def test_upload_preview_names_the_programs_literally(tmp_path):
    at = run("data")
    at.get("file_uploader")[0].upload(FILE_NAME, planted_workbook(tmp_path)).run()
    assert not at.exception
    assert any("将整体替换" in m.value for m in at.markdown)
    assert_literal(at, "data", {"programs.program_name.0", "key P1", "file"})


def signed_in(tmp_path, monkeypatch, users: str, username: str, password: str):
    """The app signed in as ``username`` of the users file ``users`` (its TOML text)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "users.toml"
    path.write_text(users, encoding="utf-8")
    monkeypatch.setenv("JIXIAO_USERS", str(path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_signed_in_user_name_is_text(tmp_path, monkeypatch):
    from lib.access.auth import hash_password

    name = "**局领导** ![u](http://evil.test/user.png) :red[红]"
    at = signed_in(tmp_path, monkeypatch, f'[users.leader]\nname = "{name}"\nrole = "viewer"\n'
                   f'password_hash = "{hash_password("view-pass", iterations=1000)}"\n', "leader", "view-pass")
    sidebar = [m.value for m in at.sidebar.markdown if "局领导" in m.value]
    assert sidebar and _flat(name) in visible(sidebar[0])
    segment = planted_segment(sidebar[0], name)
    assert segment is not None and not markup_left(segment), sidebar[0]


ADMIN_NAME = "**管理员**〔admin〕 ![a](http://evil.test/admin.png) <img src=\"http://evil.test/ai.png\"> :red[红] $x$"


def test_admin_page_shows_names_scopes_and_log_details_literally(hostile_db, tmp_path, monkeypatch):
    """用户与日志 after the planted upload: the admin's name, a user whose scope names the planted
    department, region and program, the upload's file name and an export's filters in the log."""
    import json

    from lib.access.auth import hash_password
    from lib.store import accounts

    department, region = PLANTS["programs.department.0"], PLANTS["allocations.region.0"]

    def toml(value: str) -> str:  # a TOML basic string (JSON's escapes are TOML's)
        return json.dumps(value, ensure_ascii=False)

    users = (
        f'[users.planted_admin]\nname = {toml(ADMIN_NAME)}\nrole = "admin"\n'
        f'password_hash = "{hash_password("root-pass", iterations=1000)}"\n'
        f'[users.planted_unit]\nname = "单位用户"\nrole = "viewer"\ndepartments = [{toml(department)}]\n'
        f'regions = [{toml(region)}]\nprograms = [{toml(KEY_OF["P1"])}]\n'
        f'password_hash = "{hash_password("unit-pass", iterations=1000)}"\n')
    store = Store(hostile_db)
    try:
        accounts.log_export(store, "planted_admin", "v_projects", "项目.csv",
                            {"program_id": KEY_OF["P1"], "region": region}, rows=2)
    finally:
        store.close()
    at = signed_in(tmp_path, monkeypatch, users, "planted_admin", "root-pass")
    at.switch_page("pages/admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "用户与日志"
    # Markdown: the admin's name in the sidebar, escaped
    named = [text for _, text in markdown_texts(at) if "〔admin〕" in visible(text)]
    assert named and all(_flat(ADMIN_NAME) in visible(t) for t in named)
    assert all(not markup_left(planted_segment(t, ADMIN_NAME)) for t in named), named
    # tables and choice lists are plain text: the planted texts arrive unchanged, no escapes added
    cells = [str(v) for d in at.dataframe for c in d.value.columns for v in d.value[c]]
    users_table = next(d.value for d in at.dataframe if "范围" in d.value.columns).set_index("用户名")
    assert users_table.loc["planted_admin", "姓名"] == ADMIN_NAME
    scope = users_table.loc["planted_unit", "范围"]
    assert department in scope and region in scope and KEY_OF["P1"] in scope
    log = next(d.value for d in at.dataframe if "详情" in d.value.columns)
    upload = log[log["操作"] == "上传导入"]["详情"].iloc[0]
    assert FILE_NAME in upload and KEY_OF["P1"] in upload
    export = log[log["操作"] == "导出"]["详情"].iloc[0]
    assert KEY_OF["P1"] in export and region in export and "\\" not in export
    assert not [c for c in cells if "\\" in c]
    options = {o for e in at.get("multiselect") for o in e.options}
    assert {department, region} <= options
    assert any(PLANTS["programs.program_name.0"] in o for o in options)
    assert not [o for o in options if "\\" in o]


# ------------------------------------------------------------- the helper itself

@pytest.mark.parametrize("text", [
    "![x](http://evil.test/b.png)", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))",
    ":red[红] :blue-background[底] :small[小] :material/home: :smile:", "$x^2$ 与 $$y$$", "**粗** _斜_ ~~删~~",
    "`码` ``双``", "&lt;b&gt; &amp; &#60;", ":streamlit: 与 :material/home:", "a -> b <- c <-> d -- e >= f <= g ~= h", "a|b\n-|-", "- 列表\n+ 列表\n* 列表", "# 标题\n###### 六级",
    "1. 第一\n2) 第二", "标题\n===", "标题\n---", "    缩进\n\n    代码", "> 引用", "http://evil.test www.evil.test",
    "a@evil.test", "\\*反斜杠\\*", "3,011.00 万元 94.65% (2023) {注} 完成!",
])
def test_md_text_shows_the_text_and_leaves_no_markup(text):
    from lib.ui.safe import md_text

    out = md_text(text)
    assert visible(out) == _flat(text)
    assert not markup_left(out), markup_left(out)


def test_figures_and_ordinary_punctuation_stay_readable():
    from lib.ui.safe import md, md_text

    assert md_text("3,011.00 万元 · 94.65% (2023) -5 #3") == "3,011.00 万元 · 94.65% (2023) -5 #3"
    assert md("**{}** 执行率 {:.1%}，共 {:,} 项", "a*b", 0.5, 12345) == "**a\\*b** 执行率 50.0%，共 12,345 项"


def test_md_puts_markdown_in_as_is_and_missing_values_as_a_dash():
    from lib.ui.safe import md, md_join

    inner = md("**{}**", "[x]")
    assert md("{} · {}", inner, "<b>") == "**\\[x\\]** · \\<b\\>"
    assert md("说明：{}", None) == "说明：—" and md("说明：{}", float("nan")) == "说明：—"
    assert md_join("、", ["a_b", md("*{}*", "c")]) == "a\\_b、*c*"


def test_md_code_cannot_be_closed_by_the_text():
    from lib.ui.safe import md_code

    assert md_code("python -m lib.cli export x") == "`python -m lib.cli export x`"
    assert md_code("a `b` c") == "``a `b` c``"
    assert md_code("`x`") == "`` `x` ``"


def test_plot_text_writes_html_as_entities():
    from lib.ui.safe import plot_text

    assert plot_text("<b>粗</b> & <a href='x'>") == "&lt;b&gt;粗&lt;/b&gt; &amp; &lt;a href='x'&gt;"
    assert plot_text(None) == "—"


# ------------------------------------------------------------- files written from planted data

def _sheet_xml(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]


def _formula_free(data: bytes) -> list[str]:
    """Every text cell of an xlsx starting with = + - @ (none may be a formula cell)."""
    assert all(b"<f>" not in xml and b"<f " not in xml for xml in _sheet_xml(data))
    book = openpyxl.load_workbook(io.BytesIO(data))
    starts = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    starts.append(cell.value)
    return starts


# record -> the planted texts starting with = + - @ its form carries (project forms and the
# transfer program's region form)
FORM_STARTS = {"PJ2": {"projects.project_name.1"},
               "PJ1": {"indicators.deviation_reason.3", "projects.improvement.0"},
               "P1": {"objectives.actual_text.0"}}


@pytest.mark.parametrize("record", list(FORM_STARTS))
def test_official_forms_keep_formula_starts_as_text(hostile_db, record):
    from lib.outputs import forms

    store = Store(hostile_db)
    try:
        data = forms.write_form(store, KEY_OF[record])
    finally:
        store.close()
    assert set(_formula_free(data)) == {PLANTS[tag] for tag in FORM_STARTS[record]}


def test_exports_neutralize_formula_starts(hostile_db):
    from lib.outputs import export

    store = Store(hostile_db)
    try:
        projects = store.read("v_projects")
        indicators = store.read("v_indicators")
    finally:
        store.close()
    csv = export.to_csv_bytes(projects, "v_projects").decode("utf-8-sig")
    assert "'" + PLANTS["projects.project_name.1"].split('"')[0] in csv
    assert "\n=" not in csv and ",=" not in csv and ",+" not in csv
    data = export.to_xlsx_bytes(indicators, "v_indicators")
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + PLANTS["indicators.deviation_reason.3"] in values
    assert not [v for v in values if v[:1] in "=+-@"]
    _formula_free(data)
