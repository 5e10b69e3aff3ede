"""The web page in a real browser: Debian's chromium, headless, driven by Selenium.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (no browser is downloaded);
skipped with the reason when they are missing.
"""

from __future__ import annotations

import socket
import struct
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")

from tests.processes import HANG_GUARD, wait_for

from zhtext.serve.app import create_app
from zhtext.serve.models import ModelRegistry

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# How long the browser may take to show a result: a hang guard, not a speed limit.
WAIT = 300
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1100,1400"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                       "(apt-get install chromium chromium-driver)"),
    pytest.mark.skipif(not CHROMEDRIVER.exists(), reason="Debian's chromedriver is not "
                       "installed (apt-get install chromium-driver)"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")


@pytest.fixture(scope="module")
def server_url(registry: ModelRegistry) -> Iterator[str]:
    """The app served by uvicorn in a thread, on a free loopback port."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(registry), log_config=None,
                                           access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started or not thread.is_alive(), what="uvicorn serving",
             timeout=HANG_GUARD, poll=0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=HANG_GUARD)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    profile = tempfile.TemporaryDirectory(prefix="zhtext-chromium-")
    for flag in [*FLAGS, f"--user-data-dir={profile.name}"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _colours_in(png: Path, box: dict[str, float]) -> set[tuple[int, int, int]]:
    """The colours inside an element's box of a screenshot (empty without Pillow)."""
    try:
        from PIL import Image
    except ImportError:
        return set()
    with Image.open(png) as img:
        crop = img.convert("RGB").crop((int(box["x"]), int(box["y"]),
                                        int(box["x"] + box["width"]),
                                        int(box["y"] + box["height"])))
        return {c for _, c in crop.getcolors(maxcolors=1 << 20) or []}


def test_page_shows_keywords_label_and_entities(browser: Any, server_url: str,
                                                tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    text = "陈静今天考察南京的气象局。央行下调利率，股市上涨，投资者关注银行和基金。"
    browser.get(server_url + "/")
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    box = browser.find_element(By.ID, "text")
    box.clear()
    box.send_keys(text)
    assert box.get_attribute("value") == text
    browser.find_element(By.ID, "analyze").click()
    wait.until(lambda d: d.find_element(By.ID, "results").get_attribute("data-state") == "done")

    assert not browser.find_element(By.ID, "error").is_displayed()
    keywords = browser.find_elements(By.CSS_SELECTOR, "#keywords li")
    assert keywords and all(k.is_displayed() for k in keywords)
    marks = browser.find_elements(By.CSS_SELECTOR, "#highlighted mark.kw")
    assert marks and all(m.text in text for m in marks)
    highlighted = browser.find_element(By.ID, "highlighted")
    assert highlighted.text.replace("\n", "") == text  # the text, with marks inside
    label = browser.find_element(By.ID, "label")
    assert label.is_displayed() and label.text == "财经"
    bars = browser.find_elements(By.CSS_SELECTOR, "#scores .row")
    assert len(bars) == 3 and "财经" in bars[0].text
    entities = browser.find_elements(By.CSS_SELECTOR, "#entities mark.ent")
    assert {"陈静PER", "南京LOC"} <= {e.text.replace("\n", "") for e in entities}

    shot = tmp_path / "page.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    width, height = _png_size(data)
    assert width >= 800 and height >= 600 and len(data) > 20_000
    for element_id in ("keywords-card", "classify-card", "tag-card"):
        element = browser.find_element(By.ID, element_id)
        assert element.is_displayed()
        rect = element.rect
        assert rect["width"] > 100 and rect["height"] > 40
        assert rect["y"] + rect["height"] <= height  # inside the screenshot
    # the screenshot shows the results: the top keyword's highlight and the best class's bar
    kw_colours = _colours_in(shot, highlighted.rect)
    bar_colours = _colours_in(shot, browser.find_element(By.ID, "scores").rect)
    if kw_colours:
        assert (0xFD, 0xBA, 0x74) in kw_colours, "top keyword highlight not in the screenshot"
        assert (0xC2, 0x41, 0x0C) in bar_colours, "label bar not in the screenshot"


def test_page_reports_an_empty_text(browser: Any, server_url: str) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server_url + "/")
    browser.find_element(By.ID, "analyze").click()
    error = browser.find_element(By.ID, "error")
    assert error.is_displayed() and "Type or paste" in error.text


def test_api_docs_render_offline(browser: Any, server_url: str) -> None:
    """/docs draws the operations from the installed Swagger UI, without any network."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server_url + "/docs")
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) >= 6)
    paths = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/v1/keywords", "/v1/classify", "/v1/tag", "/v1/topics"} <= paths
