"""The video mask morph, twice: the node's (nodes/mask_keyframes.py) and the editor's preview
(web/mask_keyframes.js, run in headless chromium), each held to the same shared vectors
(tests/data/mask_morph_vectors.json, written by ``python -m devtools.mask_vectors``): every frame's
mask, keyframes and in-between frames, pixel for pixel, so the preview shows what the node will make.
"""
import json

import torch

from devtools import mask_vectors
from devtools.lanpaint_pack import REPO_ROOT
from tests.browser_session import blank_page

MODULE = REPO_ROOT / "web" / "mask_keyframes.js"

# Imports the module from its source (a blob URL: about:blank serves no files) and runs every case.
RUN_JS = """async ([source, cases]) => {
  const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  const mk = await import(url);
  return cases.map((c) => {
    const keys = new Map(c.keyframes.map((k) => [k.frame, mk.rleDecode(k.mask, c.width, c.height)]));
    const fields = new Map();
    return Array.from({length: c.frames}, (_, f) => mk.rleEncode(mk.frameMask(keys, f, c.height, c.width, fields)));
  });
}"""


def _vectors():
    return json.loads(mask_vectors.VECTORS.read_text())


def test_vectors_are_what_the_node_makes():
    """The file is up to date with nodes/mask_keyframes.py (and covers what it should)."""
    assert mask_vectors.VECTORS.read_text() == mask_vectors.dumps(mask_vectors.vectors()), \
        "rerun python -m devtools.mask_vectors"
    cases = _vectors()["cases"]
    assert any(max(c["width"], c["height"]) > 256 for c in cases)      # fields worked out at a smaller size
    assert any(len(k["mask"]) == 1 for c in cases for k in c["keyframes"])   # an empty keyframe: one "keep" run


def test_node_morph_reproduces_the_vectors():
    mk = mask_vectors.node_morph()
    for case in _vectors()["cases"]:
        h, w = case["height"], case["width"]
        keys = {k["frame"]: mk.rle_decode(k["mask"], h, w) for k in case["keyframes"]}
        got = mk.interpolate(keys, case["frames"])
        for f, runs in enumerate(case["masks"]):
            assert torch.equal(got[f], mk.rle_decode(runs, h, w)), (case["name"], f)


def test_browser_morph_reproduces_the_vectors():
    cases = _vectors()["cases"]
    with blank_page() as page:
        got = page.evaluate(RUN_JS, [MODULE.read_text(), cases])
    for case, masks in zip(cases, got):
        for f, (runs, want) in enumerate(zip(masks, case["masks"])):
            assert runs == want, "%s, frame %d: the editor's preview differs from the node's mask" % (case["name"], f)
    in_between = [m for c in cases for f, m in enumerate(c["masks"]) if f not in {k["frame"] for k in c["keyframes"]}]
    assert len(in_between) >= 10
