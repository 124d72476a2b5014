"""One progress bar, counted in model calls, across diffusion steps and thinking steps."""
import comfy.model_management


class CallProgress:
    """Maps (step, inner iteration) onto the host's callback(step, x0, x, total_steps).

    The host callback drives the node's progress bar and latent preview; checking for an
    interrupt here lets the user stop between thinking steps, not only between diffusion steps.
    """

    def __init__(self, callback, calls_per_step: list[int], run: int = 0, runs: int = 1):
        """`run` of `runs` equal sampler runs (crop boxes of different sizes) share one bar."""
        self.callback = callback
        self.total = sum(calls_per_step) * runs
        offset = sum(calls_per_step) * run
        self.start = [offset + sum(calls_per_step[:i]) for i in range(len(calls_per_step))]
        self.calls = calls_per_step

    def inner(self, step: int, k: int, x0, x):
        comfy.model_management.throw_exception_if_processing_interrupted()
        if self.callback is not None:
            self.callback(self.start[step] + k, x0, x, self.total)

    def step_done(self, info: dict):
        """k-diffusion sampler callback at the end of step info["i"]."""
        if self.callback is not None:
            i = min(info["i"], len(self.calls) - 1)
            self.callback(self.start[i] + self.calls[i] - 1, info["denoised"], info["x"], self.total)
