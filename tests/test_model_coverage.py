"""Every model class the running host can load is tested with a tiny model or listed with a reason.

The host's own list (comfy.supported_models.models) against devtools.host.model_classes (CASES,
NOT_TESTED, TESTED_ELSEWHERE) and the classes LanPaint refuses (nodes.host_model.NOT_INPAINTABLE):
a new host's new model class fails here until it gets a tiny case or a reason, not in a user's
workflow.
"""
import importlib

from devtools.host import model_classes as mcl
from devtools.lanpaint_pack import load_pack


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
