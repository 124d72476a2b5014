"""One progress bar, counted in model calls, across diffusion steps and thinking steps."""
import comfy.model_management
from tqdm.auto import tqdm


class CallProgress:
    """Maps (step, thinking step) onto the host's callback(step, x0, x, total_steps).

    The host callback drives the node's progress bar and latent preview; checking for an
    interrupt here lets the user stop between thinking steps, not only between diffusion steps.
    """

    def __init__(self, callback, calls_per_step: list[int], run: int = 0, runs: int = 1, disable: bool = True):
        """`run` of `runs` equal sampler runs (crop boxes of different sizes) share one bar; `disable`
        hides the console bar (the host's disable_pbar)."""
        self.callback = callback
        self.total = sum(calls_per_step) * runs
        self.offset = sum(calls_per_step) * run
        self.start = [self.offset + sum(calls_per_step[:i]) for i in range(len(calls_per_step))]
        self.calls = calls_per_step
        self.console = tqdm(total=self.total, initial=self.offset, unit="call", disable=disable)

    def _report(self, done: int, x0, x):
        """`done` calls of the total are made; x0 and x: the preview's estimate and state."""
        self.console.update(done - self.console.n)
        if self.callback is not None:
            self.callback(done - 1, x0, x, self.total)

    def close(self):
        self.console.close()

    def thinking(self, step: int, x):
        """on_iteration for the thinking before diffusion step `step` (x: the state the preview shows)."""
        def on_iteration(k: int, x0):
            comfy.model_management.throw_exception_if_processing_interrupted()
            self._report(self.start[step] + k + 1, x0, x)
        return on_iteration

    def sampler_callback(self, first_step: int):
        """k-diffusion sampler callback for a sampler run that starts at diffusion step `first_step`."""
        def step_done(info: dict):
            i = min(first_step + info["i"], len(self.calls) - 1)
            self._report(self.start[i] + self.calls[i], info["denoised"], info["x"])
        return step_done
