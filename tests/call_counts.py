"""How many times LanPaint calls the model: the one place the tests compute it.

Every test that checks a call count (or a progress total, one tick per model call) asks
expected_model_calls, so a change of the method's schedule is one change here.
"""
from devtools.lanpaint_pack import load_pack


def default_think_every() -> int:
    """The think_every LanPaint's nodes use when a graph does not set it (the widget's default)."""
    return load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"].INPUT_TYPES()["optional"]["think_every"][1]["default"]


def expected_model_calls(steps: int, thinking: int, per_evaluation: int = 1, think_every: int | None = None) -> int:
    """Model calls of a LanPaint run of ``steps`` diffusion steps with ``thinking`` thinking steps before every
    ``think_every``-th step (steps 0, k, 2k, ...; None: the nodes' default): each diffusion step's own
    prediction, plus the thinking steps. ``per_evaluation``: the host's model calls per evaluation (1
    when it batches the positive and negative prompt; 2 where their conditioning cannot be batched,
    which the stock sampler shows as 2 calls per step)."""
    every = default_think_every() if think_every is None else think_every
    thinking_diffusion_steps = -(-steps // every)
    return (steps + thinking * thinking_diffusion_steps) * per_evaluation
