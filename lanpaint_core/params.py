"""The method's knobs: tuned defaults and documented ranges, checked in one place."""
from dataclasses import dataclass, fields

SCHEMES = ("sho", "ou", "lm")
LM_MAX_STEP = 2.0  # the lm scheme's Euler step is stable below this

# name: (low, high) inclusive; the documented range of each knob.
RANGES = {
    "lam": (0.0, 50.0),
    "step_size": (1e-3, 5.0),
    "friction": (2.0, 100.0),  # below ~2 large steps with the midpoint kick go unstable
    "beta": (0.05, 10.0),
    "early_stop": (0, 10_000),
    "thinking_steps": (0, 100),  # thinking steps per diffusion step (each costs one model call)
}


def check_thinking_steps(thinking_steps) -> int:
    """The number of thinking steps, checked against its one range; returns it."""
    low, high = RANGES["thinking_steps"]
    if isinstance(thinking_steps, bool) or not isinstance(thinking_steps, int) or not low <= thinking_steps <= high:
        raise ValueError(f"LanPaint thinking_steps must be an integer in [{low}, {high}], got {thinking_steps!r}")
    return thinking_steps


@dataclass(frozen=True)
class LanPaintParams:
    """Knobs of the Langevin inner loop.

    lam:        BiG strength lambda; 0 turns BiG off (plain guidance toward the known values).
    step_size:  eta; inner step h = eta * (1 - abar) for the unknown region (below 2 for "lm").
    friction:   gamma; friction Gamma = gamma^2 / (1 - abar) (constant discriminant over time).
    beta:       known/unknown step ratio; the known region steps beta * h.
    early_stop: no inner iterations for the last `early_stop` diffusion steps.
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

    def thinking_steps(self, thinking_steps: int, step: int, steps: int) -> int:
        """Thinking steps before diffusion step `step` of `steps`: none in the early-stop tail."""
        return thinking_steps if step < steps - self.early_stop else 0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "scheme":
                if value not in SCHEMES:
                    raise ValueError(f"LanPaint scheme must be one of {SCHEMES}, got {value!r}")
                continue
            low, high = RANGES[f.name]
            if f.name == "early_stop":
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"LanPaint early_stop must be an integer, got {value!r}")
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(f"LanPaint {f.name} must be a number, got {value!r}")
            if not low <= value <= high:  # also rejects NaN
                raise ValueError(f"LanPaint {f.name}={value!r} is outside its range [{low}, {high}]")
        if self.scheme == "lm" and not self.step_size < LM_MAX_STEP:
            raise ValueError(f"LanPaint step_size={self.step_size!r} must be below {LM_MAX_STEP} with "
                             f"scheme 'lm' (its step is unstable from there); use 'sho' or 'ou' for larger steps")
