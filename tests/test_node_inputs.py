"""Published node inputs are append-only (ComfyUI saves widget values by position).

tests/snapshots/node_inputs.json records every node's inputs (name, type, default, in the frontend's
order); ``python -m devtools.node_inputs`` rewrites it and refuses a breaking change. Here: the
pack's nodes still have every recorded node and input, at its place and of its type (appending is
allowed), and the snapshot is up to date (an appended input or node is recorded, defaults match).
"""
from devtools import node_inputs as ni


def test_recorded_inputs_are_neither_removed_renamed_retyped_nor_moved(comfy):
    broken = ni.breaking_changes(ni.recorded(), ni.current())
    assert not broken, "published node inputs must stay append-only:\n  " + "\n  ".join(broken)


def test_snapshot_records_every_input(comfy):
    old, new = ni.recorded(), ni.current()
    stale = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n))
    assert not stale, "tests/snapshots/node_inputs.json is out of date for %s: run `python -m devtools.node_inputs`" \
        % stale


def test_breaking_changes_catch_removal_renaming_retyping_and_moving():
    old = {"N": [["a", "INT", 1], ["b", "FLOAT", 0.5], ["c", "COMBO", "x"]], "M": [["m", "MODEL", None]]}
    assert ni.breaking_changes(old, old) == []
    appended = {"N": old["N"] + [["d", "INT", 0]], "M": old["M"], "New": [["z", "INT", 0]]}
    assert ni.breaking_changes(old, appended) == []
    assert ni.breaking_changes(old, {**old, "N": [["a", "INT", 2]] + old["N"][1:]}) == []   # a new default
    cases = {
        "removed": {**old, "N": old["N"][:2]},
        "renamed": {**old, "N": [old["N"][0], ["b2", "FLOAT", 0.5], old["N"][2]]},
        "moved": {**old, "N": [old["N"][1], old["N"][0], old["N"][2]]},
        "inserted": {**old, "N": [old["N"][0], ["new", "INT", 0]] + old["N"][1:]},
        "retyped": {**old, "N": [old["N"][0], ["b", "INT", 0], old["N"][2]]},
        "node gone": {"N": old["N"]},
    }
    for what, new in cases.items():
        assert ni.breaking_changes(old, new), what
