"""The graph layout engine: UI-format (LiteGraph) workflows built from named values and links.

``Graph.add(kind, column, **widget_values)`` places a node in a column; ``Graph.link`` wires an
output (by name, by type when it is the only one of that type, or by slot) to a named input.
Every node's ``widgets_values`` is built from named values in the order the frontend saves them
(workflow_api.widget_layout: input_order, a "control_after_generate" value after seed widgets,
LoadImage's trailing "upload" value); unnamed widgets take their schema default.

Layout: a workflow is a list of columns, left to right; a column's nodes are stacked top to
bottom with gaps, sizes estimated from sockets and widgets (LiteGraph's 20 px slots), so nothing
overlaps. ``to_json`` gives the saved workflow (node order = topological execution order).
"""
from __future__ import annotations

from devtools import workflow_api as wa
from devtools.workflows.catalog import MODELS, OLDEST_HOST, PACK_CNR_ID, PACK_NODES

NOTE_COLOR = ("#432", "#653")
SLOT_H, WIDGET_H, TITLE_H = 20, 24, 30
COL_GAP, ROW_GAP, X0, Y0 = 70, 60, 40, 60
DEFAULT_WIDTH = 315
PACK_NODE_WIDTH = 330
# Nodes that show a picture: after a run the frontend gives the picture at least 220 px under the
# node's widgets (1.49's image preview widget), so they are laid out that tall from the start.
FIXED_SIZES = {"LoadImage": (320, 340), "SaveImage": (420, 440), "PreviewImage": (315, 290),
               "MarkdownNote": (440, 560), "Note": (440, 560)}
TEXT_WIDGET_H = 110   # a multiline STRING widget
TEXT_NODE_WIDTH = 400  # a node with a multiline STRING widget


class Node:
    def __init__(self, graph, nid, kind, info, title=None, color=None, size=None):
        self.graph, self.id, self.type, self.info, self.title, self.color = graph, nid, kind, info, title, color
        self.size = size
        self.widgets: list = []
        self.inputs: list[dict] = []
        self.outputs: list[dict] = []

    def out(self, which) -> int:
        if isinstance(which, int):
            return which
        names = [o["name"] for o in self.outputs]
        types = [o["type"] for o in self.outputs]
        if which in names:
            return names.index(which)
        if types.count(which) == 1:
            return types.index(which)
        raise KeyError("%s has no single output %r (outputs %s)" % (self.type, which, names))


class Graph:
    """Builds one UI-format workflow from named widget values and named links."""

    def __init__(self, object_info: dict):
        self.info = object_info
        self.nodes: list[Node] = []
        self.links: list[list] = []
        self.columns: list[list[Node]] = []

    def add(self, kind, col, title=None, color=None, control="randomize", node_size=None, **values) -> Node:
        """A node of ``kind`` in column ``col`` with these widget values (defaults for the rest);
        ``control``: the value of its seeds' "control after generate" companions; ``node_size``:
        (width, height) in place of the estimate."""
        nid = len(self.nodes) + 1
        if kind in ("MarkdownNote", "Note"):
            node = Node(self, nid, kind, None, title, color or NOTE_COLOR, node_size)
            node.widgets = [values.pop("text")]
        else:
            info = self.info.get(kind)
            if info is None:
                raise KeyError("node type %r is not in the object_info" % kind)
            node = Node(self, nid, kind, info, title, color, node_size)
            node.widgets = self._widget_values(kind, info, values, control)
            node.inputs = [{"name": name, "type": t, "link": None} for name, t, _ in wa.socket_inputs(info)]
            node.outputs = [{"name": name, "type": t, "links": [], "slot_index": i}
                            for i, (name, t) in enumerate(zip(info.get("output_name") or wa.output_types(info),
                                                              wa.output_types(info)))]
        if values:
            raise KeyError("%s has no widgets %s" % (kind, sorted(values)))
        self.nodes.append(node)
        while len(self.columns) <= col:
            self.columns.append([])
        self.columns[col].append(node)
        return node

    @staticmethod
    def _widget_values(kind, info, values: dict, control: str) -> list:
        out = []
        for w in wa.widget_layout(info):
            if w.name in values:
                out.append(values.pop(w.name))
            elif w.companion == "control":
                out.append(control)
            elif w.companion == "filter":
                out.append("")
            elif w.companion == "upload":
                out.append("image")
            elif "default" in w.options:
                out.append(w.options["default"])
            elif w.kind == "COMBO" and w.choices and not wa.is_file_name_combo(kind, w.name):
                out.append(w.choices[0])
            else:
                raise KeyError("%s.%s needs a value (no default)" % (kind, w.name))
        return out

    def link(self, src: Node, output, dst: Node, input_name: str):
        slot = src.out(output)
        names = [i["name"] for i in dst.inputs]
        if input_name not in names:
            raise KeyError("%s has no input socket %r (%s)" % (dst.type, input_name, names))
        to_slot = names.index(input_name)
        if dst.inputs[to_slot]["link"] is not None:
            raise ValueError("%s.%s is already linked" % (dst.type, input_name))
        lid = len(self.links) + 1
        out_type = src.outputs[slot]["type"]
        self.links.append([lid, src.id, slot, dst.id, to_slot, out_type])
        src.outputs[slot]["links"].append(lid)
        dst.inputs[to_slot]["link"] = lid
        return lid

    # ------------------------------------------------------------------ layout & serialisation
    def has(self, *kinds) -> bool:
        """Whether the graph holds a node of any of these types."""
        return any(n.type in kinds for n in self.nodes)

    def masks_drawn_on(self, kind) -> bool:
        """Whether a node of this type gives the graph its mask (its MASK output is linked)."""
        return any(n.type == kind and any(o["type"] == "MASK" and o["links"] for o in n.outputs) for n in self.nodes)

    @staticmethod
    def _size(node: Node):
        if node.size is not None:
            return list(node.size)
        if node.type in FIXED_SIZES:
            return list(FIXED_SIZES[node.type])
        rows = max(len(node.inputs), len(node.outputs))
        h = 10 + rows * SLOT_H
        layout = wa.widget_layout(node.info) if node.info else []
        for w in layout:
            if w.companion in ("filter", "upload"):
                h += WIDGET_H
            elif w.kind == "STRING" and w.options.get("multiline"):
                h += TEXT_WIDGET_H
            else:
                h += WIDGET_H
        multiline = any(w.kind == "STRING" and w.options.get("multiline") for w in layout)
        width = TEXT_NODE_WIDTH if multiline else DEFAULT_WIDTH
        if node.type in PACK_NODES:
            width = PACK_NODE_WIDTH
        return [width, max(h, 60)]

    def _order(self):
        """Topological execution order (the frontend's node 'order')."""
        deps = {n.id: set() for n in self.nodes}
        for _, src, _, dst, _, _ in self.links:
            deps[dst].add(src)
        order, done = {}, set()
        while len(done) < len(self.nodes):
            ready = sorted(i for i in deps if i not in done and deps[i] <= done)
            if not ready:
                raise ValueError("cycle in workflow")
            for i in ready:
                order[i] = len(order)
                done.add(i)
        return order

    def _positions(self):
        """node id -> (pos, size): columns left to right, each stacked top to bottom."""
        x = X0
        placed = {}
        for column in self.columns:
            y = Y0
            width = 0
            for node in column:
                size = self._size(node)
                placed[node.id] = ([x, y], size)
                y += size[1] + TITLE_H + ROW_GAP
                width = max(width, size[0])
            x += width + COL_GAP
        return placed

    def _properties(self, node: Node, core_version: str) -> dict:
        props = {"Node name for S&R": node.type}
        if node.type in PACK_NODES:
            props.update({"cnr_id": PACK_CNR_ID})
        elif node.info is not None:
            props.update({"cnr_id": "comfy-core", "ver": core_version})
        models = [{"name": v, "url": MODELS[v][0], "directory": MODELS[v][1]}
                  for v in node.widgets if isinstance(v, str) and v in MODELS]
        if models:
            props["models"] = models
        return props

    def to_json(self, core_version: str = OLDEST_HOST) -> dict:
        placed = self._positions()
        order = self._order()
        nodes = []
        for node in self.nodes:
            pos, size = placed[node.id]
            entry = {"id": node.id, "type": node.type, "pos": pos, "size": size,
                     "flags": {}, "order": order[node.id], "mode": wa.MODE_ALWAYS,
                     "inputs": node.inputs, "outputs": node.outputs,
                     "properties": self._properties(node, core_version), "widgets_values": node.widgets}
            if node.title:
                entry["title"] = node.title
            if node.color:
                entry["color"], entry["bgcolor"] = node.color
            nodes.append(entry)
        return {"last_node_id": len(self.nodes), "last_link_id": len(self.links), "nodes": nodes,
                "links": self.links, "groups": [], "config": {},
                "extra": {"ds": {"scale": 0.75, "offset": [0, 0]}}, "version": 0.4}
