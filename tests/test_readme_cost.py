"""What a picture costs, as README.md states it, is what LanPaint FLD KSampler does at its defaults: the
stated defaults are the widgets' defaults and the stated model calls are counted on a real run."""
import re

import pytest

from devtools.host import tiny_families as fam
from devtools.host import tiny_models as tm
from devtools.lanpaint_pack import REPO_ROOT, load_pack
from tests.call_counts import expected_model_calls
from tests.node_runner import counting_clone, masked_latent, node

# "At its defaults (20 steps, 4 thinking steps before every 2nd step) a picture costs **60 model calls**"
STATEMENT = re.compile(r"At its defaults \((\d+) steps, (\d+) thinking steps before every (\d+)(?:st|nd|rd|th) step\) "
                       r"a picture costs \*\*(\d+) model calls\*\*")


def stated():
    found = STATEMENT.findall((REPO_ROOT / "README.md").read_text())
    assert len(found) == 1, "README.md must state the cost at the defaults once, in the form of STATEMENT"
    return tuple(int(v) for v in found[0])


def test_statement_is_found_and_can_fail():
    assert STATEMENT.findall("At its defaults (20 steps, 4 thinking steps before every 2nd step) a picture "
                             "costs **60 model calls**") == [("20", "4", "2", "60")]
    assert not STATEMENT.findall("a picture costs about 60 calls")


def test_readme_states_the_defaults_and_their_model_calls(comfy):
    steps, thinking, every, calls = stated()
    spec = load_pack().NODE_CLASS_MAPPINGS["LanPaintKSampler"].INPUT_TYPES()
    assert spec["required"]["steps"][1]["default"] == steps
    assert spec["required"]["thinking_steps"][1]["default"] == thinking
    assert spec["optional"]["think_every"][1]["default"] == every
    assert expected_model_calls(steps, thinking, think_every=every) == calls
    counted, seen = counting_clone(tm.tiny_sdxl(0))
    pos, neg = fam.conds_for("sdxl")
    node("LanPaintKSampler").sample(counted, 1, steps, 1.0, "euler", "simple", pos, neg, masked_latent("sdxl"), 1.0,
                                    thinking, "Image First")
    assert len(seen) == calls


@pytest.mark.parametrize("sampler", ["dpmpp_2m", "uni_pc"])
def test_multistep_samplers_cost_the_same(comfy, sampler):
    """The stated cost holds for the multistep samplers too (runs restart at the thinking steps)."""
    steps, thinking, every, calls = stated()
    counted, seen = counting_clone(tm.tiny_sdxl(0))
    pos, neg = fam.conds_for("sdxl")
    node("LanPaintKSampler").sample(counted, 1, steps, 1.0, sampler, "simple", pos, neg, masked_latent("sdxl"), 1.0,
                                    thinking, "Image First")
    assert len(seen) == calls  # (for uni_pc the host's KSampler drops a sigma of steps + 1: still `steps` steps)
