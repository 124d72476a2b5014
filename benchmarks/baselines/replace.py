"""Plain replacement: stock masked sampling (ComfyUI's KSamplerX0Inpaint with an Euler sampler; the
"replacement" method of Song et al., "Score-Based Generative Modeling through Stochastic Differential
Equations", ICLR 2021, Sec. 5 / App. I.2): before each model call the known region is set to the
observation noised with the noise that started the run. It is LanPaint with no thinking steps, so
it runs the core with thinking_steps = 0. One model call per step.
"""
import lanpaint_core as lp


def replace(denoise, latent, mask, sigmas, *, flow, generator):
    return lp.inpaint(denoise, latent, mask, sigmas, flow=flow, thinking_steps=0, generator=generator)
