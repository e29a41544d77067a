"""Outcome measures suggested for the current differential (measures.yaml `suited_for`)."""

from pathlib import Path

import pytest
import yaml

from desktop_app import paths
from desktop_app.core.diagnosis import assess
from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge import load_knowledge_base
from desktop_app.core.measure_suggestions import suggested_measures
from desktop_app.core.observations import Observations
from tests.core.tiny_kb import FILES, write_tiny_kb

KB = load_knowledge_base(paths.KNOWLEDGE_BASE)
GENERIC = {"nprs", "psfs"}


def _suggested(obs: Observations) -> dict[str, str]:
    return {mid: s.label() for mid, s in suggested_measures(KB, assess(KB, obs)).items()}


def test_nothing_recorded_suggests_only_the_generic_measures():
    found = _suggested(Observations(("buttock_pain",)))
    assert set(found) == GENERIC
    assert found["nprs"] == "Suggested for every patient"


def test_lateral_hip_pain_with_a_positive_single_leg_stance_suggests_the_visa_g():
    obs = Observations(
        ("buttock_pain",),
        {"lateral_hip_pain": "yes"},
        {"single_leg_stance": {"left": "positive"}, "gt_palpation": {"left": "positive"}},
    )
    found = _suggested(obs)
    assert "Gluteal tendinopathy" in found["visa_g"]
    assert "lefs" in found
    assert not {"rmdq", "odi", "visa_h"} & set(found)


def test_radicular_pain_suggests_the_back_specific_measures():
    obs = Observations(
        ("buttock_pain",),
        {"radicular_symptoms": "yes", "pain_below_knee": "yes", "leg_worse_than_back": "yes"},
        {"slump": {"left": "positive"}},
    )
    found = _suggested(obs)
    assert "Sciatica / lumbar radiculopathy" in found["rmdq"]
    assert found["odi"] == found["rmdq"]
    assert "visa_g" not in found


def test_every_condition_a_measure_names_exists_and_every_fit_has_a_basis():
    for measure in KB.measures.values():
        fit = measure.suited_for
        assert fit is not None, f"{measure.id} says nothing about the conditions it suits"
        assert fit.every_condition or set(fit.conditions) <= set(KB.conditions)
        assert fit.source or (fit.estimate and fit.rationale)


def _with_measures(tmp_path: Path, fit: dict) -> Path:
    measures = [dict(m) for m in FILES["measures.yaml"]]
    measures[0]["suited_for"] = fit
    return write_tiny_kb(tmp_path, {"measures.yaml": measures})


def test_a_fit_naming_an_unknown_condition_is_refused(tmp_path):
    directory = _with_measures(tmp_path, {"conditions": ["omega"], "source": "src"})
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(directory)
    assert caught.value.file == "measures.yaml"
    assert "suited_for: unknown condition 'omega'" in str(caught.value)


def test_a_fit_without_a_basis_is_refused(tmp_path):
    directory = _with_measures(tmp_path, {"conditions": ["alpha"]})
    with pytest.raises(KnowledgeBaseError, match="needs a 'source' or 'estimate: true'"):
        load_knowledge_base(directory)
    assert yaml.safe_load((directory / "measures.yaml").read_text())[0]["suited_for"]
