"""The video mask editor (web/video_mask_editor.js) in the real ComfyUI frontend, in headless chromium.

On the shared real server: a graph Load Video -> Get Video Components -> LanPaint FLD Video Mask ->
Convert Mask to Image -> Save Image, with a 9-frame video of a panning scene, queued once so the
node hands the editor its frames. Then, with real pointer events (Playwright's mouse):

- painting: a box and a brush stroke on frame 0, an ellipse cut by the eraser on frame 8. The frame
  between them shows, before the node runs again, exactly the mask nodes/mask_keyframes.interpolate
  makes (read back from the editor's canvas); Save writes the keyframes into the node's hidden
  widget; the graph runs again and the saved mask frames are that morph -- the keyframes themselves,
  and in between a shape that travels from one to the other. The keyframes survive a save and reload
  of the workflow;
- the frame slider: dragged with the mouse, the frame shown is always the one under the pointer, and
  neither the slider nor the canvas moves (nor the canvas while painting);
- workflow tabs: paint, save, switch to another tab and back -- the editor still has the frames and
  the keyframes, and it remembers the tool and the brush size;
- the keyframe widget: hidden on the node, on Nodes 2.0 nodes and (frontend 1.49) in the properties
  panel; shown there again when the editor's hiding is undone, so the check can fail.

Screenshots of each: tests/artifacts/screenshots/video_mask_editor_*.png.
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
WORKFLOW_NAME = "mask_editor"
RUN_TIMEOUT_S = 90
EDITOR = "#lanpaint-video-mask-editor"
MAGENTA = np.array([255, 60, 200], dtype=float)
MORPH_ALPHA = 0.45             # the editor's tint of a frame between keyframes

NODE_JS = "() => window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask')"
OPEN_EDITOR_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  node.widgets.find((w) => w.name === 'Open mask editor').callback();
}"""
WIDGETS_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  return node.widgets.map((w) => ({name: w.name, type: w.type, hidden: !!w.hidden,
                                   optionsHidden: !!(w.options && w.options.hidden), value: w.value}));
}"""
RELOAD_JS = """async () => {
  const workflow = window.app.graph.serialize();
  await window.app.loadGraphData(JSON.parse(JSON.stringify(workflow)), true, true, 'reloaded.json');
  return workflow;
}"""
CANVAS_PIXELS_JS = """() => {
  const c = document.querySelector('%s canvas');
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
}""" % EDITOR
NODE_TEXT_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  const el = document.querySelector('[data-node-id="' + node.id + '"]');
  return el ? el.innerText : null;
}"""
SET_NODES_2_JS = """async (on) => { await window.app.extensionManager.setting.set('Comfy.VueNodes.Enabled', on); }"""
UNHIDE_JS = """() => {
  const node = window.app.graph.nodes.find((n) => n.type === 'LanPaintVideoMask');
  const w = node.widgets.find((w) => w.name === 'keyframes');
  w.hidden = false;
  w.options.hidden = false;
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


def _open_editor(page):
    page.evaluate(OPEN_EDITOR_JS)
    page.wait_for_selector(EDITOR + " canvas")
    _wait_for_label(page, "label.startsWith('frame ')")


def _close_editor(page):
    page.click(EDITOR + " .lanpaint-cancel")
    assert page.locator(EDITOR).count() == 0


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
    """Wait until the editor's frame label (``label`` in the JS ``condition``) satisfies it."""
    page.wait_for_function("(arg) => { const label = document.querySelector('%s .lanpaint-label').textContent; "
                           "return %s; }" % (EDITOR, condition), arg=arg)


def _status(page):
    return page.locator(EDITOR + " .lanpaint-status").text_content()


def _go_to(page, frame):
    page.evaluate("""(frame) => { const s = document.querySelector('%s .lanpaint-frame');
        s.value = frame; s.dispatchEvent(new Event('input')); }""" % EDITOR, frame)
    _wait_for_label(page, "label === 'frame ' + arg + ' / %d'" % (FRAMES - 1), frame)


def _saved_masks(server, entry, save_id):
    files = entry["outputs"][save_id]["images"]
    assert len(files) == FRAMES, files
    return torch.stack([torch.from_numpy(np.asarray(Image.open(
        server.base / "output" / f["subfolder"] / f["filename"]).convert("L")) > 127) for f in files])


def _shown_mask(page, frame_rgb):
    """The pixels the editor's canvas shows tinted magenta over the frame: nearer to the tinted colour
    than to the frame's own."""
    shown = np.array(page.evaluate(CANVAS_PIXELS_JS), dtype=float).reshape(HEIGHT, WIDTH, 4)[..., :3]
    frame = frame_rgb.astype(float)
    tinted = frame * (1 - MORPH_ALPHA) + MAGENTA * MORPH_ALPHA
    return torch.from_numpy(np.abs(shown - tinted).sum(-1) < np.abs(shown - frame).sum(-1))


def _shot(page, name):
    page.screenshot(path=str(SCREENSHOT_DIR / ("video_mask_editor_%s.png" % name)))


@pytest.fixture(scope="module")
def session(server):
    """The frontend with the graph loaded (its own workflow tab) and run once."""
    (server.base / "input").mkdir(exist_ok=True)
    write_video(server.base / "input" / VIDEO_FILE, _video())
    status, info = server.request("/object_info")
    assert status == 200
    workflow, save_id = _workflow(info)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with frontend(server) as (page, console), server.explain():
        page.evaluate("async (wf) => { await window.app.loadGraphData(wf, true, true, '%s.json'); }"
                      % WORKFLOW_NAME, workflow)
        _queue_and_wait(page, server)                     # the editor gets the frames
        page.wait_for_function("() => !!(%s)().lanpaintVideo" % NODE_JS)
        try:
            yield page, console, save_id
        finally:
            page.evaluate(SET_NODES_2_JS, False)          # a setting of the shared server
        errors = [line for line in console if line.startswith("[pageerror]")
                  or line.startswith("[error]") and "video_mask_editor" in line]
        assert not errors, errors


def test_paint_two_keyframes_preview_run_and_reload(server, session):
    page, _, save_id = session
    mk = importlib.import_module(load_pack().__name__ + ".nodes.mask_keyframes")
    with server.explain():
        widgets = page.evaluate(WIDGETS_JS)
        assert [(w["name"], w["type"], w["hidden"]) for w in widgets] == [
            ("keyframes", widgets[0]["type"], True), ("Open mask editor", "button", False)], widgets
        _open_editor(page)
        _wait_for_label(page, "label === 'frame 0 / %d'" % (FRAMES - 1))
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
        assert _status(page) == "keyframe · keyframes: 0, 8", _status(page)
        _shot(page, "painting")
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
        morph = mk.interpolate(painted, FRAMES)

        # the frame between shows the node's morph in the browser, before the node runs again
        _open_editor(page)
        _go_to(page, 4)
        assert _status(page) == "between keyframes 0 and 8: the morph the node makes · keyframes: 0, 8"
        page.wait_for_function("() => document.querySelector('%s canvas').getContext('2d')"
                               ".getImageData(0, 0, 1, 1).data[0] !== 51" % EDITOR)   # the frame, not grey
        shown = _shown_mask(page, _video()[4])
        assert torch.equal(shown, morph[4]), "the editor previews %d pixels unlike the node's morph" % (
            (shown != morph[4]).sum())
        _shot(page, "in_between")
        _close_editor(page)

        masks = _saved_masks(server, _queue_and_wait(page, server), save_id)
        assert torch.equal(masks, morph), "the node's masks are not the keyframes' morph"
        assert torch.equal(masks[0], painted[0]) and torch.equal(masks[8], painted[8])
        cols = [m.nonzero()[:, 1].float().mean() for m in (masks[0], masks[4], masks[8])]
        assert cols[0] + 20 < cols[1] < cols[2] - 20, "the shape did not travel between the keyframes: %s" % cols
        assert masks[4].sum() < (masks[0] | masks[8]).sum() and not torch.equal(masks[4], masks[0] | masks[8])

        saved = page.evaluate(RELOAD_JS)                 # the keyframes are saved with the workflow
        (node,) = [n for n in saved["nodes"] if n["type"] == "LanPaintVideoMask"]
        assert node["widgets_values"] == [text], node["widgets_values"]
        assert page.evaluate(WIDGETS_JS)[0]["value"] == text
        page.wait_for_function("() => !!(%s)()" % NODE_JS)
        _queue_and_wait(page, server)                     # cached result: the frames again for the new node
        page.wait_for_function("() => !!(%s)().lanpaintVideo" % NODE_JS)
        _open_editor(page)
        _go_to(page, 4)
        assert _status(page).endswith("keyframes: 0, 8")
        _shot(page, "reloaded")
        _close_editor(page)


def _slider_x(box, frame):
    """Where the frame slider's thumb centre is for ``frame`` (Chromium: the thumb's 16 px inside the track)."""
    thumb = 16
    return box["x"] + thumb / 2 + frame * (box["width"] - thumb) / (FRAMES - 1)


def test_frame_slider_stays_under_the_pointer_and_the_canvas_holds_still(server, session):
    page, _, _ = session
    with server.explain():
        _open_editor(page)
        _go_to(page, 0)
        slider = page.locator(EDITOR + " .lanpaint-frame").bounding_box()
        canvas = page.locator(EDITOR + " canvas").bounding_box()
        y = slider["y"] + slider["height"] / 2
        page.mouse.move(_slider_x(slider, 0), y)
        page.mouse.down()
        for frame in (1, 5, 2, 8, 7, 0, 3):              # one drag, stopping on frame after frame
            page.mouse.move(_slider_x(slider, frame), y, steps=5)
            _wait_for_label(page, "label === 'frame ' + arg + ' / %d'" % (FRAMES - 1), frame)
            assert page.locator(EDITOR + " .lanpaint-frame").bounding_box() == slider, "the slider moved"
            assert page.locator(EDITOR + " canvas").bounding_box() == canvas, "the canvas moved"
        page.mouse.up()
        _shot(page, "slider")
        page.click(EDITOR + " [data-tool=brush]")        # painting moves nothing either
        box = canvas
        page.mouse.move(box["x"] + 10, box["y"] + 10)
        page.mouse.down()
        for k in range(1, 6):
            page.mouse.move(box["x"] + 10 + 20 * k, box["y"] + 10 + 10 * k)
            assert page.locator(EDITOR + " canvas").bounding_box() == canvas, "the canvas moved mid-stroke"
            assert page.locator(EDITOR + " .lanpaint-frame").bounding_box() == slider
        page.mouse.up()
        assert _status(page).startswith("keyframe ·")
        _close_editor(page)                               # Cancel: nothing saved


def test_frames_keyframes_tool_and_size_survive_a_tab_switch(server, session):
    page, _, _ = session
    with server.explain():
        _open_editor(page)
        _go_to(page, 2)
        page.click(EDITOR + " [data-tool=ellipse]")
        _set_size(page, 7)
        _drag(page, (40, 40), (90, 80))
        page.click(EDITOR + " .lanpaint-save")
        keyframes = json.loads(page.evaluate(WIDGETS_JS)[0]["value"])["keyframes"]
        assert 2 in [k["frame"] for k in keyframes]
        tab = page.evaluate("() => window.app.extensionManager.workflow.activeWorkflow.filename")
        page.locator(".workflow-tab", has_text="Unsaved Workflow").first.click()
        page.wait_for_function("() => !(%s)()" % NODE_JS)
        page.locator(".workflow-tab", has_text=tab).first.click()
        page.wait_for_function("() => !!(%s)()" % NODE_JS)
        assert not page.evaluate("() => !!(%s)().lanpaintVideo" % NODE_JS), "the tab switch kept the node object"
        _open_editor(page)                                # the frames, from the outputs the frontend keeps
        assert json.loads(page.evaluate(WIDGETS_JS)[0]["value"])["keyframes"] == keyframes
        _go_to(page, 2)
        assert _status(page) == "keyframe · keyframes: " + ", ".join(str(k["frame"]) for k in keyframes), _status(page)
        page.wait_for_function("() => document.querySelector('%s canvas').getContext('2d')"
                               ".getImageData(0, 0, 1, 1).data[0] !== 51" % EDITOR)   # the frame, not grey
        active = page.evaluate("() => [...document.querySelectorAll('%s .lanpaint-tool.active')]"
                               ".map((b) => b.dataset.tool)" % EDITOR)
        size = page.locator(EDITOR + " .lanpaint-size").input_value()
        assert active == ["ellipse"] and size == "7", (active, size)
        _shot(page, "after_tab_switch")
        _close_editor(page)


def test_keyframe_widget_is_hidden_on_nodes_2_and_in_the_properties_panel(server, session):
    page, _, _ = session
    with server.explain():
        (keyframes, _) = page.evaluate(WIDGETS_JS)
        assert keyframes["hidden"] and keyframes["optionsHidden"], keyframes
        page.evaluate(SET_NODES_2_JS, True)
        page.wait_for_function("() => ((%s)() || '').includes('Open mask editor')" % NODE_TEXT_JS)
        text = page.evaluate(NODE_TEXT_JS)
        assert "Open mask editor" in text and "keyframes" not in text, text
        page.evaluate("() => window.app.canvas.selectNode((%s)())" % NODE_JS)
        panel_button = page.locator("[aria-label='Toggle properties panel']")
        panel = None
        if panel_button.count():                          # frontend 1.49
            panel_button.first.click()
            page.wait_for_selector("[data-testid=properties-panel]")
            panel = page.locator("[data-testid=properties-panel]")
            page.wait_for_function("() => document.querySelector('[data-testid=properties-panel]')"
                                   ".innerText.includes('Open mask editor')")
            assert "keyframes" not in panel.inner_text(), panel.inner_text()
        page.evaluate("async () => { await window.app.extensionManager.command.execute('Comfy.Canvas.FitView'); }")
        _shot(page, "nodes_2")
        page.evaluate(UNHIDE_JS)                          # undone: the checks above see it
        page.evaluate(SET_NODES_2_JS, False)
        page.evaluate(SET_NODES_2_JS, True)
        page.wait_for_function("() => ((%s)() || '').includes('keyframes')" % NODE_TEXT_JS)
        if panel is not None:
            panel_button.first.click()                    # closed and opened again: drawn afresh
            panel_button.first.click()
            page.wait_for_function("() => document.querySelector('[data-testid=properties-panel]')"
                                   ".innerText.includes('keyframes')")
            panel_button.first.click()
        page.evaluate(SET_NODES_2_JS, False)
