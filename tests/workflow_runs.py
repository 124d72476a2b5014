"""Running a bundled workflow on the test server with tiny models, shared by the workflow tests and the
browser test: the input picture, the prompt made small, and the checks of what it saved."""
import numpy as np
from PIL import Image

from devtools.tiny_loaders import swap_loaders

SIZE = 128                 # input image side (latent 16x16)
HOLE = (40, 88)            # transparent square [40, 88) x [40, 88): the area to repaint
OUTPAINT_RIGHT = 32        # test padding (the shipped workflow pads 256 px)
CROP_PADDING = 16          # LanPaint FLD Crop's context in the test (the shipped workflow: 128 px, target 1024)
TEST_STEPS = 3
TEST_THINKING_STEPS = 2
SQUARE_HOLE = (HOLE[0], HOLE[1], HOLE[0], HOLE[1])   # (top, bottom, left, right)


def input_image(holes=(SQUARE_HOLE,)):
    """RGB pattern with transparent rectangles (LoadImage: mask = 1 - alpha)."""
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    rgb = np.stack([(x * 2) % 256, (y * 2) % 256, ((x + y) * 3) % 256], -1).astype(np.uint8)
    alpha = np.full((SIZE, SIZE), 255, np.uint8)
    for top, bottom, left, right in holes:
        alpha[top:bottom, left:right] = 0
    return np.dstack([rgb, alpha])


def tiny_prompt(api, family):
    """An API prompt of a shipped workflow on tiny models with few steps (a changed copy)."""
    api = swap_loaders(api, family)
    for node in api.values():
        inputs = node["inputs"]
        if "steps" in inputs:
            inputs["steps"] = TEST_STEPS
        if "thinking_steps" in inputs:
            inputs["thinking_steps"] = TEST_THINKING_STEPS
        if node["class_type"] == "ImagePadForOutpaint":
            inputs.update(right=OUTPAINT_RIGHT, feathering=8)
        if node["class_type"] == "LanPaintCrop":
            inputs.update(padding=CROP_PADDING, target_size=SIZE)
    return api


def saved_image(server, entry, node_id):
    """The one image a SaveImage node wrote in a finished prompt's history entry, as int RGB."""
    images = entry["outputs"][node_id]["images"]
    assert len(images) == 1, images
    f = images[0]
    path = server.base / "output" / f["subfolder"] / f["filename"]
    assert path.is_file(), "SaveImage output %s not written" % path
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def check_inpainted(out, rgba, holes=(SQUARE_HOLE,)):
    """The input outside the holes (beyond a 9 px feather; 8-bit PNG round trip: +-1), new inside each."""
    rgb = rgba[..., :3].astype(int)
    assert out.shape == (SIZE, SIZE, 3), out.shape
    far = np.ones((SIZE, SIZE), bool)
    for top, bottom, left, right in holes:
        far[max(top - 12, 0):bottom + 12, max(left - 12, 0):right + 12] = False
        inside = np.abs(out[top:bottom, left:right] - rgb[top:bottom, left:right])
        assert inside.mean() > 2.0, "the masked area was not repainted (mean diff %.2f)" % inside.mean()
    keep = np.abs(out[far] - rgb[far])
    assert keep.max() <= 1, "pixels outside the mask changed by up to %d" % keep.max()
