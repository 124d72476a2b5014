"""The shipped demo: its model (MODEL, CLIP, VAE) and its procedural scenes with holes, so the bundled
demo workflow shows what LanPaint does with no download (lanpaint_demo/)."""
from ..lanpaint_demo import model as demo_model
from ..lanpaint_demo import scenes

class LanPaintDemoModelLoader:
    DESCRIPTION = ("The pack's own small demo model: an SD 3.5-class MMDiT and its VAE, trained on 64 x 64 "
                   "procedural scenes (sky, one sun, hills, a brick wall, fence, stripes or tiles). "
                   "Unconditional: the prompt has no effect. For trying LanPaint without downloading a "
                   "checkpoint; not an art model.")
    CATEGORY = "loaders/LanPaint FLD"
    RETURN_TYPES = ("MODEL", "CLIP", "VAE")
    FUNCTION = "load"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {}}

    def load(self):
        return demo_model.load()


class LanPaintDemoScene:
    DESCRIPTION = ("A procedural demo scene and a hole in it, for the demo model. Seeds from %d on were never "
                   "seen in training. Everything a hole hides is decided by what surrounds it (the wall's "
                   "courses, the fence's period, the hill line, the one sun), so a correct fill can be "
                   "judged by eye." % scenes.HELD_OUT_SEED)
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("IMAGE", "MASK")
    RETURN_NAMES = ("image", "mask")
    FUNCTION = "make"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "seed": ("INT", {"default": scenes.HELD_OUT_SEED, "min": 0, "max": 2 ** 31 - 1,
                             "control_after_generate": True,
                             "tooltip": "Which scene. %d and above were never used in training." % scenes.HELD_OUT_SEED}),
            "hole": (list(scenes.MASK_KINDS), {
                "default": "box",
                "tooltip": "The hole to inpaint: box (centre square), half (right half), checkerboard, "
                           "outpaint (a border all round), stripe (a vertical band), blob (irregular)."}),
            "size": ("INT", {"default": demo_model.SIZE, "min": 16, "max": demo_model.MAX_SIZE, "step": 4,
                             "tooltip": "Side of the picture in pixels; the demo model was trained at %d and "
                                        "takes at most %d." % (demo_model.SIZE, demo_model.MAX_SIZE)}),
        }}

    def make(self, seed, hole, size):
        image = scenes.render(scenes.layout(seed), size)
        return image, scenes.masks(hole, seed, size)
