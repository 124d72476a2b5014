"""LanPaint Mask Blend: the original outside the mask (bit-exact away from the seam)."""
import pytest
import torch

from tests.node_runner import node


def _images(h, w, crop=(0, 0)):
    g = torch.Generator().manual_seed(0)
    original = torch.rand(2, h, w, 3, generator=g)
    inpainted = torch.rand(2, h - crop[0], w - crop[1], 3, generator=g)
    mask = torch.zeros(1, h, w)
    mask[:, h // 4: h // 2, w // 4: w // 2] = 1
    return original, inpainted, mask


def _distance_to_mask(mask):
    """Chebyshev distance (pixels) of every pixel to the nearest masked pixel."""
    ys, xs = torch.nonzero(mask[0] > 0, as_tuple=True)
    yy, xx = torch.meshgrid(torch.arange(mask.shape[1]), torch.arange(mask.shape[2]), indexing="ij")
    d = torch.maximum((yy[..., None] - ys).abs(), (xx[..., None] - xs).abs())
    return d.min(-1).values


@pytest.mark.parametrize("feather", [0, 1, 9, 30])
def test_original_kept_away_from_mask_and_inpainting_inside(comfy, feather):
    original, inpainted, mask = _images(64, 96)
    out = node("LanPaintMaskBlend").blend(original, inpainted, mask, feather)[0]
    dist = _distance_to_mask(mask)
    far = dist > feather
    inside = mask[0] > 0
    assert torch.equal(out[:, far], original[:, far])
    assert torch.equal(out[:, inside], inpainted[:, inside])
    if feather > 1:  # a real seam: blended values strictly between the two images just outside
        seam = (dist == 1)
        assert not torch.equal(out[:, seam], original[:, seam])


def test_vae_crop_of_odd_sizes_is_undone(comfy):
    original, inpainted, mask = _images(70, 100, crop=(6, 4))  # VAE Encode: 64 x 96, offsets 3, 2
    out = node("LanPaintMaskBlend").blend(original, inpainted, mask, 5)[0]
    assert out.shape == inpainted.shape
    cropped = original[:, 3:67, 2:98]
    far = _distance_to_mask(mask[:, 3:67, 2:98]) > 5
    assert torch.equal(out[:, far], cropped[:, far])


def test_size_mismatch_beyond_a_crop_is_a_clear_error(comfy):
    original, inpainted, mask = _images(64, 64, crop=(32, 0))
    with pytest.raises(ValueError, match=r"original image \(2, 64, 64, 3\) and the inpainted image \(2, 32, 64, 3\)"):
        node("LanPaintMaskBlend").blend(original, inpainted, mask, 9)
    with pytest.raises(ValueError, match="mask batch 3"):
        node("LanPaintMaskBlend").blend(original, original, torch.zeros(3, 64, 64), 9)


@pytest.mark.parametrize("feather", [1, 8, 9, 30])
def test_the_seam_is_two_box_blurs_of_the_mask(comfy, feather):
    """The feather is a tent of support `feather`: two box blurs (edges repeated outward), whatever
    way they are computed (running sums here, square windows in the reference)."""
    original, inpainted, mask = _images(48, 64)
    w = mask[:, None]
    for radius in (feather // 2, feather - feather // 2):
        if radius:
            w = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(w, (radius,) * 4, mode="replicate"),
                                               2 * radius + 1, stride=1)
    weight = torch.maximum(w[:, 0], mask).clamp(0, 1)[..., None]
    expected = torch.where(weight > 0, original * (1 - weight) + inpainted * weight, original)
    out = node("LanPaintMaskBlend").blend(original, inpainted, mask, feather)[0]
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)


def test_cancel_stops_the_blend(comfy):
    mm = comfy.model_management
    original, inpainted, mask = _images(64, 96)
    mm.interrupt_current_processing(True)
    try:
        with pytest.raises(mm.InterruptProcessingException):
            node("LanPaintMaskBlend").blend(original, inpainted, mask, 9)
    finally:
        mm.interrupt_current_processing(False)
