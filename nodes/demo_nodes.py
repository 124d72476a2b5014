"""The shipped demo: its models (MODEL, CLIP, VAE: one for pictures, one for video) and its procedural
scenes and clips with holes, so the bundled demo workflows show what LanPaint does with no download
(lanpaint_demo/)."""
from ..lanpaint_demo import clips, scenes, video_model
from ..lanpaint_demo import model as demo_model

MAX_CLIP_FRAMES = 33      # 1 + 4 * 8: the frame counts beyond the trained 9 stay cheap to sample on a CPU
MAX_CLIP_SIZE = 64        # twice the trained side

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


class LanPaintDemoVideoModelLoader:
    DESCRIPTION = ("The pack's own small demo video model: a Wan 2.1-class video transformer and a Wan VAE, trained "
                   "on %d x %d procedural clips of %d frames (the demo scenes filmed by a panning camera: the wall or "
                   "fence scrolls, the hills follow at half the speed, the sun drifts). Unconditional: the prompt "
                   "has no effect. For trying LanPaint on video without downloading a checkpoint; not an art model."
                   % (video_model.SIZE, video_model.SIZE, video_model.FRAMES))
    CATEGORY = "loaders/LanPaint FLD"
    RETURN_TYPES = ("MODEL", "CLIP", "VAE")
    FUNCTION = "load"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {}}

    def load(self):
        return video_model.load()


class LanPaintDemoClip:
    DESCRIPTION = ("A procedural demo clip and a hole through it, for the demo video model: a demo scene filmed by a "
                   "panning camera. Seeds from %d on were never seen in training. What a hole hides is decided by "
                   "what surrounds it in space and time (the structure keeps its period and moves at the speed the "
                   "visible part shows), so a correct fill can be judged by eye." % scenes.HELD_OUT_SEED)
    CATEGORY = "image/LanPaint FLD"
    RETURN_TYPES = ("IMAGE", "MASK")
    RETURN_NAMES = ("images", "mask")
    OUTPUT_TOOLTIPS = ("The clip's frames, an IMAGE batch [frames, size, size, 3].",
                       "The hole in every frame, a MASK [frames, size, size] (1 = repaint).")
    FUNCTION = "make"

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "seed": ("INT", {"default": scenes.HELD_OUT_SEED, "min": 0, "max": 2 ** 31 - 1,
                             "control_after_generate": True,
                             "tooltip": "Which clip (scene and camera speed). %d and above were never used in "
                                        "training." % scenes.HELD_OUT_SEED}),
            "hole": (list(clips.HOLE_KINDS), {
                "default": "moving_box",
                "tooltip": "The hole to inpaint: box (the centre square in every frame), moving_box (a square "
                           "over the wall or fence that travels with it), stripe (a vertical band in every "
                           "frame), last_frames (the last third of the frames missing: continuing the motion)."}),
            "frames": ("INT", {"default": video_model.FRAMES, "min": 1, "max": MAX_CLIP_FRAMES,
                               "step": video_model.TIME_STRIDE,
                               "tooltip": "Clip length. The video VAE takes 1 + %d k frames (1, 5, 9, 13, ...); the "
                                          "model was trained on %d." % (video_model.TIME_STRIDE, video_model.FRAMES)}),
            "size": ("INT", {"default": video_model.SIZE, "min": 16, "max": MAX_CLIP_SIZE, "step": 4,
                             "tooltip": "Side of the frames in pixels (a multiple of %d, the VAE's scale); the model "
                                        "was trained at %d." % (video_model.DOWNSCALE, video_model.SIZE)}),
        }}

    def make(self, seed, hole, frames, size):
        try:
            video_model.check_frame_count(frames)
        except ValueError as e:
            raise ValueError("LanPaint FLD Demo Clip: 'frames': %s" % e) from None
        return clips.render_clip(seed, frames, size), clips.clip_masks(hole, seed, frames, size)
