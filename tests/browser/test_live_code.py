"""Live code (``make serve``): the servers of ``scripts/serve.py`` started, a page's "Live
code" button pressed, a cell edited and run against the local kernel, its new output seen.

Without those servers (the static site served by anything else) the button explains how to
start them and the page stays as it was.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

import booksite

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SERVE = booksite.ROOT / "scripts" / "serve.py"
KERNEL_START_MS = 120_000  # a kernel that imports torch on a busy 2-core machine
CELL_RUN_MS = 180_000

# Clicks a live cell's run button and resolves when the kernel has answered.
_RUN_CELL = """async (index) => {
    const cell = document.querySelectorAll('article div.cell')[index];
    const box = cell.querySelector('.thebe-cell');
    const id = box.getAttribute('data-thebe-id');
    const thebeCell = window.thebe.notebook.getCellById(id);
    box.querySelector('.thebe-run-button').click();
    // The button's handler runs the cell; wait for the kernel's reply the same way.
    await new Promise(resolve => {
        const check = () => thebeCell.isBusy ? setTimeout(check, 100) : resolve();
        setTimeout(check, 300);
    });
    return cell.querySelector('[data-dl-live-output]').innerText;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_url(site_dir: Path) -> Iterator[str]:
    """``make serve``'s two servers (scripts/serve.py) on free ports, stopped afterwards."""
    port, kernel_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, str(SERVE), "--html", str(site_dir), "--port", str(port),
         "--kernel-port", str(kernel_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving the book"):
                break
        else:
            pytest.fail("scripts/serve.py did not start:\n" + "".join(lines), pytrace=False)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=30)


def go_live(page: Any) -> None:
    page.get_by_role("button", name="Live code").click()
    page.wait_for_selector('.dl-live[data-state="live"], .dl-live[data-state="error"]',
                           timeout=KERNEL_START_MS)
    status = page.locator(".dl-live-status").inner_text()
    assert page.locator(".dl-live").get_attribute("data-state") == "live", status


def set_source(page: Any, index: int, source: str) -> None:
    """Replace cell ``index``'s code as a reader would: select all in its editor, type."""
    editor = page.locator("article div.cell").nth(index).locator(".CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(source)


def edit_source(page: Any, index: int, old: str, new: str) -> None:
    """Change ``old`` to ``new`` in cell ``index``'s editor (CodeMirror's own API)."""
    changed = page.evaluate(
        """([index, old, neu]) => {
            const cm = document.querySelectorAll('article div.cell')[index]
                               .querySelector('.CodeMirror').CodeMirror;
            const before = cm.getValue();
            cm.setValue(before.replace(old, neu));
            return cm.getValue() !== before;
        }""", [index, old, new])
    assert changed, f"cell {index} has no {old!r}"


def static_output(site: Any, page_name: str, index: int) -> str:
    context = site.new_context()
    try:
        page = context.new_page()
        page.goto(site.url(page_name))
        return page.locator("article div.cell").nth(index).locator(".cell_output").inner_text()
    finally:
        context.close()


@pytest.fixture
def live_page(site: Any, live_url: str) -> Iterator[tuple[Any, list[str]]]:
    """A fresh tab on the live site, and the requests it makes off its own origin."""
    context = site.new_context()
    page = context.new_page()
    foreign: list[str] = []
    # The site and the kernel server both listen on 127.0.0.1; anything else is off-site.
    page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(r.url).hostname != "127.0.0.1" and foreign.append(r.url))
    page.on("pageerror", lambda e: pytest.fail(f"uncaught error on the page: {e}"))
    yield page, foreign
    context.close()


def test_a_cell_edited_and_run_shows_its_new_output(live_page: Any, live_url: str) -> None:
    page, foreign = live_page
    page.goto(f"{live_url}book/chapter_2/data-manipulation.html")
    go_live(page)
    built = page.locator("article div.cell").nth(1).locator(".cell_output")
    assert "tensor([ 0.,  1.," in built.inner_text(), "going live hid the page's outputs"
    assert "tensor([ 0.,  1.," in page.evaluate(_RUN_CELL, 0) + page.evaluate(_RUN_CELL, 1)
    assert not built.is_visible(), "the built output still shows beside the live one"
    set_source(page, 1, "x = torch.arange(5) * 7\nx")
    assert "tensor([ 0,  7, 14, 21, 28])" in page.evaluate(_RUN_CELL, 1)
    # The kernel works in a scratch folder, not in the repository.
    set_source(page, 1, "import os\nos.getcwd()")
    cwd = page.evaluate(_RUN_CELL, 1).strip().strip("'")
    assert "dl-book-live-" in cwd and not cwd.startswith(str(booksite.ROOT)), cwd
    assert foreign == []


def test_a_training_run_with_another_learning_rate(live_page: Any, live_url: str,
                                                   site: Any) -> None:
    page_name = "book/chapter_3/linear-regression-scratch"
    printed_before = static_output(site, page_name, 6)
    page, foreign = live_page
    page.goto(f"{live_url}{page_name}.html")
    go_live(page)
    edit_source(page, 5, "lr=0.03", "lr=0.3")
    for index in range(5):
        page.evaluate(_RUN_CELL, index)
    page.evaluate(_RUN_CELL, 5)
    trained = page.locator("article div.cell").nth(5).locator("[data-dl-live-output]")
    assert trained.locator("img").count() >= 1, "the training board was not drawn"
    printed = page.evaluate(_RUN_CELL, 6)
    assert "error in estimating w" in printed
    assert printed != printed_before, "the run with lr=0.3 printed the page's lr=0.03 result"
    assert foreign == []


def test_without_the_servers_the_button_says_how_to_start_them(site: Any) -> None:
    context = site.new_context()
    try:
        page = context.new_page()
        foreign: list[str] = []
        page.on("request", lambda r: site.foreign(r.url) and foreign.append(r.url))
        page.goto(site.url("book/chapter_2/data-manipulation"))
        cells_before = page.locator("article div.cell .cell_input").count()
        page.get_by_role("button", name="Live code").click()
        page.wait_for_selector('.dl-live[data-state="no-server"]', timeout=10_000)
        assert "make serve" in page.locator(".dl-live-status").inner_text()
        assert page.locator("article div.cell .cell_input pre").count() == cells_before
        assert page.locator(".thebe-cell").count() == 0
        assert foreign == []
    finally:
        context.close()


def test_run_all_runs_every_cell_in_order_past_deliberate_errors(live_page: Any,
                                                                 live_url: str) -> None:
    page, foreign = live_page
    page.goto(f"{live_url}book/chapter_2/data-manipulation.html")
    go_live(page)
    cells = page.locator("article div.cell")
    last = cells.nth(cells.count() - 1).locator("[data-dl-live-output]")
    page.get_by_role("button", name="Run all cells").click()
    page.wait_for_function(
        "() => document.querySelector('.dl-live-status').textContent.startsWith('Ran all')",
        timeout=CELL_RUN_MS)
    assert "tensor(-4.)" in last.text_content()  # in a folded solution: not inner_text
    errors = cells.locator("[data-dl-live-output]", has_text="RuntimeError")
    assert errors.count() >= 2  # the page's two raises-exception cells, run and shown
    assert foreign == []


def kernel_server_answer(url: str, origin: str) -> tuple[int, str | None]:
    """The HTTP status of a request to ``url`` made from ``origin``, and the origin the
    answer lets a browser read it from (its Access-Control-Allow-Origin header)."""
    request = urllib.request.Request(url, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Access-Control-Allow-Origin")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Access-Control-Allow-Origin")


def test_the_kernel_server_answers_the_site_only_and_only_with_its_token(
        live_url: str) -> None:
    with urllib.request.urlopen(f"{live_url}_live/config.json", timeout=30) as response:
        config = json.load(response)
        # A page of another origin cannot read the token: no CORS header lets it.
        assert response.headers.get("Access-Control-Allow-Origin") is None
    assert config["baseUrl"].startswith("http://127.0.0.1:")
    site = live_url.rstrip("/")
    kernels = f"{config['baseUrl']}api/kernels"
    with_token = f"{kernels}?token={config['token']}"
    assert kernel_server_answer(with_token, site) == (200, site)
    assert kernel_server_answer(kernels, site)[0] == 403  # no token
    # The browser keeps the answer from a page of any other origin.
    assert kernel_server_answer(with_token, "http://example.com")[1] is None
