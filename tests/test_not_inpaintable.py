"""A model LanPaint does not apply to gets a clear error naming its family and why, before any model call.

Through all three entry points: Wan 2.1 FlowRVS as a tiny real model (stock sampling hands back
1 - x: the kept region would come back off by hundreds, silently), every other refused class of the
host (nodes.host_model.NOT_INPAINTABLE: image-to-image, audio-only, 3-D, non-diffusion) as the
host's BaseModel with that class's config and, for its network, a module that fails the test when
called, and a class the list does not know that the host samples image-to-image.
"""
import importlib

import pytest
import torch

from devtools.host import compat
from devtools.host import tiny_video_models as videos
from devtools.host.comfy_env import load_comfy
from devtools.host.model_classes import video_latent
from devtools.host.tiny_models import make_patcher
from devtools.host.video_models import wan_conds
from devtools.lanpaint_pack import load_pack
from tests.node_runner import counting_clone, run

PATHS = ("ksampler", "custom_advanced", "apply")


def _host_model():
    return importlib.import_module(f"{load_pack().__name__}.nodes.host_model")


def _refused_classes():
    return [name for name in _host_model().NOT_INPAINTABLE if compat.has_model_class(name)]


class NeverCalled(torch.nn.Module):
    """Where the refused model's network would be: LanPaint must refuse before any model call."""
    dtype = torch.float32

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def forward(self, *args, **kwargs):
        raise AssertionError("the model's network was called")


def _networkless(config_cls, model_type=None):
    """The host's BaseModel with a config of `config_cls` and NeverCalled for its network."""
    env = load_comfy()
    config = config_cls({"disable_unet_model_creation": True})
    config.set_inference_dtype(torch.float32, None)
    kwargs = {} if model_type is None else {"model_type": model_type}
    model = env.model_base.BaseModel(config, **kwargs)
    model.diffusion_model = NeverCalled()
    return make_patcher(model)


def _latent(model):
    """A latent of the model's format with its right half masked."""
    fmt = model.model.latent_format
    shape = (1, fmt.latent_channels) + (8,) * fmt.latent_dimensions
    mask = torch.zeros((1, 1) + shape[2:])
    mask[..., 4:] = 1.0
    return {"samples": torch.randn(shape, generator=torch.Generator().manual_seed(0)), "noise_mask": mask}


def _refusal(path, model, latent, conds):
    counted, calls = counting_clone(model)
    given = latent["samples"].clone()
    with pytest.raises(ValueError) as err:
        run(path, counted, latent, conds=conds, steps=2, thinking=1)
    assert calls == [], "the model was called before the refusal"
    assert torch.equal(latent["samples"], given)
    return str(err.value)


@compat.requires_host(compat.has_model_class("WAN21_FlowRVS"), "the Wan 2.1 FlowRVS model class WAN21_FlowRVS")
@pytest.mark.parametrize("path", PATHS)
def test_flowrvs_is_refused_with_its_family_and_why(comfy, path):
    model = videos.tiny_wan_variant(0, "WAN21_FlowRVS")
    message = _refusal(path, model, video_latent(16), wan_conds())
    assert "Wan 2.1 FlowRVS" in message and "image-to-image" in message and "stock" in message, message


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("class_name", _refused_classes())
def test_every_refused_class_of_the_host_is_refused_by_name(comfy, class_name, path):
    family, why = _host_model().NOT_INPAINTABLE[class_name]
    model = _networkless(getattr(comfy.supported_models, class_name))
    message = _refusal(path, model, _latent(model), wan_conds())
    assert message.startswith("LanPaint: %s is %s" % (family, why)), message


def test_an_unlisted_image_to_image_class_is_refused_too(comfy):
    class NextYearsImageToImage(comfy.supported_models.SD15):
        pass
    model = _networkless(NextYearsImageToImage, comfy.model_base.ModelType.IMG_TO_IMG)
    message = _refusal("ksampler", model, _latent(model), wan_conds())
    assert "NextYearsImageToImage is an image-to-image model" in message, message

