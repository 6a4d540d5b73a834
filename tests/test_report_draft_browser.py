"""数据管理 › 从自评报告起草 in Debian Chromium: a PDF report uploaded, its draft reviewed per table
(the editors render, nothing raises), previewed and committed as a new version.

Skipped where Chromium is missing, except under CI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from report_files import CHROMIUM, pdf_file

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
LANZHOU_TXT = ROOT / "tests" / "reports" / "seeds" / "002_ecff5fb308d9a00b.txt"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"JIXIAO_DB": str(tmp_path / "app.duckdb"), "JIXIAO_USERS": str(tmp_path / "none.toml")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode(errors="replace"))
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_pdf_report_reviewed_and_committed(server, tmp_path):
    report = pdf_file(LANZHOU_TXT.read_text(encoding="utf-8"), tmp_path / "兰州新区自评报告.pdf")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(viewport={"width": 1400, "height": 2600}, locale="zh-CN").new_page()
        page.goto(f"{server}/data")
        page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
        page.get_by_text("从自评报告起草（.txt / .docx / .pdf）").click()
        uploaders = page.locator("[data-testid='stFileUploader'] input[type=file]")
        expect(uploaders).to_have_count(2, timeout=30_000)
        uploaders.nth(1).set_input_files(str(report))
        expect(page.get_by_text("报告：兰州新区应急管理局2022年度部门本级预算绩效自评工作总结")).to_be_visible(
            timeout=60_000)
        expect(page.get_by_text("项目（9）")).to_be_visible()
        expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "data_draft_review.png"))
        page.get_by_role("button", name="生成预览").click()
        expect(page.get_by_text("校验通过。以下为提交后的变更；确认无误后提交。")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="确认提交草稿").click()
        expect(page.get_by_text("草稿已提交，当前数据版本 v2。")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "data_draft_committed.png"))
        browser.close()
