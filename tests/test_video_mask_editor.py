"""The video mask editor (web/video_mask_editor.js) in the real ComfyUI frontend, in headless chromium.

On the shared real server: a graph Load Video -> Get Video Components -> LanPaint FLD Video Mask ->
Convert Mask to Image -> Save Image, with a 9-frame video of a panning scene. The test queues it once
(so the node hands the editor its frames), opens the editor with the node's button, and paints with
real pointer events (Playwright's mouse): a box and a brush stroke on frame 0, an ellipse cut by the
eraser on frame 8. Save writes the keyframes into the node's hidden widget; the graph runs again and
the saved mask frames are exactly what nodes/mask_keyframes.interpolate makes of the painted
keyframes -- the keyframes themselves, and in between a shape that travels from one to the other
(not the two overlaid). The keyframes survive a save and reload of the workflow, and the reopened
editor shows them and the node's in-between masks. Screenshots: tests/artifacts/screenshots/.
"""
import importlib
import json
import time

import numpy as np
import pytest
import torch
from PIL import Image

from lanpaint_demo import scenes
from devtools.lanpaint_pack import load_pack
from devtools.workflows.graph import Graph
from tests.browser_session import SCREENSHOT_DIR, frontend, playwright
from tests.video_files import write_video

FRAMES, WIDTH, HEIGHT = 9, 192, 128
VIDEO_FILE = "lanpaint_mask_editor_test.mp4"
RUN_TIMEOUT_S = 90
EDITOR = "#lanpaint-video-mask-editor"

NODE_JS = "() => window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask')"
OPEN_EDITOR_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  node.widgets.find((w) => w.name === 'Open mask editor').callback();
}"""
WIDGETS_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  return node.widgets.map((w) => ({name: w.name, type: w.type, hidden: !!w.hidden, value: w.value}));
}"""
RELOAD_JS = """async () => {
  const workflow = window.app.graph.serialize();
  await window.app.loadGraphData(JSON.parse(JSON.stringify(workflow)), true, true, 'reloaded.json');
  return workflow;
}"""


@pytest.fixture(scope="module")
def server(comfy_server):
    playwright()
    return comfy_server


def _video():
    """[F, H, W, 3] uint8: a scene panning 8 px per frame."""
    scene = scenes.render(scenes.layout(100_017), 256)[0]
    frames = [scene[64:64 + HEIGHT, 8 * i:8 * i + WIDTH] for i in range(FRAMES)]
    return (torch.stack(frames) * 255).round().to(torch.uint8).numpy()


def _workflow(info):
    g = Graph(info)
    video = g.add("LoadVideo", 0, file=VIDEO_FILE)
    frames = g.add("GetVideoComponents", 1)
    g.link(video, "VIDEO", frames, "video")
    mask = g.add("LanPaintVideoMask", 1)
    g.link(frames, "images", mask, "images")
    image = g.add("MaskToImage", 2)
    g.link(mask, "MASK", image, "mask")
    save = g.add("SaveImage", 2, filename_prefix="lanpaint_mask_editor_test")
    g.link(image, "IMAGE", save, "images")
    return g.to_json(), str(save.id)


def _queue_and_wait(page, server):
    status, history = server.request("/history")
    assert status == 200
    before = set(history)
    page.evaluate("async () => { await window.app.queuePrompt(0, 1); }")
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        status, history = server.request("/history")
        new = [e for i, e in history.items() if i not in before and e.get("status", {}).get("completed") is not None]
        if new:
            st = new[0]["status"]
            assert st.get("status_str") == "success" and st.get("completed") is True, st
            return new[0]
        time.sleep(0.3)
    raise AssertionError("the graph did not finish in %d s" % RUN_TIMEOUT_S)


def _drag(page, start, end, steps=6):
    """Press at mask pixel ``start``, move to ``end`` and release (real pointer events)."""
    box = page.locator(EDITOR + " canvas").bounding_box()

    def at(p):
        return box["x"] + p[0] * box["width"] / WIDTH, box["y"] + p[1] * box["height"] / HEIGHT
    page.mouse.move(*at(start))
    page.mouse.down()
    page.mouse.move(*at(end), steps=steps)
    page.mouse.up()


def _set_size(page, size):
    page.evaluate("""(size) => { const s = document.querySelector('%s .lanpaint-size');
        s.value = size; s.dispatchEvent(new Event('input')); }""" % EDITOR, size)


def _wait_for_label(page, condition, arg=None):
    """Wait until the editor's label text (``label`` in the JS ``condition``) satisfies it."""
    page.wait_for_function("(arg) => { const label = document.querySelector('%s .lanpaint-label').textContent; "
                           "return %s; }" % (EDITOR, condition), arg=arg)


def _go_to(page, frame):
    page.evaluate("""(frame) => { const s = document.querySelector('%s .lanpaint-frame');
        s.value = frame; s.dispatchEvent(new Event('input')); }""" % EDITOR, frame)
    _wait_for_label(page, "label.startsWith('frame ' + arg + ' ')", frame)


def _saved_masks(server, entry, save_id):
    files = entry["outputs"][save_id]["images"]
    assert len(files) == FRAMES, files
    return torch.stack([torch.from_numpy(np.asarray(Image.open(
        server.base / "output" / f["subfolder"] / f["filename"]).convert("L")) > 127) for f in files])


def test_paint_two_keyframes_run_and_reload(server):
    mk = importlib.import_module(load_pack().__name__ + ".nodes.mask_keyframes")
    (server.base / "input").mkdir(exist_ok=True)
    write_video(server.base / "input" / VIDEO_FILE, _video())
    status, info = server.request("/object_info")
    assert status == 200
    workflow, save_id = _workflow(info)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with frontend(server) as (page, console), server.explain():
        page.evaluate("async (wf) => { await window.app.loadGraphData(wf, true, true, 'mask_editor.json'); }", workflow)
        widgets = page.evaluate(WIDGETS_JS)
        assert [(w["name"], w["type"], w["hidden"]) for w in widgets] == [
            ("keyframes", widgets[0]["type"], True), ("Open mask editor", "button", False)], widgets
        _queue_and_wait(page, server)                     # the editor gets the frames
        page.wait_for_function("() => !!(%s)().lanpaintVideo" % NODE_JS)
        page.evaluate(OPEN_EDITOR_JS)
        page.wait_for_selector(EDITOR + " canvas")
        _wait_for_label(page, "label.includes('frame 0 ')")
        page.click(EDITOR + " [data-tool=box]")           # frame 0: a box and a brush stroke out of it
        _drag(page, (20, 30), (70, 90))
        page.click(EDITOR + " [data-tool=brush]")
        _set_size(page, 10)
        _drag(page, (70, 60), (100, 60))
        _go_to(page, 8)                                   # frame 8: an ellipse, its right part erased
        page.click(EDITOR + " [data-tool=ellipse]")
        _drag(page, (110, 30), (170, 100))
        page.click(EDITOR + " [data-tool=eraser]")
        _set_size(page, 12)
        _drag(page, (160, 20), (160, 110))
        label = page.locator(EDITOR + " .lanpaint-label").text_content()
        assert "keyframe" in label and label.endswith("keyframes: 0, 8"), label
        page.screenshot(path=str(SCREENSHOT_DIR / "video_mask_editor_painting.png"))
        page.click(EDITOR + " .lanpaint-save")
        assert page.locator(EDITOR).count() == 0, "Save did not close the editor"

        text = page.evaluate(WIDGETS_JS)[0]["value"]
        data = json.loads(text)
        assert (data["version"], data["width"], data["height"]) == (1, WIDTH, HEIGHT)
        assert [k["frame"] for k in data["keyframes"]] == [0, 8]
        painted = {k["frame"]: mk.rle_decode(k["mask"], HEIGHT, WIDTH) for k in data["keyframes"]}
        # what was painted: the box and the stroke; the ellipse without the erased band
        assert painted[0][60, 45] and painted[0][60, 90] and not painted[0][10, 10] and not painted[0][60, 140]
        assert painted[8][65, 135] and not painted[8][65, 160] and not painted[8][65, 45]

        masks = _saved_masks(server, _queue_and_wait(page, server), save_id)
        assert torch.equal(masks, mk.interpolate(painted, FRAMES)), "the node's masks are not the keyframes' morph"
        assert torch.equal(masks[0], painted[0]) and torch.equal(masks[8], painted[8])
        middle = masks[4]
        cols = [m.nonzero()[:, 1].float().mean() for m in (masks[0], middle, masks[8])]
        assert cols[0] + 20 < cols[1] < cols[2] - 20, "the shape did not travel between the keyframes: %s" % cols
        assert middle.sum() < (masks[0] | masks[8]).sum() and not torch.equal(middle, masks[0] | masks[8])

        saved = page.evaluate(RELOAD_JS)                 # the keyframes are saved with the workflow
        (node,) = [n for n in saved["nodes"] if n["type"] == "LanPaintVideoMask"]
        assert node["widgets_values"] == [text], node["widgets_values"]
        assert page.evaluate(WIDGETS_JS)[0]["value"] == text
        page.wait_for_function("() => !!(%s)()" % NODE_JS)
        _queue_and_wait(page, server)                     # cached result: the frames again for the new node
        page.wait_for_function("() => !!(%s)().lanpaintVideo" % NODE_JS)
        page.evaluate(OPEN_EDITOR_JS)
        page.wait_for_selector(EDITOR + " canvas")
        _go_to(page, 4)
        _wait_for_label(page, "label.includes('as the node made it')")
        assert page.locator(EDITOR + " .lanpaint-label").text_content().endswith("keyframes: 0, 8")
        page.screenshot(path=str(SCREENSHOT_DIR / "video_mask_editor.png"))
        page.click(EDITOR + " .lanpaint-cancel")
        errors = [line for line in console if line.startswith("[pageerror]")
                  or line.startswith("[error]") and "video_mask_editor" in line]
        assert not errors, errors
