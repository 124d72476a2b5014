"""How many times LanPaint calls the model: the one place the tests compute it.

Every test that checks a call count (or a progress total, one tick per model call) asks
expected_model_calls, so a change of the method's schedule is one change here.
"""


def expected_model_calls(steps: int, thinking: int, per_evaluation: int = 1) -> int:
    """Model calls of a LanPaint run of ``steps`` diffusion steps with ``thinking`` thinking steps at the
    default settings: each diffusion step evaluates the model thinking + 1 times (each thinking step,
    then the step's own prediction). ``per_evaluation``: the host's model calls per evaluation (1
    when it batches the positive and negative prompt; 2 where their conditioning cannot be batched,
    which the stock sampler shows as 2 calls per step)."""
    return steps * (thinking + 1) * per_evaluation
