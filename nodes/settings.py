"""What a LanPaint node was asked to do: core knobs, thinking steps and the BiG CFG scale.

Input specifications (ranges, defaults, tooltips) live here once and every node reuses them.
"""
from dataclasses import dataclass, field

from ..lanpaint_core import RANGES, SCHEMES, LanPaintParams
from ..lanpaint_core.params import check_thinking_steps
from .inputs import check_finite_inputs

PROMPT_MODES = ("Image First", "Prompt First")
# The cost at the UI defaults: LanPaint thinks DEFAULT_THINKING_STEPS steps before every
# DEFAULT_THINK_EVERY-th diffusion step, i.e. steps + 4 * steps / 2 = 3x a plain sampler's model calls
# (README, "What a picture costs"; chosen in benchmarks/budget.py, docs/compare.md).
DEFAULT_THINKING_STEPS = 4
DEFAULT_THINK_EVERY = 2
MAX_THINK_EVERY = 100
PROMPT_FIRST_BIG_CFG = -0.5  # the LanPaint authors' "prompt first" BiG scale (paper: the BiG score; README, Nodes)
BIG_CFG_LIMIT = 100.0  # |BiG CFG scale| at most this
# The big_cfg widget's value meaning "auto" (the sampler's cfg, or Prompt First's scale): a FLOAT widget
# cannot be empty, so the value just below the scale's range stands for it.
BIG_CFG_AUTO = -BIG_CFG_LIMIT - 1
WHOLE_LATENT = -1  # crop_padding meaning "sample the whole latent"
MAX_CROP_PADDING = 16384

_DEFAULTS = LanPaintParams()


@dataclass(frozen=True)
class LanPaintSettings:
    params: LanPaintParams = field(default_factory=lambda: LanPaintParams(think_every=DEFAULT_THINK_EVERY))
    thinking_steps: int = DEFAULT_THINKING_STEPS
    big_cfg: float | None = None  # CFG scale of the kept-region estimate; None: the sampler's cfg
    crop_padding: int = WHOLE_LATENT  # image pixels around the regenerated region; -1: whole latent

    def __post_init__(self):
        check_thinking_steps(self.thinking_steps)
        check_crop_padding(self.crop_padding)
        if self.big_cfg is not None and not -BIG_CFG_LIMIT <= self.big_cfg <= BIG_CFG_LIMIT:
            raise ValueError(f"LanPaint BiG CFG scale must lie in [{-BIG_CFG_LIMIT:g}, {BIG_CFG_LIMIT:g}], "
                             f"got {self.big_cfg!r}")

    @classmethod
    def from_inputs(cls, thinking_steps, prompt_mode=PROMPT_MODES[0], big_cfg=None, crop_padding=WHOLE_LATENT,
                    think_every=DEFAULT_THINK_EVERY, **params):
        if prompt_mode not in PROMPT_MODES:
            raise ValueError(f"LanPaint prompt mode must be one of {PROMPT_MODES}, got {prompt_mode!r}")
        if big_cfg is None and prompt_mode == "Prompt First":
            big_cfg = PROMPT_FIRST_BIG_CFG
        check_think_every(think_every)
        return cls(LanPaintParams(think_every=think_every, **params), thinking_steps, big_cfg, crop_padding)


def check_crop_padding(crop_padding):
    if isinstance(crop_padding, bool) or not isinstance(crop_padding, int) or \
            not WHOLE_LATENT <= crop_padding <= MAX_CROP_PADDING:
        raise ValueError(f"LanPaint: the input 'crop_padding' must be a whole number of pixels from "
                         f"{WHOLE_LATENT} (whole latent) to {MAX_CROP_PADDING}, got {crop_padding!r}.")


def check_think_every(think_every):
    if isinstance(think_every, bool) or not isinstance(think_every, int) or not 1 <= think_every <= MAX_THINK_EVERY:
        raise ValueError(f"LanPaint: the input 'think_every' must be a whole number of diffusion steps from 1 to "
                         f"{MAX_THINK_EVERY}, got {think_every!r}.")


def thinking_steps_input():
    low, high = RANGES["thinking_steps"]
    return ("INT", {"default": DEFAULT_THINKING_STEPS, "min": low, "max": high,
                    "tooltip": "LanPaint thinking steps: Langevin steps before each diffusion step that thinks "
                               "(see think_every). Each costs one model call: at the defaults (4, every 2nd "
                               "step) a picture costs 3x a plain sampler's calls. 0 is ComfyUI's plain masked "
                               "sampling."})


def think_every_input():
    return ("INT", {"default": DEFAULT_THINK_EVERY, "min": 1, "max": MAX_THINK_EVERY,
                    "tooltip": "Think before every k-th diffusion step only. Model calls per picture: steps + "
                               "thinking_steps x (steps / think_every). 2 (the default): half the thinking "
                               "calls of 1 at about the same picture; 1: every step (LanPaint's default before "
                               "0.2, the most exact, 2x the thinking calls)."})


def prompt_mode_input():
    return (list(PROMPT_MODES), {"default": PROMPT_MODES[0],
                                 "tooltip": "Image First: the inpainted region follows the surrounding "
                                            "image. Prompt First: follows the prompt more strongly "
                                            "(BiG CFG scale -0.5), at some cost in seamlessness."})


def _float(name, default, tooltip, step):
    low, high = RANGES[name]
    return ("FLOAT", {"default": default, "min": low, "max": high, "step": step, "tooltip": tooltip})


def appended_inputs():
    """The inputs appended after the first release, last and optional, so API prompts saved before they
    existed still validate: crop_padding (whole latent when absent), think_every."""
    return {"crop_padding": crop_padding_input(), "think_every": think_every_input()}


def crop_padding_input():
    # step 1: the frontend snaps INT widgets to min + k * step, so a step of 8 from -1 would allow
    # 63 or 71 but not 64
    return ("INT", {"default": WHOLE_LATENT, "min": WHOLE_LATENT, "max": MAX_CROP_PADDING, "step": 1,
                    "tooltip": "Big pictures: sample only the box around the masked region, grown by this "
                               "many image pixels of context, and paste it back (the rest stays exactly "
                               "the input). Much faster for a small mask in a large image; more padding "
                               "gives the model more surroundings to match. -1 = the whole latent."})


def method_inputs():
    """Every knob of the method, for the Advanced node and the LanPaint Sampler."""
    return {
        "lambda_": _float("lam", _DEFAULTS.lam, "BiG strength: how hard the regenerated region pushes "
                          "back on the kept one, so samples escape poor local fits. 0 disables BiG.", 0.1),
        "step_size": _float("step_size", _DEFAULTS.step_size, "Langevin step size (eta) in units of the "
                            "current noise variance. Larger mixes faster but less accurately.", 0.01),
        "friction": _float("friction", _DEFAULTS.friction, "Friction (gamma) of Fast Langevin Dynamics. "
                           "Low values keep more momentum (faster mixing, more overshoot).", 0.1),
        "beta": _float("beta", _DEFAULTS.beta, "Kept/regenerated step ratio: the kept region's step is "
                       "beta times the regenerated region's.", 0.05),
        "early_stop": ("INT", {"default": _DEFAULTS.early_stop, "min": 0, "max": RANGES["early_stop"][1],
                               "tooltip": "Skip thinking steps for the last N diffusion steps."}),
        "inner_scheme": (list(SCHEMES), {"default": _DEFAULTS.scheme,
                                         "tooltip": "sho: Fast Langevin Dynamics with the exact oscillator "
                                                    "step (recommended). ou: overdamped exact "
                                                    "Ornstein-Uhlenbeck step. lm: overdamped Langevin, "
                                                    "Leimkuhler-Matthews step, exact spread for Gaussian "
                                                    "data at any step_size below 2 (1.5 measured); "
                                                    "closest to exact on EPS/V models (docs/exactness.md, "
                                                    "How exact is it?)."}),
        "big_cfg": ("FLOAT", {"default": BIG_CFG_AUTO, "min": BIG_CFG_AUTO, "max": BIG_CFG_LIMIT, "step": 0.1,
                              "tooltip": "CFG scale of the model estimate that drives the kept region "
                                         "(taken from the same batched model call). -101 = auto: the "
                                         "sampler's cfg, or -0.5 in Prompt First mode."}),
    }


def settings_from_method_inputs(thinking_steps, prompt_mode, lambda_, step_size, friction, beta,
                                early_stop, inner_scheme, big_cfg, crop_padding=WHOLE_LATENT,
                                think_every=DEFAULT_THINK_EVERY):
    check_finite_inputs(lambda_=lambda_, step_size=step_size, friction=friction, beta=beta, big_cfg=big_cfg)
    return LanPaintSettings.from_inputs(
        thinking_steps, prompt_mode, None if big_cfg <= BIG_CFG_AUTO else big_cfg, crop_padding, think_every,
        lam=lambda_, step_size=step_size, friction=friction, beta=beta,
        early_stop=early_stop, scheme=inner_scheme)
