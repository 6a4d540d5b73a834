"""End to end in Debian Chromium: what only a browser shows.

Starts the real app (`streamlit run app.py`) on a loopback port with its own database, opens
every page, checks that Chinese text and figures render without an exception, saves
screenshots to tests/artifacts/, follows a bookmarked filter URL and downloads a table.

Needs /usr/bin/chromium and CJK fonts (`apt-get install chromium fonts-noto-cjk`). Skipped
where Chromium is missing, except under CI, where a missing browser is a failure.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from browser import ARTIFACTS, ROOT, app_server, free_port, require_chromium, settle

# The default page lives at "/" (Streamlit ignores url_path for it).
PAGES = {"": "总览", "funding": "资金分配", "execution": "执行率", "indicators": "绩效指标",
         "deviations": "偏差分析", "reports": "报告详情", "audit": "核查", "data": "数据管理"}

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import expect  # noqa: E402

# The names other browser test files import from here (their fixtures now live in conftest.py and
# their helpers in tests/browser.py)
_free_port, _settle = free_port, settle


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_server({"JIXIAO_DB": str(tmp_path_factory.mktemp("browser") / "app.duckdb")}) as base:
        yield base


@pytest.fixture
def own_server(tmp_path):
    """A server with its own database, for a test that changes the data."""
    yield from _serve(tmp_path / "own.duckdb")


def _serve(db: Path, users: Path | None = None):
    """The app on a free loopback port with its own database (and users file: none by default)."""
    env = {"JIXIAO_DB": str(db)} | ({"JIXIAO_USERS": str(users)} if users else {})
    with app_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium):
    """conftest's ``chromium`` under the name the browser test files import from here."""
    return chromium


def test_every_page_renders_in_chromium(server, page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path, title in PAGES.items():
        page.goto(f"{server}/{path}")
        settle(page)
        expect(page.locator("h1").first).to_have_text(title)
        assert page.locator("[data-testid='stException']").count() == 0, path
        # the sidebar navigation and the shared filters are there on every page
        nav = page.locator("[data-testid='stSidebarNav']")
        for label in PAGES.values():
            expect(nav.get_by_text(label, exact=True)).to_be_visible()
        sidebar = page.locator("[data-testid='stSidebar']")
        for label in ("年度", "资金/部门", "地区", "项目"):  # each filter a button naming its choice
            expect(sidebar.get_by_role("button", name=f"{label}：全部")).to_be_visible()
        assert page.get_by_text("Page not found").count() == 0, path
        page.screenshot(path=str(ARTIFACTS / f"{path or 'overview'}.png"))


def test_charts_draw_with_chinese_labels(server, page):
    page.goto(f"{server}/funding")
    settle(page)
    chart = page.locator("[data-testid='stPlotlyChart']").first
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    assert chart.get_by_text("沈阳市").count() >= 1
    # money axis in 万元 with separators, not plotly's "3k"
    ticks = chart.locator(".ytick text").evaluate_all("els => els.map(e => e.textContent)")
    assert "4,000" in ticks and not any(t.endswith("k") for t in ticks)


def test_bookmarked_filter_url_opens_the_same_view(server, page):
    page.goto(f"{server}/funding?region=%E6%B2%88%E9%98%B3%E5%B8%82")  # region=沈阳市
    settle(page)
    metric = page.locator("[data-testid='stMetric']").first
    expect(metric).to_contain_text("分配合计（万元）")
    expect(metric).to_contain_text("3,011.00")
    assert "region=" in page.url


def test_download_csv_of_the_shown_table(server, page, tmp_path):
    page.goto(f"{server}/?program=LZ2022-YJJ&overview_view=" + quote("项目一览"))  # the projects table
    settle(page)
    button = page.get_by_role("button", name="下载 CSV").last
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("项目名称,全年预算数（万元）")
    assert "档案整理专项,16.0" in text
    assert info.value.suggested_filename.endswith(".csv")



def test_filtered_funding_pivot_downloads_with_its_screen_headers(server, page, tmp_path):
    """The per-region table's fund-source columns are data (中央补助, 地方资金): the csv heads them as
    the screen does, with the unit, and holds only the filtered year's rows."""
    page.goto(f"{server}/funding?year=2023&funding_view=" + quote("分地区分来源汇总"))
    settle(page)
    button = page.get_by_role("button", name="下载 CSV").first
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "资金/部门名称,地区,中央补助（万元）,地方资金（万元）,合计（万元）"
    assert len(lines) == 1 + 5 and any(",葫芦岛市,1500.0,2766.0,4266.0" in line for line in lines)


def test_upload_preview_commit_and_rollback(own_server, page, tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(ROOT / "data" / "lanzhou_2022_emergency.xlsx")
    ws = book["项目"]
    ws.cell(row=2, column=[c.value for c in ws[1]].index("全年预算数") + 1).value = 17
    changed = tmp_path / "lanzhou_v2.xlsx"
    book.save(changed)

    page.goto(f"{own_server}/data")
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(changed))
    expect(page.get_by_text("校验通过。提交前请核对以下变更。")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("项目：新增 0，修改 1，删除 0")).to_be_visible()
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("已提交，当前数据版本 v2")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "data_committed.png"))

    page.locator("[data-testid='stButtonGroup']").get_by_text("版本历史", exact=True).click()
    page.get_by_text("确认将数据恢复为 v1").click()
    page.get_by_role("button", name="回滚").click()
    expect(page.get_by_text("已恢复为 v1 的数据（新版本 v3）")).to_be_visible(timeout=60_000)


def test_download_excel_of_the_shown_table(server, page, tmp_path):
    import openpyxl

    page.goto(f"{server}/?program=LZ2022-YJJ&overview_view=" + quote("项目一览"))  # the projects table
    settle(page)
    button = page.get_by_role("button", name="下载 Excel").last
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet.cell(row=1, column=1).value == "项目名称"
    assert sheet.cell(row=2, column=1).value == "档案整理专项"
    assert sheet.cell(row=2, column=2).value == 16  # a number, not text
    info_sheet = book["导出说明"]
    values = {r[0].value: r[1].value for r in info_sheet.iter_rows(min_row=2)}
    assert values["筛选条件"] == "资金/部门：兰州新区应急管理局部门本级预算（LZ2022-YJJ）"
    assert values["行数"] == 9


def test_planted_markup_stays_text(tmp_path, page):
    """A workbook with Markdown, HTML, images, links, colour directives, LaTeX and shortcodes in
    every text column (tests/test_safe_text.py): on every page no <img>, <a>, styled span, maths
    or emphasis comes from it, the planted texts show literally, and no request leaves for the
    planted host."""
    from test_safe_text import FILE_NAME, HOST, PLANTS, WORD_JOINER, planted_workbook

    from lib.store import Store

    db = tmp_path / "planted.duckdb"
    store = Store(db)
    store.import_files([(FILE_NAME, planted_workbook(tmp_path))], user="分析员")
    store.close()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    def flat(text: str) -> str:
        return " ".join(text.replace(WORD_JOINER, "").split())

    shown = {"": ["programs.program_name.0"],
             "?overview_view=" + quote("等级与预警"): ["execution.region.0"],
             "funding": ["allocations.fund_source.0"], "execution": ["programs.program_name.0"],
             "deviations": ["indicators.deviation_reason.3", "projects.improvement.0"],
             "reports": ["programs.program_name.0", "objectives.expected.0"],
             "reports?reports_view=" + quote("项目自评情况"): ["projects.project_name.1"],
             "indicators": [], "audit": [], "data": []}
    with app_server({"JIXIAO_DB": str(db)}) as base:
        for path in shown:  # every page, and the parts that hold planted texts
            page.goto(f"{base}/{path}")
            settle(page)
            main = page.locator("[data-testid='stAppViewContainer']")
            assert page.locator("[data-testid='stException']").count() == 0, path
            assert main.locator("[data-testid='stMarkdownContainer'] img").count() == 0, path
            assert main.locator(f"img[src*='{HOST}']").count() == 0, path
            links = main.locator("a").evaluate_all(
                "els => els.map(a => a.getAttribute('href') || a.getAttribute('xlink:href') || '')")
            assert not [h for h in links if HOST in h or h.startswith(("javascript:", "mailto:"))], (path, links)
            assert main.locator(".katex").count() == 0, path
            # the app greys its own notes (the sidebar's subtitle, a card's source line); a planted
            # :red[红字] or :blue-background[底色] never colours anything
            coloured = main.locator("[class*='stMarkdownColored'], span[style*='color']").evaluate_all(
                "els => els.map(e => [e.textContent, getComputedStyle(e).color, e.style.backgroundColor])")
            assert not [c for c in coloured if c[0] in ("红字", "底色")], (path, coloured)
            marked = main.locator("[data-testid='stMarkdownContainer'] :is(strong, em, del, code)").evaluate_all(
                "els => els.map(e => e.textContent)")
            assert not [m for m in marked if m in ("粗", "斜", "删", "码", "红字", "底色")], (path, marked)
            text = flat(main.text_content())  # with closed expanders and tabs not chosen
            # a table's cells reach the page's text in the grid's accessible copy, written after
            # its canvas is there (settle waits for the canvas): read again until they come
            for _ in range(50):
                if all(flat(PLANTS[tag]) in text for tag in shown[path]):
                    break
                page.wait_for_timeout(200)
                text = flat(main.text_content())
            assert flat(FILE_NAME) in text, path  # the version line names the uploaded file
            for tag in shown[path]:  # whole, :material/home:, :streamlit:, "a -> b >= c" and all
                assert flat(PLANTS[tag]) in text, (path, tag)
            page.screenshot(path=str(ARTIFACTS / f"planted_{path.split('?')[0] or 'overview'}.png"))
        # select-box options are plain text in Streamlit: the name shows as it is, no backslashes
        page.goto(f"{base}/reports")
        settle(page)
        page.locator("[data-testid='stSidebar']").get_by_role("button", name="资金/部门：全部").click()
        page.locator("[data-testid='stPopoverBody'] [data-testid='stSelectbox']").click()
        options = page.locator("[role='option']")
        texts = options.evaluate_all("els => els.map(e => e.textContent)")
        assert flat(PLANTS["programs.program_name.0"]) in [flat(o) for o in texts], texts
        # chosen, the filter's button names it as text (cut to fit), and the page follows
        options.filter(has_text="〔programs.program_name.0〕").click()
        settle(page)
        chip = page.locator("[data-testid='stSidebar'] [data-testid='stPopoverButton']").filter(
            has_text="资金/部门：").filter(visible=True)
        name = flat(PLANTS["programs.program_name.0"])
        assert flat(chip.locator("[data-testid='stMarkdownContainer']").inner_text()).removeprefix("资金/部门：").removesuffix("…") == name[:15]
        assert chip.locator("img, strong, em, code, a").count() == 0
        assert "program=" in page.url
        page.keyboard.press("Escape")
        page.wait_for_timeout(1000)
        assert not [url for url in requests if HOST in url], requests


def test_a_page_address_opens_without_a_wrong_first_try_or_a_request_off_the_machine(server, page):
    """Opened at /funding, Streamlit's front end used to ask /funding/_stcore/health first (404,
    then a wait, streamlit/streamlit#7074), and the :material: page icon came from fonts.gstatic.com."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    for _ in range(2):  # a first visit and a reload
        page.goto(f"{server}/funding?region=%E6%B2%88%E9%98%B3%E5%B8%82")
        settle(page)
        expect(page.locator("h1").first).to_have_text("资金分配")
    assert f"{server}/_stcore/health" in asked
    assert not [u for u in asked if "/funding/_stcore/" in u], asked
    assert all(u.startswith((server, "data:", "blob:")) for u in asked), [u for u in asked if not u.startswith(server)]
    assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{server}/"


def test_behind_a_base_path_the_page_names_the_server_under_it(tmp_path, page):
    """Behind a proxy under /jixiao (server.baseUrlPath), the address written into the page is the
    server's with its path, and a page address opens without the wrong first try."""
    env = {"JIXIAO_DB": str(tmp_path / "base.duckdb"), "STREAMLIT_SERVER_BASE_URL_PATH": "jixiao"}
    with app_server(env) as base:
        assert base.endswith("/jixiao")
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{base}/funding")
        settle(page)
        expect(page.locator("h1").first).to_have_text("资金分配")
        assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{base}/"
        assert [u for u in asked if u.endswith("_stcore/health")] == [f"{base}/_stcore/health"]


def test_a_chosen_part_is_in_the_address_and_draws_its_chart(server, page):
    page.goto(f"{server}/funding")
    settle(page)
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1  # only the first part is drawn
    page.locator("[data-testid='stButtonGroup']").get_by_text("资金构成", exact=True).click()
    settle(page)
    expect(page.locator("[data-testid='stPlotlyChart'] svg.main-svg").first).to_be_visible()
    expect(page.get_by_text("资金构成：资金 → 地区 → 来源")).to_be_visible()
    assert "funding_view=" in page.url
    page.reload()  # a bookmark of it opens on the same part
    settle(page)
    expect(page.get_by_text("资金构成：资金 → 地区 → 来源")).to_be_visible()


def test_files_left_for_another_part_are_named_on_the_way_back(own_server, page, tmp_path):
    """A part not shown is not drawn, so the browser's uploader forgets its files when the reader
    looks at 版本历史 and comes back: the upload part names them and says nothing was written,
    rather than show an empty uploader as if nothing had been chosen (AppTest keeps the files, so
    this is tested here)."""
    from test_data_page import lanzhou_with

    changed = tmp_path / "lanzhou_v2.xlsx"
    changed.write_bytes(lanzhou_with(17))
    page.goto(f"{own_server}/data")
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(changed))
    expect(page.get_by_text("校验通过。提交前请核对以下变更。")).to_be_visible(timeout=60_000)
    parts = page.locator("[data-testid='stButtonGroup']")
    parts.get_by_text("版本历史", exact=True).click()
    settle(page)
    parts.get_by_text("上传数据", exact=True).click()
    settle(page)
    expect(page.get_by_text("之前选择的 lanzhou_v2.xlsx 已不在上传框中")).to_be_visible()
    expect(page.get_by_text("未写入任何数据", exact=False)).to_be_visible()
    expect(page.get_by_text("数据版本 v1").first).to_be_visible()
