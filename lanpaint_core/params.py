"""The method's knobs: tuned defaults and documented ranges, checked in one place."""
from dataclasses import dataclass, fields

SCHEMES = ("sho", "ou", "lm")
TAPERS = ("none", "falling")  # how the thinking steps fall over the diffusion steps (LanPaintParams.thinking_plan)
LM_MAX_STEP = 2.0  # the lm scheme's Euler step is stable below this

# name: (low, high) inclusive; the documented range of each knob.
RANGES = {
    "lam": (0.0, 50.0),
    "step_size": (1e-3, 5.0),
    "friction": (2.0, 100.0),  # below ~2 large steps with the midpoint kick go unstable
    "beta": (0.05, 10.0),
    "early_stop": (0, 10_000),
    "think_from": (0.0, 1.0),
    "think_every": (1, 10_000),
    "thinking_steps": (0, 100),  # thinking steps per diffusion step (each costs one model call)
}


def check_thinking_steps(thinking_steps) -> int:
    """The number of thinking steps, checked against its one range; returns it."""
    low, high = RANGES["thinking_steps"]
    if isinstance(thinking_steps, bool) or not isinstance(thinking_steps, int) or not low <= thinking_steps <= high:
        raise ValueError(f"LanPaint thinking steps (thinking_steps) must be an integer in [{low}, {high}], got {thinking_steps!r}")
    return thinking_steps


@dataclass(frozen=True)
class LanPaintParams:
    """Knobs of the Langevin inner loop.

    lam:        BiG strength lambda; 0 turns BiG off (plain guidance toward the kept values).
    step_size:  eta; inner step h = eta * (1 - abar) for the regenerated region (below 2 for "lm").
    friction:   gamma; friction Gamma = gamma^2 / (1 - abar) (constant discriminant over time).
    beta:       kept/regenerated step ratio; the kept region steps beta * h.
    early_stop: no thinking for the last `early_stop` diffusion steps.
    think_from: no thinking for the first `think_from` fraction of the diffusion steps
                (steps whose index is below think_from * steps); 0 = think from the first step.
    think_every: thinking before every k-th diffusion step only, counted back from the last one (steps
                S - 1, S - 1 - k, ...): the last step, where the details settle, always thinks, and at
                k = 2 the first (pure noise, where the kept region has no pull yet) does not; 1 = every step.
    taper:      "none": thinking_steps thinking steps at every diffusion step; "falling": they fall as the
                noise does, ceil(thinking_steps * (steps - step) / steps): thinking_steps at the first step, at
                least one at the last (60 % of the thinking calls at 20 steps x 5).
    scheme:     "sho" (Fast Langevin Dynamics, exact oscillator step with frozen force and
                midpoint kick), "ou" (overdamped, exact Ornstein-Uhlenbeck step, frozen force) or
                "lm" (overdamped Langevin, Leimkuhler-Matthews step: noise shared by consecutive
                steps, exact stationary variance for Gaussian data at any stable step; opt-in, see
                README "How exact is it?").
    """

    lam: float = 8.0
    step_size: float = 1.0
    friction: float = 15.0
    beta: float = 1.0
    early_stop: int = 0
    scheme: str = "sho"
    think_from: float = 0.0
    think_every: int = 1
    taper: str = "none"

    def thinking_plan(self, thinking_steps: int, steps: int) -> list[int]:
        """The thinking steps before each of `steps` diffusion steps (the one rule): none in the early-stop
        tail, before think_from and off the think_every grid, tapered when asked; never more than
        thinking_steps."""
        return [self._thinking_at(thinking_steps, step, steps) for step in range(steps)]

    def _thinking_at(self, thinking_steps: int, step: int, steps: int) -> int:
        if step >= steps - self.early_stop or step < self.think_from * steps or (steps - 1 - step) % self.think_every:
            return 0
        if self.taper == "falling":
            return -(-thinking_steps * (steps - step) // steps)
        return thinking_steps

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            choices = {"scheme": SCHEMES, "taper": TAPERS}.get(f.name)
            if choices is not None:
                if value not in choices:
                    raise ValueError(f"LanPaint {f.name} must be one of {choices}, got {value!r}")
                continue
            low, high = RANGES[f.name]
            if f.name in ("early_stop", "think_every"):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"LanPaint {f.name} must be an integer, got {value!r}")
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(f"LanPaint {f.name} must be a number, got {value!r}")
            if not low <= value <= high:  # also rejects NaN
                raise ValueError(f"LanPaint {f.name}={value!r} is outside its range [{low}, {high}]")
        if self.scheme == "lm" and not self.step_size < LM_MAX_STEP:
            raise ValueError(f"LanPaint step_size={self.step_size!r} must be below {LM_MAX_STEP} with "
                             f"scheme 'lm' (its step is unstable from there); use 'sho' or 'ou' for larger steps")
