"""The published inputs of every node of the pack, as a committed snapshot.

ComfyUI saves a node's widget values by position and API prompts name its inputs, so published
inputs are append-only: never removed, renamed, retyped or reordered; new ones go last. The
snapshot (tests/snapshots/node_inputs.json) records, per node id, its inputs in the order the
frontend lays them out (required, then optional, each in declaration order): name, type ("COMBO"
for a list of choices, whose host-dependent choices are left out) and default (null if none).

    python -m devtools.node_inputs            # record the inputs (refuses a breaking change)
    python -m devtools.node_inputs --check    # exit 1 if the snapshot is out of date

Run it under any tested host's venv (``COMFYUI_PATH=... python -m devtools.node_inputs``; both give
the same snapshot). tests/test_node_inputs.py fails when a recorded input is removed, renamed,
retyped or moved, or a node is gone, and when the snapshot misses an appended input or node (rerun
the first command then: it records additions and default changes, and refuses anything else).
"""
from __future__ import annotations

import argparse
import json
import sys

from devtools.lanpaint_pack import REPO_ROOT

SNAPSHOT = REPO_ROOT / "tests" / "snapshots" / "node_inputs.json"


def node_inputs(node_class) -> list[list]:
    """[[name, type, default], ...] in the frontend's order (required, then optional)."""
    spec = node_class.INPUT_TYPES()
    out = []
    for section in ("required", "optional"):
        for name, entry in (spec.get(section) or {}).items():
            kind = entry[0] if isinstance(entry, (list, tuple)) else entry
            options = entry[1] if isinstance(entry, (list, tuple)) and len(entry) > 1 else {}
            if isinstance(kind, (list, tuple)):
                kind = "COMBO"
            out.append([name, kind, options.get("default")])
    return out


def current() -> dict:
    """node id -> node_inputs, for every node the pack publishes (needs the host importable)."""
    from devtools.host.comfy_env import load_comfy
    from devtools.lanpaint_pack import load_pack
    load_comfy()
    mappings = load_pack().NODE_CLASS_MAPPINGS
    return {name: node_inputs(mappings[name]) for name in sorted(mappings)}


def recorded() -> dict:
    return json.loads(SNAPSHOT.read_text())


def breaking_changes(old: dict, new: dict) -> list[str]:
    """What ``new`` breaks of ``old``: a node gone, or an input removed, renamed, retyped or moved
    (``old``'s inputs must be the first inputs of ``new``, same name and type at each place)."""
    problems = []
    for node, inputs in old.items():
        if node not in new:
            problems.append("node %s was removed" % node)
            continue
        now = new[node]
        for i, (name, kind, _) in enumerate(inputs):
            if i >= len(now):
                problems.append("%s: input %d %r was removed" % (node, i, name))
            elif now[i][0] != name:
                problems.append("%s: input %d was %r, is %r (inputs may only be appended)" % (node, i, name, now[i][0]))
            elif now[i][1] != kind:
                problems.append("%s: input %r was of type %s, is %s" % (node, name, kind, now[i][1]))
    return problems


def dumps(snapshot: dict) -> str:
    body = ",\n".join("  %s: [\n%s\n  ]" % (json.dumps(node), ",\n".join("    " + json.dumps(i) for i in inputs))
                      for node, inputs in snapshot.items())
    return "{\n" + body + "\n}\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if the snapshot is out of date")
    args = ap.parse_args(argv)
    new = current()
    old = recorded() if SNAPSHOT.is_file() else {}
    broken = breaking_changes(old, new)
    if broken:
        print("breaking changes to published inputs (not recorded):\n  " + "\n  ".join(broken))
        return 1
    if args.check:
        if old != new:
            print("%s is out of date: run python -m devtools.node_inputs" % SNAPSHOT.relative_to(REPO_ROOT))
            return 1
        return 0
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(dumps(new))
    print("recorded the inputs of %d nodes in %s" % (len(new), SNAPSHOT.relative_to(REPO_ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
