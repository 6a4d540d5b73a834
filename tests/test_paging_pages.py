"""What a page no longer sends at once is still one click away: the sidebar's long choice lists
narrow by a search, and 偏差分析's cards and 报告详情's expanders come a few at a time with 显示更多,
the counts stated. Run with AppTest on the shipped dataset; the page size is made small so that
its two programs and nine 兰州新区 projects already overflow it."""

from __future__ import annotations

import pytest
import streamlit as st
from conftest import run_page, seeded_app
from streamlit.testing.v1 import AppTest

LANZHOU = "LZ2022-YJJ"
LANZHOU_NAME = "兰州新区应急管理局部门本级预算"


@pytest.fixture(scope="module", autouse=True)
def seeded_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "paging")


@pytest.fixture
def short_lists(monkeypatch):
    import lib.ui.sidebar
    from lib.ui import paging

    monkeypatch.setattr(lib.ui.sidebar, "MAX_OPTIONS", 1)
    monkeypatch.setattr(paging, "STEP", 2)
    st.cache_data.clear()  # the choice lists are cached under the arguments, not the cap
    yield
    st.cache_data.clear()


def program_choices(at: AppTest) -> list[str]:
    return [o for o in at.sidebar.selectbox(key="filter_program").options if o != "全部"]


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_a_long_program_list_asks_for_a_search_and_the_search_finds_it(short_lists):
    at = run_page("overview")
    assert program_choices(at) == []  # 2 programs, the cap 1: none listed rather than one at random
    # each long list's search sits in its filter's popover, above the list
    assert [t.label for t in at.sidebar.text_input] == ["搜索资金/部门", "搜索地区", "搜索项目"]  # cap 1
    assert [p.proto.popover.label for p in at.sidebar.get("popover")] == ["年度：全部", "资金/部门：全部", "地区：全部", "项目：全部"]
    search = at.sidebar.text_input(key="filter_program_search")  # the box itself says why
    assert "资金/部门共 2 项，太多无法逐一列出" in search.placeholder
    at.sidebar.text_input(key="filter_program_search").input("兰州").run()
    assert program_choices(at) == [LANZHOU_NAME]
    at.sidebar.selectbox(key="filter_program").set_value(LANZHOU).run()
    assert at.query_params["program"] == LANZHOU
    assert "9 个" in {m.value for m in at.metric}  # the view is the program's: its 9 projects
    at.sidebar.text_input(key="filter_program_search").input("危险化学品").run()
    found = program_choices(at)  # the one found, and the chosen one stays offered beside it
    assert len(found) == 2 and found[1] == LANZHOU_NAME and "危险化学品" in found[0]
    assert at.sidebar.selectbox(key="filter_program").value == LANZHOU
    assert at.sidebar.get("popover")[1].proto.popover.label == f"资金/部门：{LANZHOU_NAME}"  # the button names the choice
    at.run()  # the search stays applied on the next run
    assert program_choices(at) == found


def test_a_bookmarked_program_is_offered_though_the_list_is_too_long(short_lists):
    at = run_page("overview", program=LANZHOU)
    assert program_choices(at) == [LANZHOU_NAME]
    assert at.sidebar.selectbox(key="filter_program").value == LANZHOU
    # its 9 projects are more than the cap too: the project search narrows them by name or id
    at.sidebar.text_input(key="filter_project_search").input("LZ2022-P07").run()
    assert [o for o in at.sidebar.selectbox(key="filter_project").options if o != "全部"] == \
        ["全国自然灾害综合风险普查项目"]


def test_deviation_cards_come_two_at_a_time_until_all_are_shown(short_lists):
    at = run_page("deviations", program=LANZHOU)
    total = int(next(c.value for c in at.caption if c.value.startswith("共 ")).split()[1].replace(",", ""))
    assert total > 2
    expected = 2
    while True:
        cards = [m.value for m in at.markdown if " · 出处 " in m.value]  # a card is one block
        assert len(cards) == min(total, expected)
        if len(cards) == total:
            break
        expected += 2
        assert f"下面列出前 {len(cards)} 条的说明卡片；全部 {total} 条" in captions(at)
        more = at.button(key="deviation_cards_more")
        assert more.label == f"显示更多（已显示 {len(cards)} 条，共 {total} 条）"
        more.click().run()
    assert not [b for b in at.button if b.key == "deviation_cards_more"]
    text = " ".join(m.value for m in at.markdown)
    assert "指标值 **95%** → 实际 **90%**" in text  # the archive project's satisfaction gap, paged to
    # a new search starts again from the first two
    at.text_input(key="deviation_search").input("满意度").run()
    assert len([m for m in at.markdown if " · 出处 " in m.value]) <= 2


def test_report_expanders_come_two_at_a_time_and_the_count_is_stated(short_lists):
    at = run_page("reports", "项目自评情况", program=LANZHOU)
    projects = [e for e in at.expander if "· 自评" in e.label]
    assert len(projects) == 2
    assert "共 9 条项目，下面展开前 2 条" in captions(at)
    for shown in (4, 6, 8, 9):
        at.button(key="project_cards_more").click().run()
        assert len([e for e in at.expander if "· 自评" in e.label]) == shown
    assert not [b for b in at.button if b.key == "project_cards_more"]
    labels = " ".join(e.label for e in at.expander)
    assert "全国自然灾害综合风险普查项目" in labels  # P07, past the first two, reached by paging
    at = run_page("reports", program=LANZHOU)  # the first part: the objectives
    goals = [e for e in at.main.expander if "· 自评" not in e.label]
    assert len(goals) == 2 and at.button(key="objective_cards_more").label.startswith("显示更多（已显示 2 条")


def test_a_long_region_list_is_searched_too(short_lists):
    """A province-wide program reaches thousands of counties: past the cap the region list holds
    none but the chosen one, and the search narrows it."""
    at = run_page("overview")
    regions = [o for o in at.sidebar.selectbox(key="filter_region").options if o != "全部"]
    assert regions == []
    at.sidebar.text_input(key="filter_region_search").input("沈阳").run()
    assert [o for o in at.sidebar.selectbox(key="filter_region").options if o != "全部"] == ["沈阳市"]
    at.sidebar.selectbox(key="filter_region").set_value("沈阳市").run()
    assert at.query_params["region"] == "沈阳市"
    assert "3,011.00" in {m.value for m in run_page("funding", region="沈阳市").metric}
