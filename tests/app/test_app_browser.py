"""The classroom app end to end: a real server, headless Chromium, a lever moved, years stepped.

Starts the app with :func:`simulation.app.start` on a free port of 127.0.0.1, opens it in
Debian's Chromium driven by Playwright, moves the quality-assurance lever, steps the model and
checks that the pictures change. Screenshots go to the test's temporary folder (the path is
printed). Skipped, with the reason, when Playwright, Chromium or the app extra is missing.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
from pathlib import Path

import pytest

from simulation.app import missing_dependencies, start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
if missing_dependencies():
    pytest.skip(
        "the app extra is not installed: " + ", ".join(missing_dependencies()),
        allow_module_level=True,
    )

# Click Step in the page and resolve with the milliseconds until the status shows the new year.
STEP_AND_TIME = """
(expected) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const done = () => {
    const s = document.querySelector('.wa-status');
    return s && s.textContent.includes(expected);
  };
  const obs = new MutationObserver(() => {
    if (done()) { obs.disconnect(); resolve(performance.now() - t0); }
  });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { obs.disconnect(); reject(new Error('no update: ' + expected)); }, 20000);
  document.querySelector('.wa-step').click();
})
"""

# Scroll every scrolled container back to the top (for a screenshot of the whole app).
TO_TOP = """
() => {
  document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) { e.scrollTop = 0; } });
  window.scrollTo(0, 0);
}
"""

# Whether the status shows that the run got past ``year`` (or is done), in either language.
PLAYED_TO = """
(year) => {
  const s = document.querySelector('.wa-status');
  if (!s) return false;
  const text = s.textContent;
  const next = text.match(/(\\d{4})\\s*$/);
  return /Done|Færdig/.test(text) || (next !== null && Number(next[1]) > year);
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app's server on a free port; its log goes to the temporary folder."""
    log_dir = tmp_path_factory.mktemp("app_server")
    port = _free_port()
    with open(log_dir / "server.log", "w") as log:
        process = start(port, stdout=log, stderr=subprocess.STDOUT, timeout=90)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture()
def app_page(server):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1500, "height": 1100})
            errors: list[str] = []
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(server)
            tab.locator(".wa-step").wait_for(timeout=90_000)
            tab.errors = errors
            yield tab
        finally:
            browser.close()


def _status(page, text: str) -> None:
    page.locator(".wa-status").filter(has_text=text).wait_for(timeout=30_000)


def _chart(page, name: str) -> bytes:
    """A screenshot of one chart, once ECharts has drawn its canvas."""
    box = page.locator(f".wa-chart-{name}")
    box.locator("canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(400)  # let ECharts finish drawing
    return box.screenshot()


def test_move_a_lever_step_and_see_the_pictures_change(app_page, tmp_path):
    page = app_page
    _status(page, "Not started")
    page.locator(".wa-step").click()
    _status(page, "next year 2027")
    net_before = _chart(page, "net-cost")
    map_before = _chart(page, "map")

    # "What if nobody checks the quality of the initiatives?"
    lever = page.locator(".wa-lever-quality_assurance")
    lever.scroll_into_view_if_needed()
    lever.locator(".v-slider__thumb-container").focus()
    page.keyboard.press("Home")
    lever.locator(".wa-changed").wait_for(timeout=15_000)
    assert lever.locator(".wa-lever-value").inner_text() == "0"
    _status(page, "Not started")  # levers act from 2026: the run starts again

    seconds = []
    for year in (2027, 2028, 2029):
        seconds.append(page.evaluate(STEP_AND_TIME, f"next year {year}") / 1000)
    net_after = _chart(page, "net-cost")
    map_after = _chart(page, "map")
    assert net_after != net_before
    assert map_after != map_before
    kf = page.locator(".wa-key-figures").inner_text()
    assert "2028" in kf and "DKK bn" in kf

    page.evaluate(TO_TOP)
    page.wait_for_timeout(300)
    shot = tmp_path / "classroom_app.png"
    page.screenshot(path=str(shot))
    print(f"\nscreenshot: {shot}")
    print("seconds from Step to the new year on screen:", [round(s, 3) for s in seconds])
    # generous: a loaded CI machine must not fail this; the docs report the measured speed
    assert statistics.median(seconds) < 2.0
    assert not page.errors, page.errors


def test_danish_play_and_follow_a_citizen(app_page, tmp_path):
    page = app_page
    page.get_by_text("Dansk", exact=True).click()
    page.locator(".wa-step").filter(has_text="Et år frem").wait_for(timeout=15_000)
    page.locator(".wa-follow").click()
    page.locator(".wa-citizen-header").filter(has_text="Borger nr.").wait_for(timeout=15_000)
    page.locator(".wa-play").click()
    page.wait_for_function(PLAYED_TO, arg=2031, timeout=60_000)
    if page.locator(".wa-play").inner_text().strip().lower() == "pause":
        page.locator(".wa-play").click()
    page.locator(".wa-play").filter(has_text="Afspil").wait_for(timeout=15_000)
    page.locator(".wa-chart-citizen canvas").first.wait_for(timeout=15_000)
    page.locator(".wa-citizen").scroll_into_view_if_needed()
    shot = tmp_path / "classroom_app_da.png"
    page.screenshot(path=str(shot))
    print(f"\nscreenshot: {shot}")
    assert not page.errors, page.errors
