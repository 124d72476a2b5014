"""LanPaint FLD Side by Side: three labelled panels (the hole, stock, LanPaint FLD), each an exact
nearest-neighbour enlargement of its picture; clear errors for pictures that do not belong together."""
import importlib

import pytest
import torch

from devtools.lanpaint_pack import load_pack
from tests.node_runner import node


def _module():
    return importlib.import_module(load_pack().__name__ + ".nodes.side_by_side")


def _pictures(h=16, w=24, batch=1):
    g = torch.Generator().manual_seed(0)
    image, stock, lanpaint = (torch.rand(batch, h, w, 3, generator=g) for _ in range(3))
    mask = torch.zeros(1, h, w)
    mask[:, 4:10, 6:14] = 1
    return image, mask, stock, lanpaint


def _panels(sheet, picture_h, picture_w, scale):
    """The three enlarged panels found in the sheet: the runs of rows / columns that are not background."""
    sbs = _module()
    content = (sheet[0] != sbs.BACKGROUND).any(-1)
    rows = content.any(1).nonzero()[:, 0]
    band = rows[rows >= rows[0] + 7]                              # below the labels' first row
    top = int(band[(band[1:] - band[:-1] > 1).nonzero()[0, 0] + 1]) if (band[1:] - band[:-1] > 1).any() \
        else int(band[0])
    ph, pw = picture_h * scale, picture_w * scale
    cols = content[top:top + ph].all(0).nonzero()[:, 0]
    starts = [int(c) for i, c in enumerate(cols) if i == 0 or cols[i - 1] != c - 1]
    return [sheet[0, top:top + ph, x:x + pw] for x in starts]


def test_panels_are_exact_enlargements_with_the_hole_painted(comfy):
    sbs = _module()
    image, mask, stock, lanpaint = _pictures()
    sheet = node("LanPaintSideBySide").compare(image, mask, stock, lanpaint, 4)[0]
    assert sheet.shape[0] == 1 and sheet.shape[-1] == 3 and sheet.shape[2] >= 3 * 24 * 4
    hole, got_stock, got_lanpaint = _panels(sheet, 16, 24, 4)
    up = lambda t: t[0].repeat_interleave(4, 0).repeat_interleave(4, 1)   # noqa: E731
    assert torch.equal(got_stock, up(stock)) and torch.equal(got_lanpaint, up(lanpaint))
    expected_hole = sbs.with_hole(image, mask)
    assert torch.equal(hole, up(expected_hole))
    assert torch.equal(expected_hole[0, 5, 7], torch.tensor(sbs.HOLE_RGB))
    assert torch.equal(expected_hole[0, 0, 0], image[0, 0, 0])
    # labels: ink above each panel, nothing else but background and the panels
    assert (sheet[0] == sbs.INK).all(-1).sum() > 100


def test_large_pictures_are_enlarged_less_and_batches_give_one_sheet_each(comfy):
    sbs = _module()
    assert sbs.enlargement(64, 64, 4) == 4 and sbs.enlargement(300, 200, 4) == 3
    assert sbs.enlargement(2000, 100, 4) == 1
    image, mask, stock, lanpaint = _pictures(batch=2)
    sheets = node("LanPaintSideBySide").compare(image, mask, stock[:1], lanpaint, 2)[0]
    assert sheets.shape[0] == 2 and not torch.equal(sheets[0], sheets[1])


def test_vae_cropped_results_are_compared_with_the_same_crop(comfy):
    image, mask, stock, lanpaint = _pictures(h=21, w=27)
    stock, lanpaint = stock[:, 2:18, 1:25], lanpaint[:, 2:18, 1:25]     # 16 x 24: VAE Encode's centre crop
    sheet = node("LanPaintSideBySide").compare(image, mask, stock, lanpaint, 1)[0]
    sbs = _module()
    hole = _panels(sheet, 16, 24, 1)[0]
    assert torch.equal(hole, sbs.with_hole(image, mask)[0, 2:18, 1:25])


def test_pictures_that_do_not_belong_together_are_refused(comfy):
    image, mask, stock, lanpaint = _pictures()
    inputs = (image.clone(), mask.clone(), stock.clone(), lanpaint.clone())
    compare = node("LanPaintSideBySide").compare
    with pytest.raises(ValueError, match="'stock' is 24x16 and 'lanpaint' 12x16"):
        compare(image, mask, stock, lanpaint[:, :, :12], 4)
    with pytest.raises(ValueError, match="'image' is 48x16 and the results 24x16"):
        compare(torch.rand(1, 16, 48, 3), mask, stock, lanpaint, 4)
    with pytest.raises(ValueError, match=r"different numbers of pictures \(image 2, mask 1, stock 3, lanpaint 1\)"):
        compare(torch.cat([image] * 2), mask, torch.cat([stock] * 3), lanpaint, 4)
    assert all(torch.equal(a, b) for a, b in zip(inputs, (image, mask, stock, lanpaint)))


def test_a_mask_of_another_frame_count_is_resampled_in_time_with_a_warning(comfy, caplog):
    """A video of 9 frames and a mask painted on 3: each frame gets the mask of its nearest third."""
    image, _, stock, lanpaint = _pictures(batch=9)
    mask = torch.zeros(3, 16, 24)
    for i in range(3):
        mask[i, :, 8 * i:8 * i + 8] = 1                       # a band that moves right, a third at a time
    sbs = _module()
    with caplog.at_level("WARNING", logger="LanPaint"):
        sheets = node("LanPaintSideBySide").compare(image, mask, stock, lanpaint, 1)[0]
    assert "the mask has 3 frames, the video 9; resampled the mask in time" in caplog.text
    assert sheets.shape[0] == 9
    for frame in range(9):
        hole = _panels(sheets[frame:frame + 1], 16, 24, 1)[0]
        assert torch.equal(hole, sbs.with_hole(image[frame:frame + 1], mask[frame // 3:frame // 3 + 1])[0]), frame


def test_pixel_font_draws_every_label_character():
    font = importlib.import_module(load_pack().__name__ + ".nodes.pixel_font")
    for label in _module().LABELS:
        for char in label.upper():
            assert char in font._GLYPHS, char
    glyphs = font._GLYPHS
    assert all(len(rows) == font.GLYPH_H and all(len(r) == font.GLYPH_W for r in rows)
               for rows in (g.split("|") for g in glyphs.values()))
    assert len({g for g in glyphs.values()}) == len(glyphs)          # no two characters look alike
    mask = font.text_mask("Ab", 3)
    assert mask.shape == (7 * 3, (2 * 6 - 1) * 3) and mask.any()
    assert torch.equal(font.text_mask("?", 1), font.text_mask("~", 1))   # unknown characters show as "?"
