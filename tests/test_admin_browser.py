"""用户与日志 in Debian Chromium on a real server with a users file: the navigation lists the page
for an admin only, an admin adds a user there who then signs in, and a viewer who types the
page's address gets the refusal."""

from __future__ import annotations

import re

import pytest
from test_browser import _serve, _settle, browser  # noqa: F401  (fixture)

from lib.access.auth import hash_password

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin_browser")
    users = folder / "users.toml"
    users.write_text(
        "[users.root]\n"
        'name = "系统管理员"\nrole = "admin"\n'
        f'password_hash = "{hash_password("root-pass", iterations=1000)}"\n\n'
        "[users.leader]\n"
        'name = "局领导"\nrole = "viewer"\n'
        f'password_hash = "{hash_password("view-pass", iterations=1000)}"\n',
        encoding="utf-8")
    yield from _serve(folder / "app.duckdb", users)


def sign_in(pg, base: str, username: str, password: str, path: str = "") -> None:
    pg.goto(f"{base}/{path}")
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    _settle(pg)


def nav_links(pg) -> list[str]:
    return [t.strip() for t in pg.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]


def test_an_admin_adds_a_user_on_the_page_listed_for_admins_only(server, page, browser):  # noqa: F811
    sign_in(page, server, "root", "root-pass")
    assert any("用户与日志" in link for link in nav_links(page))
    page.locator("[data-testid='stSidebarNav'] a", has_text="用户与日志").click()
    _settle(page)
    expect(page.locator("h1", has_text="用户与日志")).to_be_visible()
    form = page.locator("[data-testid='stForm']").first
    form.get_by_label("用户名").fill("kezhang")
    form.get_by_label("姓名").fill("科长")
    form.get_by_role("textbox", name="初始密码").fill("kezhang-2024")
    form.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已添加用户 kezhang。")).to_be_visible(timeout=30_000)

    other = browser.new_context(viewport={"width": 1400, "height": 2600}, locale="zh-CN").new_page()
    try:
        sign_in(other, server, "kezhang", "kezhang-2024")
        expect(other.get_by_text("科长")).to_be_visible()
    finally:
        other.context.close()


def test_a_viewer_does_not_see_the_page_and_is_refused_at_its_address(server, page):  # noqa: F811
    # signing in at the page's address shows that page (the sign-in form keeps the address)
    sign_in(page, server, "leader", "view-pass", "admin")
    assert not any("用户与日志" in link for link in nav_links(page))
    page.wait_for_selector("[data-testid='stAlertContentError']", timeout=60_000)
    refusal = page.locator("[data-testid='stAlertContentError']").inner_text()
    assert re.search("仅管理员可以打开", refusal) and "局领导" in refusal
    assert page.locator("[data-testid='stForm']").count() == 0
