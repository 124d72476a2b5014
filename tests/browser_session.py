"""One headless chromium on the real ComfyUI frontend, for the browser tests.

``frontend(server)`` posts the frontend settings the tests need, launches Debian's chromium through
Playwright (the PyPI package, launching /usr/bin/chromium: no browser download) with a throwaway
profile, opens the server's page, waits for the frontend's start-up to finish
(compat.FRONTEND_READY_JS) and yields ``(page, console)``: the page and the list its console and
page errors are appended to. ``blank_page()`` is the same chromium on about:blank, for the web
folder's modules that need no frontend. Missing chromium or playwright fails (never skips) with a pointer to
scripts/setup_env.sh.
"""
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from devtools.host import compat

TESTS_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = TESTS_DIR / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("LANPAINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
SETUP_HINT = "run `bash scripts/setup_env.sh` (installs Debian chromium and the pinned playwright)"
PAGE_TIMEOUT_MS = 60_000   # first load of the frontend: ~10 s on 2 cores
STEP_TIMEOUT_MS = 20_000   # one workflow load, one dialog wait, one screenshot
VIEWPORT = {"width": 1920, "height": 1080}
# Frontend settings: those that keep a fresh profile's graph clear (compat.FRONTEND_SETTINGS: the
# first-run template browser, release notes), text at any zoom; the warnings under test stay on.
# The bundled workflows list their model files, which the test server lacks: that dialog is off.
# Nodes 2.0 off (a test that turns it on turns it off again; the server keeps settings).
SETTINGS = {**compat.FRONTEND_SETTINGS, "LiteGraph.Canvas.MinFontSizeForLOD": 0, "Comfy.VueNodes.Enabled": False,
            "Comfy.Workflow.ShowMissingNodesWarning": True,
            "Comfy.Workflow.ShowMissingModelsWarning": False}
# Per-origin flags read from localStorage: the "Nodes 2.0" banner over the canvas.
INIT_SCRIPT = "try { localStorage.setItem('vueNodesBannerDismissed', 'true'); } catch (e) {}"


def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.fail("the Python package playwright is not installed (%s); %s" % (e, SETUP_HINT))
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail("no chromium at %s (LANPAINT_CHROMIUM); %s" % (CHROMIUM, SETUP_HINT))
    return sync_playwright


@contextlib.contextmanager
def blank_page():
    """A headless chromium page on about:blank, for the web folder's pure modules (no server)."""
    sync_playwright = playwright()
    profile = tempfile.mkdtemp(prefix="lanpaint-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=PAGE_TIMEOUT_MS)
            try:
                context.set_default_timeout(STEP_TIMEOUT_MS)
                yield context.pages[0] if context.pages else context.new_page()
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def frontend(server):
    sync_playwright = playwright()
    status, _ = server.request("/settings", SETTINGS)
    assert status == 200, "POST /settings failed: %s" % status
    profile = tempfile.mkdtemp(prefix="lanpaint-chromium-")
    console = []
    t0 = time.monotonic()
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT,
                timeout=PAGE_TIMEOUT_MS)
            try:
                context.set_default_timeout(STEP_TIMEOUT_MS)
                context.add_init_script(INIT_SCRIPT)
                page = context.pages[0] if context.pages else context.new_page()
                page.on("console", lambda m: console.append("[%s] %s" % (m.type, m.text[:300])))
                page.on("pageerror", lambda e: console.append("[pageerror] %s" % str(e)[:300]))
                with server.explain():
                    page.goto(server.url, timeout=PAGE_TIMEOUT_MS, wait_until="load")
                    page.wait_for_function(compat.FRONTEND_READY_JS, timeout=PAGE_TIMEOUT_MS)
                print("frontend ready in %.1f s" % (time.monotonic() - t0))
                yield page, console
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
