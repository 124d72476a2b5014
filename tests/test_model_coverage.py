"""Every model class the running host can load is tested with a tiny model or listed with a reason.

The host's own list (comfy.supported_models.models) against devtools.host.model_classes (CASES,
NOT_TESTED, TESTED_ELSEWHERE) and the classes LanPaint refuses (nodes.host_model.NOT_INPAINTABLE):
a new host's new model class fails here until it gets a tiny case or a reason, not in a user's
workflow.
"""
import importlib
import re

from devtools.host import compat
from devtools.host import model_classes as mcl
from devtools.lanpaint_pack import REPO_ROOT, load_pack


def _refused():
    return set(importlib.import_module(f"{load_pack().__name__}.nodes.host_model").NOT_INPAINTABLE)


def uncovered(class_names, refused):
    """The class names that have neither a tiny case nor a reason."""
    known = {case.model_class for case in mcl.CASES.values()} | set(mcl.NOT_TESTED) | set(mcl.TESTED_ELSEWHERE)
    return [name for name in class_names if name not in known | refused]


def test_every_host_model_class_is_tested_or_has_a_reason(comfy):
    missing = uncovered(mcl.host_classes(), _refused())
    assert not missing, (
        "model classes of this host with neither a tiny test nor a reason: %s. Add a case to "
        "devtools/host/model_classes.CASES (a tiny builder of the class), or the class with its reason to "
        "NOT_TESTED there, or to nodes/host_model.NOT_INPAINTABLE if LanPaint must refuse it." % missing)


def test_a_new_class_is_reported(comfy):
    assert uncovered(mcl.host_classes() + ["NextYearsModel"], _refused()) == ["NextYearsModel"]


def test_each_class_has_one_verdict():
    tested = {case.model_class for case in mcl.CASES.values()}
    verdicts = [tested, set(mcl.NOT_TESTED), set(mcl.TESTED_ELSEWHERE), _refused()]
    for i, a in enumerate(verdicts):
        for b in verdicts[i + 1:]:
            assert not a & b, a & b


def test_the_counts_docs_state_are_this_hosts(comfy):
    """docs/development.md gives, per tested host, the classes with a tiny case and all the host's classes."""
    text = (REPO_ROOT / "docs" / "development.md").read_text()
    found = re.search(r"(\d+) of ComfyUI 0\.33\.0's (\d+) classes \((\d+) of 0\.3\.75's (\d+)\)",
                      " ".join(text.split()))
    assert found, "docs/development.md no longer states the counts"
    stated = {"0.33.0": (int(found[1]), int(found[2])), "0.3.75": (int(found[3]), int(found[4]))}
    tested = {case.model_class for case in mcl.CASES.values() if compat.has_model_class(case.model_class)}
    version = compat.host_version()
    if version in stated:
        assert (len(tested), len(mcl.host_classes())) == stated[version]
