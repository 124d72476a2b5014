"""The demo model's text encoder: a constant one, because the demo model is unconditional.

ComfyUI's CLIPTextEncode needs a ``comfy.sd.CLIP``; this is one around a tokenizer and an encoder
that give the conditioning shapes the demo MMDiT reads (context [1, TOKENS, CONTEXT_DIM], pooled
[1, POOLED_DIM]), all zeros, whatever the prompt. The MMDiT ignores both anyway (its context and
pooled embedders' weights are zero), so nothing is lost.
"""
from __future__ import annotations

import functools

import torch

TOKENS = 7
CONTEXT_DIM = 64
POOLED_DIM = 32


class ConstantTokenizer:
    """Every prompt becomes the same TOKENS padding tokens (ComfyUI's token-weight format)."""

    def __init__(self, **host_arguments):
        """comfy.sd.CLIP passes embedding_directory and tokenizer_data; a constant needs neither."""

    def tokenize_with_weights(self, text: str, return_word_ids: bool = False, **kwargs):
        token = (0, 1.0, 0) if return_word_ids else (0, 1.0)
        return {"l": [[token] * TOKENS]}

    def untokenize(self, token_weight_pair):
        return [(t, "") for t in token_weight_pair]

    def state_dict(self):
        return {}


class ConstantTextEncoder(torch.nn.Module):
    """Zeros of the demo MMDiT's context and pooled shapes."""

    def __init__(self, **host_arguments):
        """comfy.sd.CLIP passes device, dtype and model_options; the zeros are made on the host's
        intermediate device in float32 whatever they say."""
        super().__init__()
        self.dtypes = {torch.float32}

    def set_clip_options(self, options):
        pass

    def reset_clip_options(self):
        pass

    def encode_token_weights(self, token_weight_pairs):
        import comfy.model_management
        device = comfy.model_management.intermediate_device()
        return torch.zeros(1, TOKENS, CONTEXT_DIM, device=device), torch.zeros(1, POOLED_DIM, device=device)

    def load_sd(self, sd):
        return self.load_state_dict(sd, strict=False)


def constant_clip():
    """A ``comfy.sd.CLIP`` whose CLIPTextEncode output is zeros of the demo model's shapes."""
    import comfy.sd
    import comfy.supported_models_base
    target = comfy.supported_models_base.ClipTarget(functools.partial(ConstantTokenizer),
                                                    functools.partial(ConstantTextEncoder))
    return comfy.sd.CLIP(target=target, parameters=0)
