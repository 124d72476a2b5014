"""What a picture costs: LanPaint FLD's quality against model calls, over outer steps x thinking steps x
thinking schedules x samplers, on the analytic cases (KL) and on the demo model (MAE, seam, phase, ghosts).

    python -m benchmarks.budget [--part analytic|samplers|demo|all|combine] [--quick] [--samples N]
                                [--scenes N] [--split validation|test|both] [--out benchmarks/results]
                                [--plot docs/budget.png]

A part run alone writes budget_<part>.txt / .json (the parts are independent and may run side by side);
--part combine then reads the parts' json files and writes the verdict and the plot as --part all would.
--defaults-only (with --part analytic) runs only the old and the new default, to give the analytic
verdict more samples than the grid can afford (KL below about 0.005 is at the estimator's noise at the
grid's samples): budget_analytic_defaults.json, which combine then uses for the analytic verdict.
--old-core DIR runs the old default with the code of another checkout (e.g. `git worktree add DIR
df3b855`: version 0.1.0's sampling code): with --part analytic its lanpaint_core, with --part demo
its pack's LanPaint FLD KSampler (same scenes, noise and seed as the rest). That is the 120-call
default as it was before version 0.2, for the verdict against what users had
(budget_<part>_old_core.json; combine prints the new default against it).

Plans (outer steps S x thinking N; every plan at the method's default knobs otherwise):
- grid: S in 5, 6, 8, 10, 12, 15, 20 x N in 0-6, 8, 10, uniform (N thinking steps before every step);
- schedules at 20 outer steps: falling (thinking that falls with the noise, ceil(N (S - i) / S)), every
  k-th step (think_every), the first part of the schedule only (early_stop), a late start (think_from);
- samplers: euler, euler_ancestral, heun, dpmpp_2m, dpmpp_2m_sde, uni_pc, lcm (where it applies: a
  distilled sampler, measured all the same) at the new default (on the analytic laws also at the old
  one, 20 x 5), each against euler at the same plan.
Model calls are counted (the analytic denoisers count calls; on the demo a forward hook counts batch
elements per picture).

Analytic (part "analytic", lanpaint_core.inpaint = Euler): the 2-D Gaussian and 25-component mixture of
benchmarks/exactness.py and three many-dimensional Gaussians (16-D wishart, 4 regenerated; 64-D field,
8 regenerated; 16-D field, 12 regenerated), each on VE (SDXL's Karras sigmas) and flow (shift 3,
"simple"). Part "samplers" runs the same Gaussian and mixture laws mounted in real EPS and flow
BaseModels (devtools/host/analytic_models) through LanPaint FLD KSampler with each host sampler. KL is
the exactness benchmark's metric; [lo, hi] is a 90 % bootstrap interval over the samples.

Demo (part "demo"): held-out scenes of the demo model x the six hole kinds through the real host
(LanPaint FLD KSampler; stock = the KSampler on a masked latent). Two disjoint ranges of held-out
scenes: VALIDATION (24 scenes from seed 101000; the grid, the schedules and the samplers) chose the
default; TEST (48 scenes from seed 102000; the old and new defaults, the new one with every sampler)
reports it and no choice looked at it (the earlier benchmarks used seeds 100000-100063). MAE is in
the hole, in [0, 1] pixels; ratios are against 20 x 5 with euler on the same scenes and noise, with a
90 % paired bootstrap interval over scenes.

The verdict compares the new default with 20 x 5 measured here (which includes this version's warm
start, so it is stricter than the 120-call default before it: see docs/compare.md): at most 1.1x its
MAE on the demo's test scenes, every sampler within 1.1x of euler at the same plan, and at most 2x
its KL on every analytic case.

Writes budget.txt and budget.json under --out and the Pareto plot (quality against calls, one panel
per case).
"""
from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
VALIDATION_SEED, TEST_SEED = 101000, 102000
STEPS_GRID = (5, 6, 8, 10, 12, 15, 20)
THINKING_GRID = (0, 1, 2, 3, 4, 5, 6, 8, 10)   # 0-10, past 6 every other value (the curves are flat there)
SAMPLERS = ("euler", "euler_ancestral", "heun", "dpmpp_2m", "dpmpp_2m_sde", "uni_pc", "lcm")
BOOTSTRAP = 200
SEED = 1234


@dataclass(frozen=True)
class Plan:
    """S outer steps with N thinking steps under `knobs` (LanPaintParams), run by `sampler`."""
    steps: int
    thinking: int
    knobs: tuple = ()
    sampler: str = "euler"
    family: str = "uniform"

    @property
    def label(self) -> str:
        knobs = dict(self.knobs)
        if self.family == "every":
            extra = f" every {knobs['think_every']}"
        else:
            extra = (f" {self.family}" if self.family != "uniform" else "") + "".join(
                f" {k}={v}" for k, v in knobs.items() if k != "taper")
        sampler = "" if self.sampler == "euler" else f" {self.sampler}"
        return f"{self.steps}x{self.thinking}{extra}{sampler}"

    @property
    def settings(self) -> dict:
        return dict(thinking_steps=self.thinking, **dict(self.knobs))


OLD_DEFAULT = Plan(20, 5)


def default_plan(sampler="euler") -> Plan:
    """LanPaint FLD KSampler at its UI defaults (the node's own widget defaults)."""
    from devtools.lanpaint_pack import load_pack
    _env()
    spec = load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"].INPUT_TYPES()
    every = spec["optional"]["think_every"][1]["default"]
    return Plan(spec["required"]["steps"][1]["default"], spec["required"]["thinking_steps"][1]["default"],
                (("think_every", every),) if every > 1 else (), sampler=sampler, family="every" if every > 1 else "uniform")


def grid_plans(quick=False) -> list[Plan]:
    steps = (10, 20) if quick else STEPS_GRID
    thinking = (0, 2, 5) if quick else THINKING_GRID
    return [Plan(s, n) for s in steps for n in thinking]


def schedule_plans(quick=False, n_values=(3, 4, 5, 8)) -> list[Plan]:
    n_values = (4,) if quick else n_values
    plans = [Plan(20, n, (("taper", "falling"),), family="falling") for n in n_values]
    plans += [Plan(20, n, (("think_every", k),), family="every") for n in n_values for k in (2, 3, 4)]
    plans += [Plan(20, n, (("early_stop", 10),), family="first half") for n in n_values]
    plans += [Plan(20, n, (("think_from", 0.5),), family="late start") for n in n_values]
    return plans


DEMO_THINKING = (0, 2, 4, 5, 8)     # the demo's grid: a coarser thinking axis (a picture costs ~1000x a sample)


# ----------------------------------------------------------------------------- statistics
def bootstrap_interval(stat, n: int, generator: torch.Generator, reps: int = BOOTSTRAP, level: float = 0.9):
    """(lo, hi): the `level` percentile interval of stat(indices) over `reps` resamples of range(n)."""
    values = sorted(stat(torch.randint(0, n, (n,), generator=generator)) for _ in range(reps))
    tail = (1 - level) / 2
    return values[int(tail * (reps - 1))], values[int(round((1 - tail) * (reps - 1)))]


def fmt_interval(value, lo, hi, digits=4):
    return f"{value:.{digits}f} [{lo:.{digits}f}, {hi:.{digits}f}]"


# ----------------------------------------------------------------------------- analytic (core, Euler)
def analytic_cases(n):
    """[(name, flow, sigmas(S), make)]; make() -> (calls, denoise, latent, mask, metric(samples_subset))."""
    from . import exactness as ex
    from .baseline_kl import nd_case, two_d_case
    cases = []
    for problem in ex.make_problems(n):
        for pname, flow, schedule in ex.PARAMETERISATIONS:
            cases.append((f"{problem.name} / {pname}", flow, schedule,
                          lambda problem=problem, flow=flow: two_d_case(problem, flow, n)))
    for case in (ex.GaussianCase(16, 4, "wishart", 0), ex.GaussianCase(64, 8, "field", 0),
                 ex.GaussianCase(16, 12, "field", 2)):
        for pname, flow, schedule in ex.PARAMETERISATIONS:
            cases.append((f"{case.dim}-D {case.kind} {case.n_regen} / {pname}", flow, schedule,
                          lambda case=case, flow=flow: nd_case(case, flow, n)))
    return cases


def analytic_row(plans, cases, emit, generator):
    """{case: {plan label: (KL, lo, hi, calls)}}, one printed row per plan."""
    import lanpaint_core as lp
    out = {}
    for plan in plans:
        cells = []
        for name, flow, schedule, make in cases:
            calls, denoise, latent, mask, metric = make()
            res = lp.inpaint(denoise, latent, mask, schedule(plan.steps), flow=flow,
                             generator=torch.Generator().manual_seed(SEED), **plan.settings)
            kl = metric(res)
            lo, hi = bootstrap_interval(lambda idx: metric(res[idx]), res.shape[0], generator)
            out.setdefault(name, {})[plan.label] = (kl, lo, hi, calls[0])
            cells.append(f"{kl:.4f}/{calls[0]}")
        emit(f"{plan.label:<34}" + "".join(f"{c:>15}" for c in cells))
    return out


def run_analytic(n, quick, emit, plans=None):
    """KL of every plan of the grid and the schedules (or of `plans`) on every analytic case."""
    cases = analytic_cases(n)
    g = torch.Generator().manual_seed(0)
    emit(f"== analytic cases (Euler, lanpaint_core.inpaint): KL / model calls, {n} samples ==")
    emit(f"{'plan':<34}" + "".join(f"{name[:14]:>15}" for name, *_ in cases))
    table = analytic_row(plans or grid_plans(quick) + schedule_plans(quick), cases, emit, g)
    return table


# ----------------------------------------------------------------------------- analytic through the host
class MixtureData:
    """A benchmarks.analytic.GaussianMixture as devtools' analytic nets expect it: posterior_mean(x, alpha, s)
    for x = alpha x0 + s n over a latent of `shape`."""

    def __init__(self, gmm, shape):
        self.gmm, self.shape = gmm, shape

    def posterior_mean(self, x, alpha, s):
        b = x.shape[0]
        norm = (alpha.double() ** 2 + s.double() ** 2).sqrt()
        xv = x.reshape(b, -1).double() / norm[:, None]
        abar = (alpha.double() / norm) ** 2
        return self.gmm.posterior_mean(xv, abar, 1 - abar).reshape(x.shape)


def host_cases(n):
    """[(name, flow, make)]: laws mounted in real BaseModels; make() -> (model, latent dict, metric(out))."""
    from devtools.host import analytic_models as am
    from . import exactness as ex
    gauss, mix = ex.make_problems(n)
    wishart = ex.GaussianCase(16, 4, "wishart", 0)

    def two_d(problem, flow):
        data = MixtureData(problem.gmm, (1, 1, 2))
        model = am.mount_analytic_net(am.AnalyticGaussianNet(data), 1, flow=flow, shift=3.0)
        latent = torch.zeros(n, 1, 1, 2)
        latent[..., 1] = problem.y_obs
        return model, {"samples": latent, "noise_mask": torch.tensor([[[1.0, 0.0]]])}, \
            lambda out: problem.metric(out[:, 0, 0, 0])

    def sixteen(flow):
        cov, x_obs, regen, mean, cond_cov = wishart.build()
        model = am.analytic_gaussian_model(torch.zeros(1, 4, 4), flow=flow, cov=cov, shift=3.0)
        latent = x_obs.float().reshape(1, 1, 4, 4).expand(n, -1, -1, -1).clone()
        mask = torch.zeros(16)
        mask[regen] = 1
        latent.reshape(n, 16)[:, regen] = 0
        return model, {"samples": latent, "noise_mask": mask.reshape(1, 4, 4)}, \
            lambda out: ex.gaussian_scores(out.reshape(n, 16)[:, regen], mean, cond_cov)[0]

    cases = []
    for flow in (False, True):
        p = "flow" if flow else "VE"
        cases += [(f"gaussian / {p}", flow, lambda flow=flow: two_d(gauss, flow)),
                  (f"mixture / {p}", flow, lambda flow=flow: two_d(mix, flow)),
                  (f"16-D wishart 4 / {p}", flow, lambda flow=flow: sixteen(flow))]
    return cases


def lanpaint_runner(pack, plan: Plan, seed: int, conds, scheduler: str):
    """latent dict -> sampled latent through LanPaint FLD KSampler's own path (the pack's hooks)."""
    import importlib
    env = _env()
    settings = importlib.import_module(pack.__name__ + ".nodes.settings")
    hooks = importlib.import_module(pack.__name__ + ".nodes.hooks")
    chosen = settings.LanPaintSettings.from_inputs(plan.thinking, "Image First", **{"think_every": 1, **dict(plan.knobs)})
    pos, neg = conds

    def run(model, latent):
        patched = hooks.with_lanpaint(model, chosen)
        return env.nodes.common_ksampler(patched, seed, plan.steps, 1.0, plan.sampler, scheduler, pos, neg,
                                         latent)[0]["samples"]
    return run


def _env():
    from devtools.host.comfy_env import load_comfy
    return load_comfy()


def sampler_plans(new_default: Plan, old_too: bool = True) -> list[Plan]:
    plans = []
    for base in dict.fromkeys((OLD_DEFAULT, new_default) if old_too else (new_default,)):
        plans += [Plan(base.steps, base.thinking, base.knobs, sampler=s, family=base.family) for s in SAMPLERS]
    return plans


def run_samplers(n, new_default, emit):
    """{case: {plan label: (KL, lo, hi, calls)}} through the host, for every sampler."""
    from devtools.host import analytic_models as am
    from devtools.lanpaint_pack import load_pack
    pack = load_pack()
    cases = host_cases(n)
    g = torch.Generator().manual_seed(0)
    out = {}
    emit(f"== analytic laws in real BaseModels, LanPaint FLD KSampler per sampler: KL / model calls, {n} samples "
         f"(VE: karras; flow: simple, shift 3) ==")
    emit(f"{'plan':<34}" + "".join(f"{name[:16]:>18}" for name, *_ in cases))
    for plan in sampler_plans(new_default):
        cells = []
        for name, flow, make in cases:
            model, latent, metric = make()
            net = model.model.diffusion_model
            net.calls = 0
            res = lanpaint_runner(pack, plan, 3, am.analytic_conds(), "simple" if flow else "karras")(model, latent)
            kl = metric(res)
            lo, hi = bootstrap_interval(lambda idx: metric(res[idx]), res.shape[0], g)
            out.setdefault(name, {})[plan.label] = (kl, lo, hi, net.calls)
            cells.append(f"{kl:.4f}/{net.calls}")
        emit(f"{plan.label:<34}" + "".join(f"{c:>18}" for c in cells))
    return out


# ----------------------------------------------------------------------------- demo model
@dataclass
class DemoSet:
    scenes: object                         # benchmarks.paper_table.Scenes
    first_seed: int
    results: dict = field(default_factory=dict)   # plan label -> {kind: per-scene metrics}


def demo_scenes(n, first_seed):
    from .paper_table import load_scenes
    from lanpaint_demo.scenes import MASK_KINDS
    return DemoSet(load_scenes(n, MASK_KINDS, first_seed=first_seed), first_seed)


def per_scene(images, sc, kind):
    from devtools.demo_model import count_suns
    from .trained import phase_error, region_mae, seam_score
    mask = sc.masks[kind]
    return {"mae": region_mae(images, sc.truth, mask), "seam": seam_score(images, sc.truth, mask),
            "phase": phase_error(images, sc.truth, mask, sc.layouts, sc.size),
            "ghosts": torch.tensor([float(count_suns(img, lay) > 1) for img, lay in zip(images, sc.layouts)])}


def demo_rows(ds: DemoSet, sample):
    """Per-scene metrics on every hole kind of sample(model, latent dict) -> latents (model: a recording
    clone of the demo model), and model calls per picture."""
    from devtools.measure import recording
    from .paper_table import decode
    sc = ds.scenes
    model, counter = recording(sc.model)
    rows, calls = {}, []
    for kind, mask in sc.masks.items():
        latent = {"samples": sc.latents.clone(), "noise_mask": mask[:, None].clone()}
        counter.reset()
        with torch.no_grad():
            samples = sample(model, latent)
        rows[kind] = per_scene(decode(sc, samples), sc, kind)
        calls.append(counter.batch / sc.truth.shape[0])
    return rows, sum(calls) / len(calls)


def run_demo_plan(ds: DemoSet, plan: Plan, pack, seed=0):
    """Per-scene metrics of `plan` on every hole kind ("stock" when plan is None), and calls per picture."""
    env = _env()
    pos = ds.scenes.conditioning
    if plan is None:
        return demo_rows(ds, lambda model, latent: env.nodes.common_ksampler(
            model, seed, OLD_DEFAULT.steps, 1.0, "euler", "simple", pos, pos, latent)[0]["samples"])
    return demo_rows(ds, lanpaint_runner(pack, plan, seed, (pos, pos), "simple"))


def demo_summary(rows, ref_rows, generator):
    """Mean MAE over scenes and holes, its ratio to the reference with a paired 90 % bootstrap interval over
    scenes, and the other metrics' means."""
    kinds = list(rows)
    mae = torch.stack([rows[k]["mae"] for k in kinds])            # [kinds, scenes]
    ref = torch.stack([ref_rows[k]["mae"] for k in kinds])

    def ratio(idx):
        return float((mae[:, idx].mean(1) / ref[:, idx].mean(1)).mean())
    lo, hi = bootstrap_interval(ratio, mae.shape[1], generator)
    phase = torch.cat([rows[k]["phase"] for k in kinds])
    return {"mae": float(mae.mean()), "ratio": ratio(torch.arange(mae.shape[1])), "lo": lo, "hi": hi,
            "per_kind": {k: float(rows[k]["mae"].mean()) for k in kinds},
            "seam": float(torch.stack([rows[k]["seam"] for k in kinds]).mean()),
            "phase": float(phase[~torch.isnan(phase)].mean()),
            "ghosts": int(sum(float(rows[k]["ghosts"].sum()) for k in kinds))}


def run_demo(sizes, split, new_default, quick, emit):
    from devtools.lanpaint_pack import load_pack
    pack = load_pack()
    g = torch.Generator().manual_seed(0)
    sets = {"validation": VALIDATION_SEED, "test": TEST_SEED}
    chosen = [name for name in sets if split in (name, "both")]
    out = {}
    for name in chosen:
        n_scenes = sizes[name]
        ds = demo_scenes(n_scenes, sets[name])
        if name == "validation":
            grid = [p for p in grid_plans(quick) if p.thinking in DEMO_THINKING and p.steps * (p.thinking + 1) <= 130]
            plans = [OLD_DEFAULT] + grid + schedule_plans(quick, (4,)) + sampler_plans(new_default, old_too=False)
        else:   # test: the old and new defaults, the new one with every sampler, and stock
            plans = [OLD_DEFAULT] + sampler_plans(new_default, old_too=False)
        plans = list(dict.fromkeys(plans))
        emit(f"== demo model, {name} scenes (seeds {sets[name]}-{sets[name] + n_scenes - 1}) x 6 holes: MAE in the "
             f"hole; ratio to {OLD_DEFAULT.label} [90 % paired bootstrap over scenes] ==")
        emit(f"{'plan':<34}{'calls':>7}{'MAE':>9}  {'ratio [interval]':<22}{'seam':>8}{'phase':>7}{'ghosts':>7}"
             f"{'s / picture':>13}")
        table = {}
        ref_rows = None
        for plan in [None] + plans:
            t0 = time.perf_counter()
            rows, calls = run_demo_plan(ds, plan, pack)
            seconds = (time.perf_counter() - t0) / (ds.scenes.truth.shape[0] * len(rows))
            if plan == OLD_DEFAULT:
                ref_rows = rows
            label = "stock (KSampler, 20 steps)" if plan is None else plan.label
            ds.results[label] = rows
            if ref_rows is None:
                stock_rows, stock_seconds = rows, seconds
                continue
            table[label] = dict(demo_summary(rows, ref_rows, g), calls=calls, seconds=seconds)
            r = table[label]
            emit(f"{label:<34}{calls:>7.0f}{r['mae']:>9.4f}  {r['ratio']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]     "
                 f"{r['seam']:>8.4f}{r['phase']:>7.1f}{r['ghosts']:>7d}{seconds:>13.3f}")
        stock = dict(demo_summary(stock_rows, ref_rows, g), calls=OLD_DEFAULT.steps, seconds=stock_seconds)
        table["stock (KSampler, 20 steps)"] = stock
        emit(f"{'stock (KSampler, 20 steps)':<34}{stock['calls']:>7.0f}{stock['mae']:>9.4f}  {stock['ratio']:.3f} "
             f"[{stock['lo']:.3f}, {stock['hi']:.3f}]     {stock['seam']:>8.4f}{stock['phase']:>7.1f}{stock['ghosts']:>7d}{stock_seconds:>13.3f}")
        out[name] = table
    return out


def run_demo_old(sizes, split, old_dir: Path, emit):
    """The old default through the LanPaint FLD KSampler of the checkout at old_dir (loaded as its own
    package beside this one), on the same scenes, noise and seed as run_demo."""
    from devtools.lanpaint_pack import load_pack
    _env()
    node = load_pack(old_dir, "LanPaintOldCheckout").NODE_CLASS_MAPPINGS["LanPaintKSampler"]()
    sets = {"validation": VALIDATION_SEED, "test": TEST_SEED}
    out = {}
    for split_name in [n for n in sets if split in (n, "both")]:
        ds = demo_scenes(sizes[split_name], sets[split_name])
        sc = ds.scenes
        t0 = time.perf_counter()
        rows, calls = demo_rows(ds, lambda model, latent: node.sample(
            model, 0, OLD_DEFAULT.steps, 1.0, "euler", "simple", sc.conditioning, sc.conditioning, latent, 1.0,
            OLD_DEFAULT.thinking, "Image First")[0]["samples"])
        seconds = (time.perf_counter() - t0) / (sc.truth.shape[0] * len(rows))
        label = f"{OLD_DEFAULT.label} before 0.2"
        r = dict(demo_summary(rows, rows, torch.Generator().manual_seed(0)), calls=calls, seconds=seconds)
        emit(f"== demo model, {split_name} scenes (seeds {sets[split_name]}-{sets[split_name] + sc.truth.shape[0] - 1}):"
             f" the old default with the code of {old_dir} ==")
        emit(f"{label:<34}{r['calls']:>7.0f}{r['mae']:>9.4f}  seam {r['seam']:.4f}  phase {r['phase']:.1f}  "
             f"ghosts {r['ghosts']}  {seconds:.3f} s / picture")
        out[split_name] = {label: r}
    return out


# ----------------------------------------------------------------------------- verdict
def verdict(tables: dict, new_default: Plan, emit):
    """The new default against the targets; prints one line per case and returns the misses."""
    label, ref = new_default.label, OLD_DEFAULT.label
    misses = []
    emit(f"== verdict: {label} ({new_default.steps + new_default.thinking * -(-new_default.steps // dict(new_default.knobs).get('think_every', 1))} "
         f"calls) against {ref} ==")
    for name, rows in tables.get("analytic", {}).items():
        q, q_ref = rows[label][0], rows[ref][0]
        ok = q <= 2 * q_ref
        misses += [] if ok else [f"analytic {name}"]
        emit(f"analytic {name:<26} KL {q:.4f} vs {q_ref:.4f}: x{q / q_ref:.2f} {'ok' if ok else 'over 2x'}")
    for name, rows in tables.get("samplers", {}).items():
        euler = rows[label][0]
        for sampler in SAMPLERS[1:]:
            q = rows[f"{label} {sampler}"][0]
            ok = q <= 1.1 * euler + 2e-4   # 2e-4: the KL's own sampling noise at 20000 samples
            misses += [] if ok else [f"sampler {sampler} on {name}"]
            emit(f"sampler {sampler:<16} {name:<22} KL {q:.4f} vs euler {euler:.4f}: {'ok' if ok else 'over 1.1x'}")
    for split, rows in tables.get("demo", {}).items():
        r = rows[label]
        ok = r["ratio"] <= 1.1
        misses += [] if ok or split != "test" else ["demo test MAE"]
        emit(f"demo {split:<10} MAE x{r['ratio']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}] of {ref}: {'ok' if ok else 'over 1.1x'}")
        for sampler in SAMPLERS[1:]:
            q = rows[f"{label} {sampler}"]["mae"]
            ok = q <= 1.1 * r["mae"]
            misses += [] if ok or split != "test" else [f"demo {sampler}"]
            emit(f"demo {split:<10} {sampler:<16} MAE {q:.4f} vs euler {r['mae']:.4f}: x{q / r['mae']:.3f}")
    emit(f"misses: {', '.join(misses) if misses else 'none'}")
    return misses


# ----------------------------------------------------------------------------- plot and main
def plot(tables, path: Path, default_label: str = ""):
    """Quality against model calls, one panel per case: the uniform grid as one line per outer-step count,
    schedules and samplers as markers, the default (default_label, with euler) as a black star."""
    from .paper_table import save_figure
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    panels = []
    for part, table in tables:
        if part == "demo":
            for split, rows in table.items():
                panels.append((f"demo model, {split} scenes (MAE / 20x5's)", {
                    label: (r["ratio"], r["lo"], r["hi"], r["calls"]) for label, r in rows.items()}, False))
        else:
            for case, rows in table.items():
                panels.append((f"{case} ({'host samplers' if part == 'samplers' else 'Euler'}; KL)", rows, True))
    if not panels:
        return
    ncol = 4
    nrow = (len(panels) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
    for ax, (title, rows, log_scale) in zip(axes.flat, panels):
        by_steps = {}
        for label, (q, lo, hi, calls) in rows.items():
            head = label.split(" ", 1)
            if len(head) == 1 and "x" in label:
                s = int(label.split("x")[0])
                by_steps.setdefault(s, []).append((calls, q))
            elif label == default_label:
                ax.errorbar([calls], [q], yerr=[[max(q - lo, 0)], [max(hi - q, 0)]], fmt="*", ms=9, color="black",
                            zorder=5, label="the default")
            else:
                ax.errorbar([calls], [q], yerr=[[max(q - lo, 0)], [max(hi - q, 0)]], fmt="s", ms=3, alpha=0.6,
                            color="grey" if "stock" not in label else "red")
        for s, pts in sorted(by_steps.items()):
            pts.sort()
            ax.plot(*zip(*pts), "o-", ms=3, lw=1, label=f"{s} steps")
        ax.set_yscale("log" if log_scale else "linear")
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("model calls per picture", fontsize=7)
        ax.grid(True, which="both", alpha=0.2)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6, title="uniform thinking (lines); grey: schedules / samplers; red: stock",
                        title_fontsize=6)
    save_figure(fig, path, dpi=90)


def combine(out: Path, plot_path: Path, new_default: Plan, emit):
    """The verdict and the plot from the parts' budget_<part>.json (the tables of separate runs)."""
    tables = []
    for part in ("analytic", "samplers", "demo"):
        path = out / f"budget_{part}.json"
        if path.exists():
            tables.append((part, json.loads(path.read_text())[part]))
            emit(f"{part}: {path.name}")
    judged = dict(tables)
    defaults = out / "budget_analytic_defaults.json"
    if defaults.exists():
        judged["analytic"] = json.loads(defaults.read_text())["analytic"]
        emit(f"analytic verdict: {defaults.name}")
    verdict(judged, new_default, emit)
    old_core = out / "budget_analytic_old_core.json"
    if old_core.exists() and "analytic" in judged:
        emit(f"== the new default against the old one as it was before version 0.2 ({old_core.name}) ==")
        for case, rows in json.loads(old_core.read_text())["analytic"].items():
            q, q_old = judged["analytic"][case][new_default.label][0], rows[OLD_DEFAULT.label][0]
            emit(f"analytic {case:<26} KL {q:.4f} vs {q_old:.4f}: x{q / q_old:.2f} {'ok' if q <= 2 * q_old else 'over 2x'}")
    old_demo = out / "budget_demo_old_core.json"
    if old_demo.exists() and "demo" in judged:
        emit(f"== demo: the new default against the old one as it was before version 0.2 ({old_demo.name}; "
             f"ratio of the mean MAE) ==")
        for split, rows in json.loads(old_demo.read_text())["demo"].items():
            if split in judged["demo"]:
                (old_row,) = rows.values()
                for label, r in judged["demo"][split].items():
                    if label.startswith(new_default.label) or label == OLD_DEFAULT.label:
                        emit(f"demo {split:<10} {label:<30} MAE {r['mae']:.4f} vs {old_row['mae']:.4f}: "
                             f"x{r['mae'] / old_row['mae']:.3f}")
    (out / "budget_verdict.txt").write_text("\n".join(emit.lines) + "\n")
    plot(tables, plot_path, new_default.label)
    print(f"wrote {out / 'budget_verdict.txt'} and {plot_path}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("analytic", "samplers", "demo", "all", "combine"), default="all")
    ap.add_argument("--quick", action="store_true", help="a few plans, 4000 samples, 4 scenes")
    ap.add_argument("--samples", type=int, default=None, help="analytic samples per run (default 20000)")
    ap.add_argument("--scenes", type=int, default=None, help="held-out scenes: validation (default 24)")
    ap.add_argument("--test-scenes", type=int, default=None, help="held-out scenes: test (default 48)")
    ap.add_argument("--split", choices=("validation", "test", "both"), default="both")
    ap.add_argument("--old-core", type=Path, default=None,
                    help="analytic or demo part: the old default with the code of this checkout")
    ap.add_argument("--defaults-only", action="store_true",
                    help="analytic part: only the old and new defaults (for the verdict, at more samples)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results")
    ap.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "budget.png")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    lines = []

    def emit(s=""):
        print(s, flush=True)
        lines.append(s)
    emit.lines = lines

    t0 = time.time()
    n = args.samples or (4000 if args.quick else 20000)
    new_default = default_plan()
    emit(f"LanPaint FLD KSampler's defaults: {new_default.label} "
         f"(the old default: {OLD_DEFAULT.label})")
    tables = []
    if args.part == "combine":
        return combine(args.out, args.plot, new_default, emit)
    if args.part in ("analytic", "all"):
        plans = [OLD_DEFAULT] if args.old_core else [OLD_DEFAULT, new_default] if args.defaults_only else None
        if args.old_core and args.part == "analytic":
            import sys
            assert "lanpaint_core" not in sys.modules, "lanpaint_core was imported before --old-core took effect"
            sys.path.insert(0, str(args.old_core.resolve()))
            import lanpaint_core
            emit(f"lanpaint_core from {Path(lanpaint_core.__file__).parent}")
        tables.append(("analytic", run_analytic(n, args.quick, emit, plans)))
        emit()
    if args.part in ("samplers", "all"):
        tables.append(("samplers", run_samplers(n, new_default, emit)))
        emit()
    if args.part in ("demo", "all"):
        sizes = {"validation": args.scenes or (4 if args.quick else 24),
                 "test": args.test_scenes or (4 if args.quick else 48)}
        tables.append(("demo", run_demo_old(sizes, args.split, args.old_core.resolve(), emit) if args.old_core
                       else run_demo(sizes, args.split, new_default, args.quick, emit)))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = ("" if args.part == "all" else f"_{args.part}") + (
        "_old_core" if args.old_core else "_defaults" if args.defaults_only else "")
    text_path = args.out / f"budget{suffix}.txt"
    (args.out / f"budget{suffix}.json").write_text(json.dumps({part: table for part, table in tables}, indent=1) + "\n")
    text_path.write_text("\n".join(lines) + "\n")   # the tables are safe before the verdict and the plot
    emit()
    if not args.old_core:   # the old core's run has only the old default: combine compares it
        verdict(dict(tables), new_default, emit)
    emit(f"(total {time.time() - t0:.0f} s)")
    text_path.write_text("\n".join(lines) + "\n")
    plot(tables, args.plot if args.part == "all" else args.plot.with_name(args.plot.stem + suffix + ".png"),
         new_default.label)
    print(f"wrote {text_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
