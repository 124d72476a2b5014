"""The paper's image table on the project's own demo model: LanPaint FLD against RePaint, DDRM, DPS, MCG,
CoPaint and plain replacement, at each method's paper settings, at equal model calls and at equal wall time.

    python -m benchmarks.paper_table [--scenes 24] [--steps 20] [--seed 0] [--kinds box half ...]
                                     [--out benchmarks/results] [--plot docs/paper_mae_vs_calls.png]

Data: held-out scenes of devtools/demo_model.py under the paper's four mask types (box, half,
checkerboard, outpaint; lanpaint_demo.scenes.masks), each mask type one batch, the same scenes and seed
for every method. Every method runs through the real host as a SAMPLER (benchmarks/host_inpaint.py):
cfg 1, the model's PROMPT, --steps steps (20, the paper's Euler budget) of the host schedule that
benchmarks/trained.py uses (SCHEDULER). LanPaint FLD is lanpaint_core.inpaint (what the nodes run with
euler) at the nodes' defaults (4 thinking steps before every 2nd step: steps x 3 model calls), and with
5 and 10 thinking steps before every step; the baselines are benchmarks/baselines at their paper
settings, at the budget of LanPaint FLD at its defaults (equal calls), and at the calls that take them
as long as LanPaint FLD at its defaults took per picture (equal wall time: their seconds per call
measured in the equal-calls run; the backpropagating methods pay a backward pass per call).

Columns, in pixels after decoding with the model's VAE ("VAE round trip" = decode(encode(scene)), the
floor): MAE and PSNR inside the hole, SSIM of the whole picture (benchmarks/image_metrics.py), seam
and ghosts (pictures with a second sun; benchmarks/trained.py), model calls per picture (forward
calls, counted by a hook on the diffusion model; the gradient methods also run a backward pass per call), seconds per
picture (wall time of the sampling, one CPU thread unless a GPU is present) and peak memory. Each
method runs in a fresh process: on CPU its peak resident memory (getrusage), the rise of that peak
over the loaded process's resident memory while sampling, and the peak of the bytes held by tensors
allocated while sampling the first mask type once more under the profiler (the CPU counterpart of
torch.cuda.max_memory_allocated less what was allocated before: weights and inputs are not counted,
nor the allocator's and the libraries' own memory, which the resident figures include); on a GPU
torch.cuda.max_memory_allocated during sampling.
Writes paper_table.txt and paper_table.json under --out and the MAE-against-calls plot.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
PAPER_KINDS = ("box", "half", "checkerboard", "outpaint")
LANPAINT = "LanPaint FLD"
FLOOR = "VAE round trip"
# LanPaint FLD at the nodes' UI defaults (nodes/settings.py: DEFAULT_THINKING_STEPS, DEFAULT_THINK_EVERY)
DEFAULT_LABEL = f"{LANPAINT} (defaults)"


@dataclass(frozen=True)
class Config:
    """One row: `method` is LANPAINT, a name in benchmarks.baselines.BASELINES, or FLOOR."""
    label: str
    method: str
    steps: int
    settings: dict = field(default_factory=dict)


def node_defaults() -> dict:
    """LanPaint FLD KSampler's thinking settings at its UI defaults, read from the pack."""
    import importlib
    from devtools.host.comfy_env import load_comfy
    from devtools.lanpaint_pack import load_pack
    load_comfy()
    settings = importlib.import_module(load_pack().__name__ + ".nodes.settings")
    return dict(thinking_steps=settings.DEFAULT_THINKING_STEPS, think_every=settings.DEFAULT_THINK_EVERY)


def lanpaint_calls(steps: int, settings: dict) -> int:
    thinking, every = settings.get("thinking_steps", 5), settings.get("think_every", 1)
    return steps + thinking * -(-steps // every)


def configs(steps: int) -> list[Config]:
    """The rows run first: the floor, LanPaint FLD at its defaults and at 5 / 10 thinking steps before
    every step, each baseline at its paper settings and at LanPaint FLD's default budget."""
    from .baselines import BASELINES
    defaults = node_defaults()
    rows = [Config(FLOOR, FLOOR, 0), Config(DEFAULT_LABEL, LANPAINT, steps, defaults)]
    rows += [Config(f"{LANPAINT} {n}", LANPAINT, steps, dict(thinking_steps=n, think_every=1)) for n in (5, 10)]
    calls = lanpaint_calls(steps, defaults)
    for name, b in BASELINES.items():
        paper = b.paper(steps)
        rows.append(Config(f"{name} (paper)", name, *paper))
        equal = b.at_calls(calls, steps)
        if equal != paper:
            rows.append(Config(f"{name} ({b.model_calls(*equal)} calls)", name, *equal))
    return rows


def equal_time_configs(results: dict, steps: int) -> list[Config]:
    """Each baseline at the calls its measured seconds per call buy in LanPaint FLD's default time per
    picture (rows not already run)."""
    from .baselines import BASELINES
    budget = _mean(results[DEFAULT_LABEL], "seconds")
    calls = lanpaint_calls(steps, node_defaults())
    rows = []
    for name, b in BASELINES.items():
        paper, equal = b.paper(steps), b.at_calls(calls, steps)
        ran = results.get(f"{name} ({b.model_calls(*equal)} calls)") or results.get(f"{name} (paper)")
        if ran is None:
            continue
        per_call = _mean(ran, "seconds") / max(_mean(ran, "calls"), 1)
        timed = b.at_calls(max(1, int(budget / per_call)), steps)
        if timed not in (paper, equal):
            rows.append(Config(f"{name} ({b.model_calls(*timed)} calls, equal time)", name, *timed))
    return rows


def _mean(result: dict, key: str) -> float:
    values = [r[key] for r in result["kinds"].values()]
    return sum(values) / len(values)


def method_function(config: Config):
    """method(denoise, latent, mask, sigmas, *, flow, generator) for host_inpaint.MethodSampler."""
    import lanpaint_core as lp
    from .baselines import BASELINES
    run = lp.inpaint if config.method == LANPAINT else BASELINES[config.method].run

    def method(denoise, latent, mask, sigmas, *, flow, generator):
        return run(denoise, latent, mask, sigmas, flow=flow, generator=generator, **config.settings)
    return method


# ----------------------------------------------------------------------------- data and metrics
@dataclass
class Scenes:
    env: object
    model: object
    conditioning: object
    vae: object
    layouts: list
    truth: torch.Tensor        # IMAGE [N, H, W, 3]
    latents: torch.Tensor
    masks: dict                # kind -> MASK [N, H, W]
    size: int


def load_scenes(n_scenes: int, kinds, first_seed: int | None = None) -> Scenes:
    """`n_scenes` held-out scenes from `first_seed` (default: the first held-out seed) under each mask kind."""
    torch.set_num_threads(1)
    from devtools.host.comfy_env import load_comfy
    env = load_comfy()
    from lanpaint_demo import scenes
    from devtools import demo_model
    unknown = [k for k in kinds if k not in scenes.MASK_KINDS]
    if unknown:
        raise SystemExit(f"mask kinds {unknown} are not in lanpaint_demo.scenes.MASK_KINDS {scenes.MASK_KINDS}")
    model, clip, vae = demo_model.load()
    (conditioning,) = env.nodes.CLIPTextEncode().encode(clip, demo_model.PROMPT)
    size = demo_model.SIZE
    first = scenes.HELD_OUT_SEED if first_seed is None else first_seed
    seeds = list(range(first, first + n_scenes))
    truth = torch.cat([demo_model.scene(s) for s in seeds])
    with torch.no_grad():
        latents = vae.encode(truth)
    masks = {k: torch.cat([scenes.masks(k, s, size) for s in seeds]) for k in kinds}
    return Scenes(env, model, conditioning, vae, [scenes.layout(s) for s in seeds], truth, latents, masks, size)


def measure(images, sc: Scenes, kind) -> dict:
    from .image_metrics import region_psnr, ssim
    from .trained import ghost_count, region_mae, seam_score
    mask = sc.masks[kind]
    return {"mae": region_mae(images, sc.truth, mask).mean().item(),
            "psnr": region_psnr(images, sc.truth, mask).mean().item(),
            "ssim": ssim(images, sc.truth).mean().item(),
            "seam": seam_score(images, sc.truth, mask).mean().item(),
            "ghosts": int(ghost_count(images, sc.layouts))}


def sample_kinds(sc: Scenes, config: Config, seed: int) -> dict:
    """kind -> (latents, model calls per picture, seconds per picture) of one method."""
    from devtools.measure import recording
    from .host_inpaint import sample
    from .trained import SCHEDULER
    model, counter = recording(sc.model)
    out = {}
    n = sc.truth.shape[0]
    for kind, mask in sc.masks.items():
        counter.reset()
        t0 = time.perf_counter()
        samples = sample(model, sc.conditioning, sc.latents.clone(), mask[:, None].clone(),
                         method_function(config), steps=config.steps, seed=seed, scheduler=SCHEDULER)
        out[kind] = (samples, counter.batch / n, (time.perf_counter() - t0) / n)
    return out


def decode(sc: Scenes, latents) -> torch.Tensor:
    with torch.no_grad():
        return sc.vae.decode(latents).float()


# ----------------------------------------------------------------------------- one method per process
def resident_kib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


def tensor_peak_mib(run) -> float:
    """Peak of the bytes held by tensors allocated during run(), from the profiler's allocation
    events in the order they happened (frees included)."""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        run()
    sizes, stack = [], list(prof.profiler.kineto_results.experimental_event_tree())
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        size = getattr(node.extra_fields, "alloc_size", None)
        if size is not None:
            sizes.append((node.start_time_ns, size))
    live = peak = 0
    for _, size in sorted(sizes):
        live += size
        peak = max(peak, live)
    return peak / 2**20


def worker(config: Config, n_scenes: int, kinds, seed: int) -> dict:
    """Run one method in this (fresh) process; metrics per mask kind and the process's memory."""
    sc = load_scenes(n_scenes, kinds)
    cuda = torch.cuda.is_available()
    if config.method == FLOOR:
        images = decode(sc, sc.latents)
        return {"kinds": {k: {**measure(images, sc, k), "calls": 0, "seconds": 0.0} for k in kinds}}
    loaded = resident_kib()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    results = sample_kinds(sc, config, seed)
    memory = {"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "sampling_rise_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - loaded) / 1024}
    if cuda:
        memory["cuda_peak_mib"] = torch.cuda.max_memory_allocated() / 2**20
    else:
        first = {kinds[0]: sc.masks[kinds[0]]}
        memory["tensor_peak_mib"] = tensor_peak_mib(lambda: sample_kinds(replace(sc, masks=first), config, seed))
    rows = {}
    for kind, (samples, calls, seconds) in results.items():
        rows[kind] = {**measure(decode(sc, samples), sc, kind), "calls": calls, "seconds": seconds}
    return {"kinds": rows, "memory": memory}


def run_isolated(config: Config, n_scenes: int, kinds, seed: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.paper_table", "--worker", json.dumps(asdict(config)),
           "--scenes", str(n_scenes), "--seed", str(seed), "--kinds", *kinds]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{config.label} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- output
def cell(fmt: str, value) -> str:
    """A table cell: ``value`` formatted, or "-" where it was not measured."""
    return "-" if value is None else fmt % value


def memory_cells(res: dict) -> tuple:
    """(peak, rise, tensors) cells of a method's memory: the GPU's max allocated or the process's peak
    RSS, the RSS rise while sampling, the tensor peak (CPU only)."""
    mem = res.get("memory", {})
    return (cell("%.0f", mem.get("cuda_peak_mib", mem.get("peak_rss_mib"))),
            cell("%.0f", mem.get("sampling_rise_mib")), cell("%.1f", mem.get("tensor_peak_mib")))


def format_tables(results: dict, kinds, n_scenes: int, steps: int) -> str:
    from .trained import SCHEDULER
    lines = [f"{n_scenes} held-out scenes per mask type, {steps} steps (host '{SCHEDULER}' schedule), cfg 1. "
             "MAE / PSNR in the hole, SSIM of the whole picture, seam, ghosts (pictures with a second sun); "
             "calls and seconds per picture; memory per method process (CPU: peak RSS, its rise while sampling, "
             "and the peak of the tensors allocated while sampling the first mask type; GPU: max allocated)."]
    for kind in kinds:
        lines += ["", f"### {kind}", "",
                  "| method | MAE | PSNR | SSIM | seam | ghosts | calls | s / picture | peak MiB | rise MiB | tensors MiB |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for label, res in results.items():
            r = res["kinds"][kind]
            calls = r["calls"] or None
            lines.append("| %s | %.4f | %.2f | %.4f | %.4f | %d | %s | %s | %s | %s | %s |" % (
                label, r["mae"], r["psnr"], r["ssim"], r["seam"], r["ghosts"], cell("%.0f", calls),
                cell("%.3f", r["seconds"] if calls else None), *memory_cells(res)))
    lines += ["", "### MAE in the hole, all mask types", "",
              "| method | " + " | ".join(kinds) + " | calls | peak MiB | tensors MiB |", "|---|" + "---|" * (len(kinds) + 3)]
    for label, res in results.items():
        peak, _, tensors = memory_cells(res)
        lines.append(f"| {label} | " + " | ".join("%.4f" % res["kinds"][k]["mae"] for k in kinds)
                     + " | %s | %s | %s |" % (cell("%.0f", res["kinds"][kinds[0]]["calls"] or None), peak, tensors))
    return "\n".join(lines)


def plot(results: dict, kinds, path: Path, title: str):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(kinds), figsize=(4.2 * len(kinds), 3.8), squeeze=False)
    methods = []
    for label in results:
        base = label.split(" (")[0] if not label.startswith(LANPAINT) else LANPAINT
        if base != FLOOR and base not in methods:
            methods.append(base)
    colours = dict(zip(methods, plt.rcParams["axes.prop_cycle"].by_key()["color"] * 2))
    for ax, kind in zip(axes[0], kinds):
        for m in methods:
            pts = sorted((r["kinds"][kind]["calls"], r["kinds"][kind]["mae"]) for label, r in results.items()
                         if (label.split(" (")[0] if not label.startswith(LANPAINT) else LANPAINT) == m)
            ax.plot(*zip(*pts), "o-", color=colours[m], ms=4, label=m)
        if FLOOR in results:
            ax.axhline(results[FLOOR]["kinds"][kind]["mae"], color="grey", ls="--", lw=0.8, label=FLOOR)
        ax.set_xscale("log")
        ax.set_xlabel("model calls per picture")
        ax.set_title(kind)
        ax.grid(True, which="both", alpha=0.2)
    axes[0][0].set_ylabel("MAE in the hole")
    axes[0][0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    save_figure(fig, path)


def save_figure(fig, path: Path, dpi: int = 110):
    import matplotlib.pyplot as plt
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=24)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kinds", nargs="+", default=list(PAPER_KINDS))
    ap.add_argument("--only", nargs="*", default=None, help="row labels to run (default: all)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results")
    ap.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "paper_mae_vs_calls.png")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(Config(**json.loads(args.worker)), args.scenes, args.kinds, args.seed)))
        return 0
    t_start = time.time()
    results = {}

    def run_rows(rows):
        for config in rows:
            if args.only and config.label not in args.only:
                continue
            t0 = time.time()
            results[config.label] = res = run_isolated(config, args.scenes, args.kinds, args.seed)
            print("%-36s %s  (%.0f s)" % (config.label, "  ".join(
                "%s MAE %.4f" % (k, res["kinds"][k]["mae"]) for k in args.kinds), time.time() - t0), flush=True)
    run_rows(configs(args.steps))
    if DEFAULT_LABEL in results:
        run_rows(equal_time_configs(results, args.steps))
    text = format_tables(results, args.kinds, args.scenes, args.steps)
    print("\n" + text + "\n\n(total %.0f s)" % (time.time() - t_start))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "paper_table.txt").write_text(text + "\n")
    (args.out / "paper_table.json").write_text(json.dumps(
        {"scenes": args.scenes, "steps": args.steps, "seed": args.seed, "kinds": args.kinds, "rows": results},
        indent=1) + "\n")
    plot(results, args.kinds, args.plot,
         f"demo model, {args.scenes} held-out scenes per mask, {args.steps}-step schedule")
    print(f"wrote {args.out / 'paper_table.txt'}, paper_table.json, {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
