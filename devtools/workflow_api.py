"""UI-format (LiteGraph) ComfyUI workflows: convert to API format and validate against /object_info.

``ui_to_api(workflow, object_info)`` does what the browser frontend does when it queues a workflow
(graphToPrompt): frontend-only nodes (Note, MarkdownNote, Reroute, PrimitiveNode) and muted or
bypassed nodes are dropped (links through Reroutes and bypassed nodes are followed to their real
source, PrimitiveNode values are inlined), ``widgets_values`` are mapped by position onto the
node's widget inputs, and links become ``[source_node_id_str, output_slot]``.

``validate_workflow(workflow, object_info)`` lists every problem that would make the workflow
fail to load, convert or queue: unknown node types, widget values that do not fit their input
(type, min/max, INT step, combo choices, number of values), links between mismatched types and
dangling or inconsistent link records, missing required inputs, no output node.

How the frontend (comfyui-frontend-package 1.32, the one ComfyUI 0.3.75 pins) lays out
``widgets_values`` -- read from its bundle, see ``widget_layout``:
  * widgets are created for INT, FLOAT, STRING, BOOLEAN and combo inputs (a list of choices, or
    the V3 spelling ``["COMBO", {"options": [...]}]``) that are not ``forceInput``, in
    ``input_order`` order: required first, then optional;
  * an INT widget gets a "control_after_generate" companion widget (saved right after it: "fixed",
    "increment", "decrement" or "randomize") when its options say ``control_after_generate``,
    or -- when the option is absent -- when it is named ``seed`` or ``noise_seed``
    (``n.control_after_generate ?? ["seed","noise_seed"].includes(n.name)``); a combo with
    ``control_after_generate`` gets two companions (the control and a filter-list string);
  * a required combo with ``image_upload``/``video_upload``/``animated_image_upload`` gets an
    "upload" button widget appended after all other inputs; its saved value is "image"
    (LoadImage saves ``["example.png", "image"]``).
Companion values are never sent to the server.
"""
from __future__ import annotations

import math
import re
from typing import Any

FRONTEND_ONLY_NODES = {"Note", "MarkdownNote", "Reroute", "PrimitiveNode"}
MODE_ALWAYS, MODE_NEVER, MODE_BYPASS = 0, 2, 4
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}
CONTROL_VALUES = ("fixed", "increment", "decrement", "randomize")
UPLOAD_FLAGS = ("image_upload", "video_upload", "animated_image_upload")

# Loader file-name combos list the files in the host's model/input folders, so on a server without
# the model files (CI, a fresh install) their choices are empty or different -- a shipped workflow
# names the file the user is told to download. For these inputs a value outside the choices is
# accepted when it is a plain file name with one of these extensions (no path tricks).
MODEL_FILE_EXTS = (".safetensors", ".sft", ".ckpt", ".pt", ".pt2", ".pth", ".bin", ".gguf", ".pkl")
IMAGE_FILE_EXTS = (".png", ".jpg", ".jpeg", ".webp")
VIDEO_FILE_EXTS = (".mp4", ".webm", ".mov", ".mkv", ".gif", ".webp")
_FILE_INPUT = re.compile(r"^(ckpt|unet|clip|clip\d|vae|lora|control_net|style_model|clip_vision|"
                         r"upscale_model|model|gligen|hypernetwork)_name\d*$")


class WidgetSpec:
    """One entry of a node's ``widgets_values``: a real input or a frontend companion value."""

    __slots__ = ("name", "kind", "options", "choices", "companion")

    def __init__(self, name, kind, options=None, choices=None, companion=None):
        self.name, self.kind, self.options, self.choices = name, kind, options or {}, choices
        self.companion = companion  # None for a real input; "control", "filter" or "upload"

    def __repr__(self):
        return "WidgetSpec(%r, %r%s)" % (self.name, self.kind, ", companion=%r" % self.companion
                                         if self.companion else "")


def _split_spec(spec) -> tuple[Any, dict]:
    if isinstance(spec, str):
        return spec, {}
    kind = spec[0] if len(spec) else None
    opts = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
    return kind, opts


def input_kind(spec) -> tuple[str, dict, list | None]:
    """(type string, options, combo choices or None) of one /object_info input spec."""
    kind, opts = _split_spec(spec)
    if isinstance(kind, (list, tuple)):
        return "COMBO", opts, list(kind)
    if kind == "COMBO":
        return "COMBO", opts, list(opts.get("options", []))
    return str(kind), opts, None


def ordered_inputs(info: dict) -> list[tuple[str, str, Any]]:
    """[(section, name, spec)] in the frontend's order: input_order required, then optional."""
    inputs = info.get("input", {})
    order = info.get("input_order") or {s: list(inputs.get(s, {})) for s in ("required", "optional")}
    out = []
    for section in ("required", "optional"):
        for name in order.get(section, []):
            if name in inputs.get(section, {}):
                out.append((section, name, inputs[section][name]))
    return out


def is_widget_input(spec) -> bool:
    kind, opts, _ = input_kind(spec)
    return kind in WIDGET_TYPES and not opts.get("forceInput", False)


def widget_layout(info: dict) -> list[WidgetSpec]:
    """The entries of ``widgets_values`` for a node with this /object_info entry, in order."""
    layout, upload = [], False
    for section, name, spec in ordered_inputs(info):
        if not is_widget_input(spec):
            continue
        kind, opts, choices = input_kind(spec)
        layout.append(WidgetSpec(name, kind, opts, choices))
        control = opts.get("control_after_generate")
        if kind == "INT" and (control if control is not None else name in ("seed", "noise_seed")):
            layout.append(WidgetSpec("control_after_generate", "CONTROL", companion="control"))
        elif kind == "COMBO" and control:
            layout.append(WidgetSpec("control_after_generate", "CONTROL", companion="control"))
            layout.append(WidgetSpec("control_filter_list", "STRING", companion="filter"))
        if kind == "COMBO" and section == "required" and any(opts.get(f) is True for f in UPLOAD_FLAGS):
            upload = True
    if upload:
        layout.append(WidgetSpec("upload", "UPLOAD", companion="upload"))
    return layout


def socket_inputs(info: dict) -> list[tuple[str, str, bool]]:
    """[(name, type, required)] of the inputs that are sockets (not widgets), in order."""
    return [(name, input_kind(spec)[0], section == "required")
            for section, name, spec in ordered_inputs(info) if not is_widget_input(spec)]


def output_types(info: dict) -> list[str]:
    return [t if isinstance(t, str) else "COMBO" for t in info.get("output", [])]


def types_match(out_type: str, in_type: str) -> bool:
    """LiteGraph's rule: "*" matches all; comma-separated type lists match on any common type."""
    if out_type in ("*", "") or in_type in ("*", ""):
        return True
    a = {t.strip() for t in str(out_type).split(",")}
    b = {t.strip() for t in str(in_type).split(",")}
    return bool(a & b)


# ----------------------------------------------------------------------------- links
def _link_table(workflow: dict) -> dict[int, dict]:
    """link id -> {id, origin_id, origin_slot, target_id, target_slot, type} (array or object form)."""
    table = {}
    for link in workflow.get("links", []) or []:
        if isinstance(link, dict):
            rec = {k: link.get(k) for k in ("id", "origin_id", "origin_slot", "target_id", "target_slot", "type")}
        else:
            rec = dict(zip(("id", "origin_id", "origin_slot", "target_id", "target_slot", "type"), link))
        table[rec["id"]] = rec
    return table


class _Resolver:
    """Follow a link to the node/slot that produces its value, as graphToPrompt does."""

    def __init__(self, workflow):
        self.nodes = {n["id"]: n for n in workflow.get("nodes", [])}
        self.links = _link_table(workflow)

    def resolve(self, link_id, depth=0):
        """("link", [node_id_str, slot]) | ("value", v) | None (source removed)."""
        if link_id is None or depth > 64:
            return None
        link = self.links.get(link_id)
        if link is None:
            return None
        src = self.nodes.get(link["origin_id"])
        if src is None:
            return None
        kind, mode = src.get("type"), src.get("mode", MODE_ALWAYS)
        if kind == "Reroute":
            ins = src.get("inputs") or []
            return self.resolve(ins[0].get("link") if ins else None, depth + 1)
        if kind == "PrimitiveNode":
            vals = src.get("widgets_values") or []
            return ("value", vals[0]) if vals else None
        if kind in FRONTEND_ONLY_NODES or mode == MODE_NEVER:
            return None
        if mode == MODE_BYPASS:
            # a bypassed node passes an input of the same type through to the output
            outs = src.get("outputs") or []
            slot = link["origin_slot"]
            out_type = outs[slot].get("type") if slot < len(outs) else link.get("type")
            for inp in src.get("inputs") or []:
                if inp.get("link") is not None and types_match(inp.get("type", "*"), out_type):
                    return self.resolve(inp["link"], depth + 1)
            return None
        return ("link", [str(src["id"]), link["origin_slot"]])


def _widget_values(node: dict, layout: list[WidgetSpec]) -> dict[str, Any]:
    values = node.get("widgets_values")
    if values is None:
        return {}
    if isinstance(values, dict):  # some custom nodes save widgets by name
        return {w.name: values[w.name] for w in layout if not w.companion and w.name in values}
    return {w.name: v for w, v in zip(layout, values) if not w.companion}


def ui_to_api(workflow: dict, object_info: dict) -> dict:
    """Convert a UI-format workflow to an API-format prompt {id: {class_type, inputs, _meta}}."""
    resolver = _Resolver(workflow)
    prompt = {}
    for node in sorted(workflow.get("nodes", []), key=lambda n: n["id"]):
        kind = node.get("type")
        if kind in FRONTEND_ONLY_NODES or node.get("mode", MODE_ALWAYS) in (MODE_NEVER, MODE_BYPASS):
            continue
        info = object_info.get(kind)
        if info is None:
            raise ValueError("node %s: unknown node type %r (not in /object_info)" % (node["id"], kind))
        layout = widget_layout(info)
        widget_names = {w.name for w in layout if not w.companion}
        values = _widget_values(node, layout)
        linked = {inp["name"]: inp.get("link") for inp in node.get("inputs") or []
                  if inp.get("link") is not None}
        inputs = {}
        for w in layout:
            if w.companion:
                continue
            if w.name in linked:  # a widget converted to an input socket, with a link
                got = resolver.resolve(linked[w.name])
                if got is not None:
                    inputs[w.name] = got[1]
                continue
            if w.name in values:
                inputs[w.name] = values[w.name]
        for name, link_id in linked.items():
            if name in widget_names:
                continue
            got = resolver.resolve(link_id)
            if got is not None:
                inputs[name] = got[1]
        title = node.get("title") or info.get("display_name") or kind
        prompt[str(node["id"])] = {"class_type": kind, "inputs": inputs, "_meta": {"title": title}}
    return prompt


# ----------------------------------------------------------------------------- validation
def is_file_name_combo(node_type: str, input_name: str) -> bool:
    """A loader's file-name combo (choices depend on the host's folders)."""
    loader = "Loader" in node_type or node_type.startswith("Load")
    return loader and (bool(_FILE_INPUT.match(input_name)) or input_name in ("image", "file"))


def _plain_file_name(value, exts) -> bool:
    return (isinstance(value, str) and value.lower().endswith(exts) and ".." not in value
            and not value.startswith(("/", "\\")) and len(value) > max(len(e) for e in exts))


def check_widget_value(node_type: str, w: WidgetSpec, value) -> str | None:
    """Why `value` does not fit widget `w`, or None."""
    o = w.options
    if w.companion == "control":
        ok = value in CONTROL_VALUES or (value == "increment-wrap")
        return None if ok else "control_after_generate value %r not one of %s" % (value, CONTROL_VALUES)
    if w.companion == "filter":
        return None if isinstance(value, str) else "control filter %r is not a string" % (value,)
    if w.companion == "upload":
        return None if isinstance(value, str) else "upload widget value %r is not a string" % (value,)
    if w.kind in ("INT", "FLOAT"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "%s %r is not a number" % (w.kind, value)
        if w.kind == "INT" and not float(value).is_integer():
            return "INT %r is not an integer" % (value,)
        if isinstance(value, float) and not math.isfinite(value):
            return "%r is not finite" % (value,)
        if "min" in o and value < o["min"]:
            return "%r is below min %r" % (value, o["min"])
        if "max" in o and value > o["max"]:
            return "%r is above max %r" % (value, o["max"])
        step = o.get("step")
        if w.kind == "INT" and isinstance(step, int) and step > 1:
            base = o.get("min", 0) % step
            if (int(value) - base) % step:
                return "%r is not on the widget's step grid (step %r from %r)" % (value, step, base)
        return None
    if w.kind == "STRING":
        return None if isinstance(value, str) else "STRING %r is not a string" % (value,)
    if w.kind == "BOOLEAN":
        return None if isinstance(value, bool) else "BOOLEAN %r is not true/false" % (value,)
    if w.kind == "COMBO":
        choices = w.choices or []
        if value in choices:
            return None
        if is_file_name_combo(node_type, w.name):
            exts = {"image": IMAGE_FILE_EXTS, "file": VIDEO_FILE_EXTS}.get(w.name, MODEL_FILE_EXTS)
            if _plain_file_name(value, exts):
                return None
            return "file name %r is not a plain %s file name" % (value, "/".join(exts))
        shown = choices if len(choices) <= 12 else choices[:12] + ["..."]
        return "%r is not one of the choices %s" % (value, shown)
    return None


def validate_workflow(workflow: dict, object_info: dict) -> list[str]:
    """Every problem found (empty list: the workflow loads, converts and queues as saved)."""
    if not isinstance(workflow, dict) or not isinstance(workflow.get("nodes"), list):
        return ["not a UI-format workflow (no 'nodes' list)"]
    problems = []
    if not isinstance(workflow.get("links", []), list):
        problems.append("'links' is not a list")
    nodes = {}
    for node in workflow["nodes"]:
        if node.get("id") in nodes:
            problems.append("duplicate node id %r" % node.get("id"))
        nodes[node.get("id")] = node
    links = _link_table(workflow)
    problems += _id_problems(workflow, nodes, links)
    has_output = False
    for nid, node in nodes.items():
        where = "node %s (%s)" % (nid, node.get("type"))
        problems += _link_reference_problems(where, nid, node, links)
        if node.get("type") in FRONTEND_ONLY_NODES:
            continue
        info = object_info.get(node.get("type"))
        if info is None:
            problems.append("%s: unknown node type %r" % (where, node.get("type")))
            continue
        active = node.get("mode", MODE_ALWAYS) not in (MODE_NEVER, MODE_BYPASS)
        has_output = has_output or (active and bool(info.get("output_node")))
        problems += _widget_problems(where, node, info)
        problems += _input_problems(where, node, info, links, active)
        problems += _output_problems(where, node, info)
    for lid, link in links.items():
        problems += _link_problems(lid, link, nodes, object_info)
    if not has_output:
        problems.append("no active output node (SaveImage, PreviewImage, ...): the server would reject the prompt")
    return problems


def _id_problems(workflow: dict, nodes: dict, links: dict) -> list[str]:
    """Duplicate link ids, and last_node_id / last_link_id below the ids in use."""
    problems = []
    if len(links) != len(workflow.get("links") or []):
        problems.append("duplicate link ids")
    if nodes and workflow.get("last_node_id", 0) < max(i for i in nodes if isinstance(i, int)):
        problems.append("last_node_id %r is below the largest node id" % workflow.get("last_node_id"))
    if links and workflow.get("last_link_id", 0) < max(links):
        problems.append("last_link_id %r is below the largest link id" % workflow.get("last_link_id"))
    return problems


def _link_reference_problems(where: str, nid, node: dict, links: dict) -> list[str]:
    """A node's inputs and outputs that name missing links, or links that start elsewhere."""
    problems = []
    for inp in node.get("inputs") or []:
        lid = inp.get("link")
        if lid is not None and lid not in links:
            problems.append("%s: input %r refers to missing link %r" % (where, inp.get("name"), lid))
    for slot, out in enumerate(node.get("outputs") or []):
        for lid in out.get("links") or []:
            if lid not in links:
                problems.append("%s: output %r refers to missing link %r" % (where, out.get("name"), lid))
            elif links[lid]["origin_id"] != nid or links[lid]["origin_slot"] != slot:
                problems.append("%s: output %r lists link %r, which starts elsewhere" % (where, out.get("name"), lid))
    return problems


def _widget_problems(where: str, node: dict, info: dict) -> list[str]:
    """Widget values of the wrong count, or that the server would refuse."""
    problems = []
    layout = widget_layout(info)
    values = node.get("widgets_values")
    if values is None:
        values = []
    if isinstance(values, dict):
        pairs = [(w, values[w.name]) for w in layout if w.name in values]
    else:
        if len(values) != len(layout):
            problems.append("%s: %d widget values, the node has %d widgets %s"
                            % (where, len(values), len(layout), [w.name for w in layout]))
        pairs = list(zip(layout, values))
    for w, v in pairs:
        why = check_widget_value(node.get("type"), w, v)
        if why:
            problems.append("%s: widget %r: %s" % (where, w.name, why))
    return problems


def _input_problems(where: str, node: dict, info: dict, links: dict, active: bool) -> list[str]:
    """Inputs saved with another type or unknown to the node, and required inputs left unconnected."""
    problems = []
    sockets = {name: (t, req) for name, t, req in socket_inputs(info)}
    widget_types = {w.name: w.kind for w in widget_layout(info) if not w.companion}
    for inp in node.get("inputs") or []:
        name = inp.get("name")
        if name in sockets:
            if not types_match(inp.get("type", "*"), sockets[name][0]):
                problems.append("%s: input %r saved with type %r, the node declares %r"
                                % (where, name, inp.get("type"), sockets[name][0]))
        elif name not in widget_types:
            problems.append("%s: input %r is not an input of %s" % (where, name, node.get("type")))
    for name, (t, req) in sockets.items():
        linked = any(i.get("name") == name and i.get("link") in links for i in node.get("inputs") or [])
        if req and active and not linked:
            problems.append("%s: required input %r (%s) is not connected" % (where, name, t))
    return problems


def _output_problems(where: str, node: dict, info: dict) -> list[str]:
    """More outputs than the node declares, or outputs saved with another type."""
    problems = []
    declared = output_types(info)
    outs = node.get("outputs") or []
    # a newer host may append outputs to a stock node (0.33.0's SaveImage returns its IMAGE): a
    # workflow saved with the older, shorter list loads unchanged; more outputs than declared do not
    if len(outs) > len(declared):
        problems.append("%s: %d outputs saved, the node has %d %s" % (where, len(outs), len(declared), declared))
    for slot, out in enumerate(outs[:len(declared)]):
        if not types_match(out.get("type", "*"), declared[slot]):
            problems.append("%s: output %d saved with type %r, the node declares %r"
                            % (where, slot, out.get("type"), declared[slot]))
    return problems


def _link_problems(lid, link: dict, nodes: dict, object_info: dict) -> list[str]:
    """A link between missing nodes or slots, not referred back to, or joining types that do not match."""
    src, dst = nodes.get(link["origin_id"]), nodes.get(link["target_id"])
    if src is None or dst is None:
        return ["link %r connects missing node %r -> %r" % (lid, link["origin_id"], link["target_id"])]
    outs, ins = src.get("outputs") or [], dst.get("inputs") or []
    if not 0 <= link["origin_slot"] < len(outs) or not 0 <= link["target_slot"] < len(ins):
        return ["link %r uses a missing slot (%r:%r -> %r:%r)" % (lid, link["origin_id"], link["origin_slot"],
                                                                   link["target_id"], link["target_slot"])]
    problems = []
    out, inp = outs[link["origin_slot"]], ins[link["target_slot"]]
    if inp.get("link") != lid:
        problems.append("link %r: target input %r of node %r does not refer back to it" % (lid, inp.get("name"),
                                                                                           dst["id"]))
    if lid not in (out.get("links") or []):
        problems.append("link %r: source output %r of node %r does not list it" % (lid, out.get("name"), src["id"]))
    out_type = out.get("type", "*")
    src_info = object_info.get(src.get("type"))
    if src_info is not None and link["origin_slot"] < len(output_types(src_info)):
        out_type = output_types(src_info)[link["origin_slot"]]
    in_type = inp.get("type", "*")
    dst_info = object_info.get(dst.get("type"))
    if dst_info is not None:
        declared = {name: t for name, t, _ in socket_inputs(dst_info)}
        declared.update({w.name: w.kind for w in widget_layout(dst_info) if not w.companion})
        in_type = declared.get(inp.get("name"), in_type)
    if not types_match(out_type, in_type):
        problems.append("link %r: %s output %r (%s) cannot connect to %s input %r (%s)"
                        % (lid, src.get("type"), out.get("name"), out_type, dst.get("type"), inp.get("name"), in_type))
    if link.get("type") not in (None, "*") and not types_match(link["type"], out_type):
        problems.append("link %r is saved with type %r, its source gives %r" % (lid, link["type"], out_type))
    return problems


def layout_problems(workflow: dict, title_height: int = 30, margin: int = 10) -> list[str]:
    """Nodes whose boxes (title bar included) overlap or lie at negative size."""
    boxes = []
    problems = []
    for n in workflow.get("nodes", []):
        (x, y), (w, h) = n.get("pos", (0, 0)), n.get("size", (0, 0))
        if w <= 0 or h <= 0:
            problems.append("node %s has size %r" % (n.get("id"), n.get("size")))
        boxes.append((n.get("id"), x, y - title_height, x + w, y + h))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] < b[3] + margin and b[1] < a[3] + margin and a[2] < b[4] + margin and b[2] < a[4] + margin:
                problems.append("nodes %s and %s overlap" % (a[0], b[0]))
    return problems


# ----------------------------------------------------------------------------- object_info in-process
def node_info(node_class: str, cls, display_names: dict) -> dict:
    """/object_info's entry for one node class (the logic of ComfyUI 0.3.75 server.node_info)."""
    try:
        from comfy_api.internal import _ComfyNodeInternal
        if isinstance(cls, type) and issubclass(cls, _ComfyNodeInternal):
            return cls.GET_NODE_INFO_V1()
    except ImportError:  # older hosts: V1 nodes only
        pass
    input_types = cls.INPUT_TYPES()
    info = {"input": input_types,
            "input_order": {k: list(v.keys()) for k, v in input_types.items()},
            "output": cls.RETURN_TYPES,
            "output_is_list": getattr(cls, "OUTPUT_IS_LIST", [False] * len(cls.RETURN_TYPES)),
            "output_name": getattr(cls, "RETURN_NAMES", cls.RETURN_TYPES),
            "name": node_class,
            "display_name": display_names.get(node_class, node_class),
            "description": getattr(cls, "DESCRIPTION", ""),
            "python_module": getattr(cls, "RELATIVE_PYTHON_MODULE", "nodes"),
            "category": getattr(cls, "CATEGORY", "sd"),
            "output_node": bool(getattr(cls, "OUTPUT_NODE", False))}
    if hasattr(cls, "OUTPUT_TOOLTIPS"):
        info["output_tooltips"] = cls.OUTPUT_TOOLTIPS
    return info


def host_object_info(extra_mappings: dict | None = None, extra_display_names: dict | None = None) -> dict:
    """/object_info computed in-process from the real host (core + comfy_extras nodes) and, by
    default, this repository's pack (devtools/lanpaint_pack.load_pack). JSON-normalised."""
    import asyncio
    import json

    from devtools.host.comfy_env import load_comfy
    env = load_comfy()
    nodes = env.nodes
    if "SamplerCustomAdvanced" not in nodes.NODE_CLASS_MAPPINGS:
        asyncio.run(nodes.init_extra_nodes(init_custom_nodes=False, init_api_nodes=False))
    mappings = dict(nodes.NODE_CLASS_MAPPINGS)
    display = dict(nodes.NODE_DISPLAY_NAME_MAPPINGS)
    if extra_mappings is None:
        from devtools.lanpaint_pack import load_pack
        pack = load_pack()
        extra_mappings, extra_display_names = pack.NODE_CLASS_MAPPINGS, pack.NODE_DISPLAY_NAME_MAPPINGS
    mappings.update(extra_mappings)
    display.update(extra_display_names or {})
    info = {}
    for name, cls in mappings.items():
        try:
            info[name] = node_info(name, cls, display)
        except Exception:  # noqa: BLE001 - a broken extra node must not hide the others
            continue
    return json.loads(json.dumps(info, default=str))
