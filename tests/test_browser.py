"""The bundled workflows load in the real ComfyUI frontend, in a real (headless) browser.

Starts a ComfyUI server with this pack and the test-only tiny-model pack
(devtools/comfy_server.py), drives Debian's chromium with Playwright (the PyPI package, launching
/usr/bin/chromium: no browser download) and, for every ``workflows/*.json`` plus one workflow
generated here that holds every LanPaint node:

- waits for the frontend's start-up to finish (compat.FRONTEND_READY_JS: frontend 1.49 restores its
  start-up workflow after ``window.app`` exists), then loads it the way the UI does,
  ``app.loadGraphData(workflow)`` (``window.app``, also ``window.comfyAPI.app.app``, on 1.32 and 1.49);
- asserts that nothing reported a missing node type: the frontend's ``afterConfigureGraph`` hook
  (recorded by an extension this test registers) gets an empty list, no dialog is open and no
  missing-node notice is shown (1.32: a dialog; 1.49: a ``role=status`` panel, see compat), and every node type of the workflow is in ``LiteGraph.registered_node_types``;
- asserts that every LanPaint node of the workflow is in ``app.graph`` with the widgets its
  ``INPUT_TYPES`` declares (read from the server's /object_info) and the workflow's values;
- saves a screenshot to tests/artifacts/screenshots/<workflow>.png.

One more queues the bundled detail workflow (LanPaint FLD Crop -> LanPaint FLD KSampler -> LanPaint FLD
Stitch) from the frontend, ``app.queuePrompt``; the POST it sends is rewritten on its way (Playwright
route) to tiny models and few steps, and the server must run it to a picture equal to the input
outside the mask.

The demo workflow runs in the page as shipped (the pack's demo model): its side-by-side picture
comes back at least 256 px wide and is shown on its node, the input preview shows the hole, and no
node covers another after the run (tests/artifacts/screenshots/lanpaint_demo_model_run.png). So does
the video demo: its animated side by side (a picture per frame) comes back and is shown on its node as
an animation, the hole travels with the clip's pan, and stock and LanPaint FLD differ
(tests/artifacts/screenshots/lanpaint_demo_video_run.png).

A negative test loads a workflow with an unknown node type and asserts all three missing-node
signals fire, so the checks above can fail. The browser session: tests/browser_session.py.
"""
import copy
import json
import time

import pytest
from PIL import Image

from devtools import make_workflows as mw
from devtools.host import compat
from devtools.lanpaint_pack import REPO_ROOT
from devtools.workflows.catalog import EXAMPLE_IMAGE
from tests.browser_session import SCREENSHOT_DIR, STEP_TIMEOUT_MS, frontend, playwright
from tests.workflow_runs import check_inpainted, input_image, saved_image, tiny_prompt

WORKFLOWS_DIR = REPO_ROOT / "workflows"
GENERATED = "_generated_all_lanpaint_nodes"
UNKNOWN_TYPE = "LanPaintNoSuchNodeForTest"
LANPAINT_NODES = ("LanPaintKSampler", "LanPaintKSamplerAdvanced", "LanPaintSampler", "ApplyLanPaint",
                  "LanPaintMaskBlend", "LanPaintCrop", "LanPaintStitch")
QUEUED_WORKFLOW = "lanpaint_sdxl_detail_inpaint"  # queued from the browser and run to its saved image
QUEUE_TIMEOUT_S = 120
PACK_MODULE = "custom_nodes.LanPaint"  # /object_info's python_module for the pack's nodes
WIDGET_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
HOLE_RGB_8BIT = (255, 60, 200)      # LanPaint FLD Side by Side's hole colour as saved

# Registered once per page: records what the frontend itself reports as missing after each load.
REGISTER_PROBE_JS = """() => {
  window.__lanpaintProbe = {loads: 0, missing: null};
  window.app.registerExtension({
    name: "lanpaint.browser_test.probe",
    async afterConfigureGraph(missing) {
      window.__lanpaintProbe.loads += 1;
      window.__lanpaintProbe.missing = (missing || []).map(m => typeof m === "string" ? m : m.type);
    },
  });
}"""

# Loads one workflow (bounded by a JS timeout) and returns what the checks need.
LOAD_JS = """async ([workflow, name, timeoutMs]) => {
  const app = window.app;
  const probe = window.__lanpaintProbe;
  const before = probe.loads;
  probe.missing = null;
  const load = app.loadGraphData(workflow, true, true, name);
  const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error("loadGraphData did not finish in " + timeoutMs + " ms")), timeoutMs));
  await Promise.race([load, timeout]);
  // let Vue render any dialog the load opened
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await new Promise(r => setTimeout(r, 300));
  const types = [...new Set(workflow.nodes.map(n => n.type))];
  return {
    hookCalls: probe.loads - before,
    hookMissing: probe.missing,
    unregistered: types.filter(t => !(t in window.LiteGraph.registered_node_types)),
    dialogs: [...document.querySelectorAll("[role=dialog]")].map(d => d.innerText),
    notices: [...document.querySelectorAll("[role=status]")].map(d => d.innerText),
    nodes: app.graph.nodes.map(n => ({
      id: n.id, type: n.type, title: n.title, hasErrors: !!n.has_errors,
      widgets: (n.widgets || []).map(w => ({name: w.name, value: w.value, type: w.type})),
    })),
    linkCount: app.graph.links instanceof Map ? app.graph.links.size : Object.keys(app.graph.links || {}).length,
  };
}"""

CLOSE_DIALOGS_JS = """async () => {
  for (const close of document.querySelectorAll("[role=status] button[aria-label=Close]")) close.click();
  for (let i = 0; i < 5 && document.querySelector("[role=dialog]"); i++) {
    const close = document.querySelector("[role=dialog] button[aria-label=Close], [role=dialog] .p-dialog-close-button");
    if (close) close.click(); else document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape"}));
    await new Promise(r => setTimeout(r, 200));
  }
  return document.querySelectorAll("[role=dialog]").length;
}"""

# Queues the loaded graph as the Queue button does (the frontend converts it to an API prompt itself).
QUEUE_JS = """async () => { await window.app.queuePrompt(0, 1); }"""

FIT_VIEW_JS = """async (timeoutMs) => {
  const canvas = window.app.canvas;
  try {
    await Promise.race([window.app.extensionManager.command.execute("Comfy.Canvas.FitView"),
                        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs))]);
  } catch (e) {
    if (canvas.fitViewToSelectionAnimated) canvas.fitViewToSelectionAnimated();
  }
  canvas.setDirty(true, true);
  await new Promise(r => setTimeout(r, 500));
}"""


# ---------------------------------------------------------------------------- workflows

def _inputs(spec):
    out = {}
    for section in ("required", "optional"):
        out.update(spec["input"].get(section, {}) or {})
    return out


def _is_widget(entry):
    kind = entry[0]
    opts = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
    if opts.get("forceInput"):
        return False
    return isinstance(kind, list) or kind in WIDGET_TYPES


def expected_widgets(spec):
    """Widget names the frontend builds for a node schema, in order (seed-like inputs with
    control_after_generate get an extra control widget right after them)."""
    names = []
    for section in ("required", "optional"):
        entries = spec["input"].get(section, {}) or {}
        order = spec.get("input_order", {}).get(section, list(entries))
        for name in order:
            entry = entries[name]
            if not _is_widget(entry):
                continue
            names.append(name)
            opts = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
            if opts.get("control_after_generate"):
                names.append("control_after_generate")
    return names


def _widget_value(name, entry):
    kind = entry[0]
    opts = entry[1] if len(entry) > 1 and isinstance(entry[1], dict) else {}
    if name == "control_after_generate":
        return "fixed"
    if isinstance(kind, list):
        return opts.get("default", kind[0] if kind else "")
    if kind == "COMBO":
        values = opts.get("options", [])
        return opts.get("default", values[0] if values else "")
    if "default" in opts:
        return opts["default"]
    return {"INT": opts.get("min", 0), "FLOAT": opts.get("min", 0.0), "STRING": "", "BOOLEAN": False}[kind]


def generated_workflow(info):
    """A UI-format (LiteGraph) workflow with every LanPaint node wired to stock nodes."""
    nodes, links = {}, []
    plan = [  # id, type, pos, {input: (source id, output slot)}
        (1, "CheckpointLoaderSimple", (0, 0), {}),
        (2, "CLIPTextEncode", (350, 0), {"clip": (1, 1)}),
        (3, "CLIPTextEncode", (350, 250), {"clip": (1, 1)}),
        (4, "LoadImage", (0, 450), {}),
        (5, "VAEEncode", (350, 520), {"pixels": (4, 0), "vae": (1, 2)}),
        (6, "SetLatentNoiseMask", (350, 650), {"samples": (5, 0), "mask": (4, 1)}),
        (7, "LanPaintKSampler", (800, 0), {"model": (1, 0), "positive": (2, 0), "negative": (3, 0),
                                            "latent_image": (6, 0)}),
        (8, "VAEDecode", (1150, 0), {"samples": (7, 0), "vae": (1, 2)}),
        (9, "LanPaintMaskBlend", (1400, 0), {}),
        (10, "SaveImage", (1750, 0), {"images": (9, 0)}),
        (11, "LanPaintKSamplerAdvanced", (800, 450), {"model": (1, 0), "positive": (2, 0),
                                                      "negative": (3, 0), "latent_image": (6, 0)}),
        (12, "ApplyLanPaint", (1250, 350), {"model": (1, 0)}),
        (13, "LanPaintSampler", (1250, 700), {}),
        (14, "LanPaintCrop", (0, 900), {"image": (4, 0), "mask": (4, 1)}),
        (15, "LanPaintStitch", (1400, 450), {"stitch": (14, 2), "image": (8, 0)}),
    ]
    # LanPaintMaskBlend: wire its IMAGE/MASK inputs from the decode and the loaded image.
    blend_inputs = {}
    for name, entry in _inputs(info["LanPaintMaskBlend"]).items():
        if entry[0] == "IMAGE":
            blend_inputs[name] = (8, 0) if not blend_inputs else (4, 0)
        elif entry[0] == "MASK":
            blend_inputs[name] = (4, 1)
    plan[8] = (9, "LanPaintMaskBlend", (1400, 0), blend_inputs)

    for order, (nid, ntype, pos, wired) in enumerate(plan):
        spec = info[ntype]
        entries = _inputs(spec)
        node = {"id": nid, "type": ntype, "pos": list(pos), "size": [300, 100], "flags": {}, "order": order,
                "mode": 0, "inputs": [], "outputs": [], "properties": {"Node name for S&R": ntype}}
        for section in ("required", "optional"):
            for name in spec.get("input_order", {}).get(section, []):
                if not _is_widget(entries[name]):
                    node["inputs"].append({"name": name, "type": entries[name][0], "link": None})
        for slot, (otype, oname) in enumerate(zip(spec["output"], spec["output_name"])):
            node["outputs"].append({"name": oname, "type": otype if isinstance(otype, str) else "COMBO",
                                    "links": [], "slot_index": slot})
        if ntype.startswith("LanPaint") or ntype == "ApplyLanPaint" or ntype == "CLIPTextEncode":
            values = []
            for name in expected_widgets(spec):
                values.append(_widget_value(name, entries.get(name, ("STRING", {}))))
            if ntype == "CLIPTextEncode":
                values = ["a photo of a cat" if nid == 2 else "blurry"]
            node["widgets_values"] = values
        nodes[nid] = node
        for name, (src, slot) in wired.items():
            link_id = len(links) + 1
            target_slot = next(i for i, inp in enumerate(node["inputs"]) if inp["name"] == name)
            node["inputs"][target_slot]["link"] = link_id
            links.append([link_id, src, slot, nid, target_slot, node["inputs"][target_slot]["type"]])
    for link_id, src, slot, _, _, _ in links:
        nodes[src]["outputs"][slot]["links"].append(link_id)
    return {"last_node_id": max(nodes), "last_link_id": len(links), "nodes": list(nodes.values()),
            "links": links, "groups": [], "config": {}, "extra": {}, "version": 0.4}


def bundled_workflows():
    return sorted(WORKFLOWS_DIR.glob("*.json"))


# ---------------------------------------------------------------------------- browser fixture

class UI:
    def __init__(self, page, server, info, console):
        self.page, self.server, self.info, self.console = page, server, info, console
        self.pack_nodes = {t for t, spec in info.items() if spec.get("python_module") == PACK_MODULE}

    def load(self, workflow, name):
        self.page.evaluate(CLOSE_DIALOGS_JS)
        return self.page.evaluate(LOAD_JS, [workflow, name, STEP_TIMEOUT_MS])

    def screenshot(self, name):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.page.evaluate(FIT_VIEW_JS, STEP_TIMEOUT_MS)
        path = SCREENSHOT_DIR / ("%s.png" % name)
        self.page.screenshot(path=str(path), timeout=STEP_TIMEOUT_MS)
        return path

    def errors(self):
        return "\n".join(self.console[-30:])

    def queue(self, timeout_s=300):
        """Queue the loaded graph from the page; the history entry of the prompt it made, once done."""
        status, before = self.server.request("/history")
        assert status == 200, status
        self.page.evaluate(QUEUE_JS)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            _, history = self.server.request("/history")
            new = [entry for key, entry in history.items() if key not in before]
            if new and new[0].get("status", {}).get("completed") is not None:
                return new[0]
            time.sleep(0.5)
        raise AssertionError("the queued prompt did not finish in %d s (console:\n%s)" % (timeout_s, self.errors()))


@pytest.fixture(scope="module")
def server(comfy_server):
    playwright()  # fail with set-up instructions when the browser tools are missing
    return comfy_server


@pytest.fixture(scope="module")
def ui(server):
    status, info = server.request("/object_info")
    assert status == 200, status
    pack = {t for t, spec in info.items() if spec.get("python_module") == PACK_MODULE}
    assert pack >= set(LANPAINT_NODES), "LanPaint nodes missing from /object_info: %s" % (
        set(LANPAINT_NODES) - pack)
    with frontend(server) as (page, console):
        with server.explain():
            page.evaluate(REGISTER_PROBE_JS)
        yield UI(page, server, info, console)


# ---------------------------------------------------------------------------- checks

def _workflow_cases():
    """The generated all-nodes workflow, then every bundled one, skipped on a host older than the
    one it declares (devtools.make_workflows.WORKFLOWS[name].host)."""
    cases = [pytest.param(None, id=GENERATED)]
    for path in bundled_workflows():
        declared = mw.WORKFLOWS.get(path.stem)
        marks = () if declared is None else compat.requires_host(
            compat.host_at_least(declared.host), "the nodes of workflow %s (ComfyUI >= %s)" % (path.stem, declared.host))
        cases.append(pytest.param(path, id=path.stem, marks=marks))
    return cases


def _values_match(got, want):
    if isinstance(want, bool) or isinstance(got, bool):
        return got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(got - want) <= 1e-6 * max(1.0, abs(want))
    return got == want


def check_loaded(ui, workflow, name, result):
    """Every assertion about a workflow that should load cleanly."""
    ctx = "%s (browser console tail:\n%s)" % (name, ui.errors())
    assert result["hookCalls"] >= 1, "afterConfigureGraph never ran for %s" % ctx
    assert result["hookMissing"] == [], "frontend reported missing node types %s in %s" % (result["hookMissing"], ctx)
    assert result["unregistered"] == [], "node types not registered in LiteGraph: %s in %s" % (
        result["unregistered"], ctx)
    assert result["dialogs"] == [], "dialog(s) open after loading %s: %s" % (ctx, result["dialogs"])
    missing = [t for t in result["notices"] if compat.FRONTEND_MISSING_NODE_NOTICE.search(t)]
    assert missing == [], "missing-node notice(s) after loading %s: %s" % (ctx, missing)
    graph = {str(n["id"]): n for n in result["nodes"]}   # frontend 1.49 keeps node ids as strings
    assert len(graph) == len(workflow["nodes"]), (len(graph), len(workflow["nodes"]), ctx)
    assert result["linkCount"] == len(workflow.get("links", [])), (result["linkCount"], ctx)
    lanpaint = [n for n in workflow["nodes"] if n["type"] in ui.pack_nodes]
    for wnode in lanpaint:
        node = graph.get(str(wnode["id"]))
        assert node is not None, "LanPaint node %s #%s not in app.graph (%s)" % (wnode["type"], wnode["id"], ctx)
        assert node["type"] == wnode["type"] and not node["hasErrors"], (node, ctx)
        want = expected_widgets(ui.info[wnode["type"]])
        widgets = [w for w in node["widgets"] if w["type"] != "button"]   # the pack's own buttons (mask editor)
        got = [w["name"] for w in widgets]
        assert got == want, "%s #%s widgets %s, INPUT_TYPES declare %s (%s)" % (
            wnode["type"], wnode["id"], got, want, ctx)
        values = wnode.get("widgets_values")
        if isinstance(values, list):
            gotv = [w["value"] for w in widgets]
            assert len(values) == len(gotv) and all(_values_match(g, w) for g, w in zip(gotv, values)), \
                "%s #%s widget values after load %s differ from the workflow's %s (%s)" % (
                    wnode["type"], wnode["id"], gotv, values, ctx)
    return len(lanpaint)


@pytest.mark.parametrize("path", _workflow_cases())
def test_workflow_loads_in_browser(ui, path):
    if path is None:
        name, workflow = GENERATED, generated_workflow(ui.info)
        assert {n["type"] for n in workflow["nodes"]} >= set(LANPAINT_NODES)
    else:
        name, workflow = path.stem, json.loads(path.read_text())
    assert isinstance(workflow.get("nodes"), list) and workflow["nodes"], "%s is not a UI-format workflow" % name
    t0 = time.monotonic()
    with ui.server.explain():
        result = ui.load(copy.deepcopy(workflow), name + ".json")
        n_lanpaint = check_loaded(ui, workflow, name, result)
        assert n_lanpaint >= 1, "%s holds no LanPaint node" % name
        shot = ui.screenshot(name)
    assert shot.is_file() and shot.stat().st_size > 10_000, shot
    print("%s: %d nodes, %d LanPaint, loaded and checked in %.1f s, screenshot %s"
          % (name, len(workflow["nodes"]), n_lanpaint, time.monotonic() - t0, shot.relative_to(REPO_ROOT)))


def test_detail_workflow_queued_from_the_browser_runs(ui):
    """The frontend queues the bundled Crop -> LanPaint -> Stitch workflow (app.queuePrompt: its own
    graphToPrompt and POST /prompt); the request is rewritten on its way to tiny models and few steps
    (tests/workflow_runs.tiny_prompt), and the server runs it to a picture equal to the input outside
    the mask."""
    name = QUEUED_WORKFLOW
    workflow = json.loads((WORKFLOWS_DIR / (name + ".json")).read_text())
    rgba = input_image()
    (ui.server.base / "input").mkdir(exist_ok=True)
    Image.fromarray(rgba, "RGBA").save(ui.server.base / "input" / EXAMPLE_IMAGE)
    queued = {}

    def to_tiny_models(route, request):
        if request.method != "POST":
            route.continue_()
            return
        body = json.loads(request.post_data)
        body["prompt"] = tiny_prompt(body["prompt"], mw.WORKFLOWS[name].family.tiny)
        response = route.fetch(post_data=json.dumps(body))
        queued.update(prompt=body["prompt"], answer=response.json())
        route.fulfill(response=response)

    ui.page.route("**/prompt", to_tiny_models)
    try:
        with ui.server.explain():
            check_loaded(ui, workflow, name, ui.load(copy.deepcopy(workflow), name + ".json"))
            ui.page.evaluate("async () => { await window.app.queuePrompt(0, 1); }")
            answer = queued.get("answer", {})
            assert "prompt_id" in answer and not answer.get("node_errors"), (answer, ui.errors())
            assert {n["class_type"] for n in queued["prompt"].values()} >= {"LanPaintCrop", "LanPaintStitch",
                                                                           "LanPaintKSampler"}
            entry = ui.server.wait_history(answer["prompt_id"], timeout=QUEUE_TIMEOUT_S)
            assert entry["status"].get("status_str") == "success", entry["status"]
            (save_id,) = [i for i, n in queued["prompt"].items() if n["class_type"] == "SaveImage"]
            check_inpainted(saved_image(ui.server, entry, save_id), rgba)
    finally:
        ui.page.unroute("**/prompt", to_tiny_models)


def test_unknown_node_type_is_reported_missing(ui):
    """The checks can fail: a workflow with an unknown node type trips every missing-node signal."""
    workflow = generated_workflow(ui.info)
    bad = copy.deepcopy(workflow["nodes"][-1])
    bad.update(id=workflow["last_node_id"] + 1, type=UNKNOWN_TYPE, pos=[0, 900], inputs=[], outputs=[],
               properties={"Node name for S&R": UNKNOWN_TYPE})
    workflow["nodes"].append(bad)
    workflow["last_node_id"] = bad["id"]
    with ui.server.explain():
        result = ui.load(copy.deepcopy(workflow), "unknown_node.json")
        assert result["hookMissing"] == [UNKNOWN_TYPE], result["hookMissing"]
        assert result["unregistered"] == [UNKNOWN_TYPE], result["unregistered"]
        assert any(UNKNOWN_TYPE in d for d in result["dialogs"] + result["notices"]), \
            "no missing-nodes dialog or notice naming %s; dialogs: %s, notices: %s" % (
                UNKNOWN_TYPE, result["dialogs"], result["notices"])
        with pytest.raises(AssertionError, match="missing node types"):
            check_loaded(ui, workflow, "unknown_node", result)
        shot = ui.screenshot("_negative_unknown_node")
        assert ui.page.evaluate(CLOSE_DIALOGS_JS) == 0, "the missing-nodes dialog did not close"
    assert shot.is_file()


# After a run: the demo's pictures as the frontend shows them and every node's box (title bar included).
DEMO_AFTER_RUN_JS = """async ([previewId, saveId]) => {
  const graph = window.app.graph, title = window.LiteGraph.NODE_TITLE_HEIGHT;
  const node = (id) => graph.getNodeById(id) || graph.getNodeById(String(id));
  const alphaAt = (img, fx, fy) => {
    const c = document.createElement("canvas");
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    return ctx.getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data[3];
  };
  const preview = node(previewId).imgs[0], saved = node(saveId).imgs[0];
  window.app.canvas.setDirty(true, true);
  window.app.canvas.draw(true, true);
  await new Promise((r) => setTimeout(r, 300));
  return {
    savedWidth: saved.naturalWidth, savedHeight: saved.naturalHeight,
    previewHoleAlpha: alphaAt(preview, 0.5, 0.5), previewCornerAlpha: alphaAt(preview, 0.02, 0.02),
    boxes: graph.nodes.map((n) => [String(n.id), n.pos[0], n.pos[1] - title,
                                    n.pos[0] + n.size[0], n.pos[1] + n.size[1]]),
  };
}"""


def overlaps(boxes):
    """Pairs of node boxes [id, x0, y0, x1, y1] that overlap."""
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


def test_demo_workflow_runs_in_the_browser_and_shows_the_difference(ui):
    """The demo workflow as shipped, loaded and run in the frontend as an artist would: its one output is the
    side-by-side picture (the scene with its hole, stock, LanPaint FLD), at least 256 px wide, shown on
    its node; the input preview shows the hole (transparent); after the run no node covers another;
    stock and LanPaint FLD differ. Screenshot: tests/artifacts/screenshots/lanpaint_demo_model_run.png."""
    import numpy as np
    workflow = json.loads((WORKFLOWS_DIR / "lanpaint_demo_model.json").read_text())   # as shipped: 20 steps
    (save,) = [n for n in workflow["nodes"] if n["type"] == "SaveImage"]
    (preview,) = [n for n in workflow["nodes"] if n["type"] == "PreviewImage"]
    with ui.server.explain():
        check_loaded(ui, workflow, "lanpaint_demo_model", ui.load(copy.deepcopy(workflow), "demo.json"))
        entry = ui.queue()
        assert entry["status"].get("status_str") == "success", entry["status"]
        (image,) = entry["outputs"][str(save["id"])]["images"]
        path = ui.server.base / "output" / image["subfolder"] / image["filename"]
        sheet = np.asarray(Image.open(path).convert("RGB"))
        ui.page.wait_for_function("([p, s]) => [p, s].every((id) => { const n = window.app.graph.getNodeById(id)"
                                  " || window.app.graph.getNodeById(String(id)); return n && n.imgs && n.imgs[0]"
                                  " && n.imgs[0].complete && n.imgs[0].naturalWidth > 0; })",
                                  arg=[preview["id"], save["id"]])
        shown = ui.page.evaluate(DEMO_AFTER_RUN_JS, [preview["id"], save["id"]])
        shot = ui.screenshot("lanpaint_demo_model_run")
    assert sheet.shape[1] >= 256 and (shown["savedWidth"], shown["savedHeight"]) == sheet.shape[1::-1], shown
    third = sheet.shape[1] // 3
    assert (sheet[:, third:2 * third] != sheet[:, 2 * third:3 * third]).any(), "stock and LanPaint FLD are alike"
    assert shown["previewHoleAlpha"] == 0 and shown["previewCornerAlpha"] == 255, shown
    assert overlaps(shown["boxes"]) == [], "nodes overlap after the run: %s" % overlaps(shown["boxes"])
    assert shot.is_file()


# After a run: the animation as the frontend shows it and every node's box (title bar included).
ANIMATION_AFTER_RUN_JS = """async (saveId) => {
  const graph = window.app.graph, title = window.LiteGraph.NODE_TITLE_HEIGHT;
  const save = graph.getNodeById(saveId) || graph.getNodeById(String(saveId));
  window.app.canvas.setDirty(true, true);
  window.app.canvas.draw(true, true);
  await new Promise((r) => setTimeout(r, 300));
  return {
    savedWidth: save.imgs[0].naturalWidth, savedHeight: save.imgs[0].naturalHeight, animated: !!save.animatedImages,
    boxes: graph.nodes.map((n) => [String(n.id), n.pos[0], n.pos[1] - title,
                                    n.pos[0] + n.size[0], n.pos[1] + n.size[1]]),
  };
}"""


def test_demo_video_workflow_runs_in_the_browser_and_shows_the_difference(ui):
    """The video demo as shipped, loaded and run in the frontend as an artist would: its one output is an
    animated side by side with a picture per frame of the clip (the clip with its hole, stock, LanPaint
    FLD), at least 3 x 256 px wide, shown on its node as an animation; the magenta hole moves across the
    first panel the way the clip pans; stock and LanPaint FLD differ; after the run no node covers another.
    Screenshot: tests/artifacts/screenshots/lanpaint_demo_video_run.png."""
    import numpy as np
    from PIL import ImageSequence
    from devtools.workflows import builder
    from lanpaint_demo import clips
    name = "lanpaint_demo_video"
    workflow = json.loads((WORKFLOWS_DIR / (name + ".json")).read_text())   # as shipped: 20 steps
    (save,) = [n for n in workflow["nodes"] if n["type"] == "SaveAnimatedWEBP"]
    (clip,) = [n for n in workflow["nodes"] if n["type"] == "LanPaintDemoClip"]
    seed, frames = clip["widgets_values"][0], clip["widgets_values"][3]
    with ui.server.explain():
        check_loaded(ui, workflow, name, ui.load(copy.deepcopy(workflow), "demo_video.json"))
        entry = ui.queue()
        assert entry["status"].get("status_str") == "success", entry["status"]
        output = entry["outputs"][str(save["id"])]
        (image,) = output["images"]
        with Image.open(ui.server.base / "output" / image["subfolder"] / image["filename"]) as im:
            sheets = [np.asarray(frame.convert("RGB")).astype(int) for frame in ImageSequence.Iterator(im)]
        ui.page.wait_for_function("(s) => { const n = window.app.graph.getNodeById(s) || window.app.graph.getNodeById("
                                  "String(s)); return n && n.imgs && n.imgs[0] && n.imgs[0].complete"
                                  " && n.imgs[0].naturalWidth > 0; }", arg=save["id"])
        shown = ui.page.evaluate(ANIMATION_AFTER_RUN_JS, save["id"])
        shot = ui.screenshot(name + "_run")
    assert len(sheets) == frames and output.get("animated") == [True], (len(sheets), output.get("animated"))
    height, width = sheets[0].shape[:2]
    assert width >= 3 * 256 and (shown["savedWidth"], shown["savedHeight"]) == (width, height), shown
    assert shown["animated"], "the frontend does not show the output as an animation"
    third = width // 3
    hole_columns = []
    for sheet in sheets:
        magenta = (np.abs(sheet[:, :third] - np.array(HOLE_RGB_8BIT)).max(-1) <= 1).nonzero()[1]
        assert magenta.size, "a frame without the hole"
        hole_columns.append(magenta.mean())
    shift = hole_columns[-1] - hole_columns[0]
    assert shift * clips.motion(seed).pan > 0 and abs(shift) >= 2 * builder.DEMO_CLIP_SCALE, hole_columns
    assert any((s[:, third:2 * third] != s[:, 2 * third:3 * third]).any() for s in sheets), \
        "stock and LanPaint FLD are alike"
    assert overlaps(shown["boxes"]) == [], "nodes overlap after the run: %s" % overlaps(shown["boxes"])
    assert shot.is_file()


def test_templates_sidebar_offers_the_demo_under_extensions(ui):
    """The README's way in, as an artist takes it: Templates in the left sidebar -> Extensions -> the
    pack's folder -> lanpaint_demo_model, which opens the demo workflow. Screenshot:
    tests/artifacts/screenshots/templates_dialog.png."""
    from devtools.comfy_server import PACK_NAME
    page = ui.page
    with ui.server.explain():
        ui.page.evaluate(CLOSE_DIALOGS_JS)
        page.locator("button[aria-label=Templates], button:has-text('Templates')").first.click()
        dialog = page.locator("[role=dialog]")
        dialog.get_by_text("Extensions", exact=False).first.wait_for()
        dialog.get_by_text(PACK_NAME, exact=True).first.click()
        card = dialog.get_by_text("lanpaint_demo_model", exact=True).first
        card.wait_for()
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / "templates_dialog.png"))
        card.click()
        page.wait_for_function("() => window.app.graph.nodes.some((n) => n.type === 'LanPaintSideBySide')")
        assert ui.page.evaluate(CLOSE_DIALOGS_JS) == 0
