"""Overhead benchmark: LanPaint's cost per diffusion step and its peak memory, on the real host.

    python -m benchmarks.overhead [--cpu] [--size 128] [--inner 1 5 10] [--repeats R] [--mem-inner N]

Model: a tiny seeded SDXL UNet (devtools/host/tiny_models.tiny_sdxl) on a [1,4,S,S] latent
(S=128 by default, a 1024x1024 image) with a right-half noise mask, cfg 3 (cond and uncond in
one batched model call), euler / normal.

Time: one diffusion step of LanPaint KSampler (Advanced) with N thinking steps (early_stop 0,
other knobs at their defaults) against the stock KSampler (Advanced). A counting wrapper
(model_function_wrapper) records every UNet call and the time spent inside it, so the table
shows the calls per step (LanPaint should make N+1), the step time relative to N+1 stock
steps, and the time per step spent outside the model (LanPaint's own arithmetic and the
sampler/guider bookkeeping). A warm-up step runs first.

Memory: each variant runs once in its own subprocess. On CUDA: torch.cuda.max_memory_allocated
above the allocation before sampling. On CPU: the peak resident set size (VmHWM, reset through
/proc/self/clear_refs before sampling; ru_maxrss when that is unavailable) above the resident
size before sampling.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from devtools.lanpaint_pack import REPO_ROOT
from devtools.measure import ModelCalls, PeakMemory

CFG = 3.0
SEED = 0


# ----------------------------------------------------------------------------- setup
def _setup(device):
    if device == "cuda":
        os.environ["LANPAINT_TEST_DEVICE"] = "gpu"
    else:
        os.environ.pop("LANPAINT_TEST_DEVICE", None)
    import torch
    torch.set_num_threads(1)
    from devtools.host.comfy_env import load_comfy
    from devtools.host import tiny_families as fam
    from devtools.host import tiny_models as tm
    from devtools.lanpaint_pack import load_pack
    env = load_comfy()
    pack = load_pack()
    return torch, env, tm, fam, pack


class Bench:
    def __init__(self, device, size):
        self.torch, self.env, self.tm, self.fam, self.pack = _setup(device)
        torch = self.torch
        self.cuda = device == "cuda"
        self.sync = torch.cuda.synchronize if self.cuda else (lambda: None)
        self.counter = ModelCalls(sync=self.sync)
        base = self.tm.tiny_sdxl(seed=0)
        self.model = base.clone()
        self.model.set_model_unet_function_wrapper(self.counter)
        self.pos, self.neg = self.fam.sdxl_conds()
        g = torch.Generator().manual_seed(1)
        self.latent = torch.randn((1, 4, size, size), generator=g)
        self.mask = self.fam.half_mask(size, size)
        nodes = self.pack.NODE_CLASS_MAPPINGS
        self.lanpaint = nodes["LanPaintKSamplerAdvanced"]()
        req = nodes["LanPaintKSamplerAdvanced"].INPUT_TYPES()["required"]
        self.method_defaults = {k: req[k][1]["default"] for k in
                                ("lambda_", "step_size", "friction", "beta", "inner_scheme", "big_cfg")}
        self.stock = self.env.nodes.KSamplerAdvanced()

    def _common(self, steps):
        return dict(model=self.model, add_noise="enable", noise_seed=SEED, steps=steps, cfg=CFG,
                    sampler_name="euler", scheduler="normal", positive=self.pos, negative=self.neg,
                    latent_image={"samples": self.latent.clone(), "noise_mask": self.mask},
                    start_at_step=0, end_at_step=10000, return_with_leftover_noise="disable")

    def run(self, thinking_steps, steps):
        """Sample `steps` steps; thinking_steps None = stock KSampler (Advanced). Returns the latent."""
        if thinking_steps is None:
            (out,) = self.stock.sample(**self._common(steps))
        else:
            (out,) = self.lanpaint.sample(**self._common(steps), thinking_steps=thinking_steps,
                                          prompt_mode="Image First", early_stop=0, **self.method_defaults)
        self.sync()
        return out

    def timed(self, thinking_steps, steps, repeats):
        """Median over repeats of (wall s, calls, batch elements, s inside the model)."""
        rows = []
        for _ in range(repeats):
            self.counter.reset()
            self.sync()
            t = time.perf_counter()
            self.run(thinking_steps, steps)
            wall = time.perf_counter() - t
            rows.append((wall, self.counter.calls, self.counter.batch, self.counter.seconds))
        rows.sort()
        return rows[len(rows) // 2]


# ----------------------------------------------------------------------------- memory worker
def memory_worker(device, size, thinking_steps):
    bench = Bench(device, size)
    with PeakMemory(bench.cuda) as peak:
        bench.run(thinking_steps, 1)
    result = {"method": peak.method, "peak_delta_mib": peak.mib, "calls": bench.counter.calls}
    print("RESULT " + json.dumps(result), flush=True)


def _memory(device, size, thinking_steps):
    cmd = [sys.executable, "-m", "benchmarks.overhead", "--memory-worker",
           "stock" if thinking_steps is None else str(thinking_steps), "--size", str(size)]
    if device == "cpu":
        cmd.append("--cpu")
    proc = subprocess.run(cmd, cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"))
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError("memory worker failed (rc %s):\n%s" % (proc.returncode, proc.stderr[-3000:]))


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cpu", action="store_true", help="use the CPU even when CUDA is available")
    ap.add_argument("--size", type=int, default=128, help="latent height and width (>= 128 for the report)")
    ap.add_argument("--inner", type=int, nargs="+", default=[1, 5, 10], help="thinking steps N to time")
    ap.add_argument("--repeats", type=int, default=None, help="timed runs per row (median); default 1 on "
                    "CPU, 5 on CUDA")
    ap.add_argument("--stock-steps", type=int, default=2, help="diffusion steps of the stock timing run")
    ap.add_argument("--mem-inner", type=int, default=2, help="thinking steps of the memory run")
    ap.add_argument("--no-memory", action="store_true")
    ap.add_argument("--memory-worker", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    import torch
    device = "cuda" if torch.cuda.is_available() and not args.cpu else "cpu"
    if args.memory_worker is not None:
        n = None if args.memory_worker == "stock" else int(args.memory_worker)
        return memory_worker(device, args.size, n)
    repeats = args.repeats or (5 if device == "cuda" else 1)

    t_start = time.perf_counter()
    bench = Bench(device, args.size)
    print("LanPaint overhead benchmark: tiny SDXL, latent [1,4,%d,%d], cfg %.1f, euler/normal, device %s, "
          "torch threads %d" % (args.size, args.size, CFG, device, torch.get_num_threads()), flush=True)
    bench.timed(None, 1, 1)  # warm-up (first-call allocations, model load)

    wall, calls, batch, in_model = bench.timed(None, args.stock_steps, repeats)
    calls_stock = calls // args.stock_steps
    stock_step = wall / args.stock_steps
    stock_call = in_model / calls
    stock_outside = (wall - in_model) / args.stock_steps
    print("stock: %d steps in %.2f s, %d model calls (batch %d each), %.3f s per model call"
          % (args.stock_steps, wall, calls, batch // max(calls, 1), stock_call), flush=True)

    rows = []
    for n in args.inner:
        wall, calls, batch, in_model = bench.timed(n, 1, repeats)
        rows.append((n, wall, calls, in_model))
        print("  LanPaint N=%d: 1 step in %.2f s, %d model calls (batch %d each), %.3f s per model call"
              % (n, wall, calls, batch // max(calls, 1), in_model / max(calls, 1)), flush=True)

    hdr = ("N", "calls/step", "step s", "(N+1)*stock s", "ratio", "in-model s", "outside s", "extra outside %")
    print()
    print("Time per diffusion step (median of %d run%s)" % (repeats, "s" if repeats > 1 else ""))
    print("%5s %10s %8s %13s %6s %10s %9s %15s" % hdr)
    print("%5s %10d %8.3f %13s %6s %10.3f %9.4f %15s" % ("stock", calls_stock, stock_step, "-", "-",
                                                          stock_step - stock_outside, stock_outside, "-"))
    for n, wall, calls, in_model in rows:
        ref = (n + 1) * stock_step
        outside = wall - in_model
        extra = (outside - (n + 1) * stock_outside) / wall * 100
        print("%5d %10d %8.3f %13.3f %6.3f %10.3f %9.4f %15.2f" % (n, calls, wall, ref, wall / ref, in_model,
                                                                   outside, extra))
    print("ratio = LanPaint step / (N+1) stock steps. outside = step time not spent in UNet calls; "
          "extra outside % = (outside - (N+1) * stock outside) / LanPaint step, i.e. LanPaint's own "
          "arithmetic as a share of the step.")

    if not args.no_memory:
        print()
        print("Peak memory during one diffusion step (separate subprocess per row)")
        stock = _memory(device, args.size, None)
        lan = _memory(device, args.size, args.mem_inner)
        print("%-22s %12s %7s  %s" % ("variant", "peak +MiB", "calls", "method"))
        print("%-22s %12.1f %7d  %s" % ("stock KSampler", stock["peak_delta_mib"], stock["calls"], stock["method"]))
        print("%-22s %12.1f %7d  %s" % ("LanPaint N=%d" % args.mem_inner, lan["peak_delta_mib"], lan["calls"],
                                         lan["method"]))
        print("LanPaint - stock: %+.1f MiB (latent [1,4,%d,%d] float32 = %.2f MiB)"
              % (lan["peak_delta_mib"] - stock["peak_delta_mib"], args.size, args.size,
                 4 * args.size * args.size * 4 / 2 ** 20))
    print("\ntotal benchmark time %.0f s" % (time.perf_counter() - t_start))


if __name__ == "__main__":
    main()
