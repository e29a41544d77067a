"""FHIR R4 export, validated with the `fhir.resources` model library.

Why fhir.resources 6.4.0: it is the last release whose default models are FHIR R4 4.0.1
(`fhir.resources.__fhir_version__ == "4.0.1"`); 6.5.0 moved to R4B (4.3.0) and 7.x/8.x to R5
with R4B and STU3 subpackages only. Its pydantic (v1) models check every element name, data
type, cardinality and choice-type rule of R4. They do not check required code bindings, so the
tests below also check the codes this export uses against the R4 value sets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import fhir.resources
import pytest
from fhir.resources.bundle import Bundle

from desktop_app.app import main
from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.safety_wording import flag_heading
from desktop_app.storage.repository import Repository
from tests.exchange.builders import Clinic, clinic

# Required bindings in R4 (hl7.org/fhir/R4): administrative-gender, observation-status,
# encounter-status, questionnaire-answers-status, clinicalimpression-status, condition-ver-status.
R4_CODES = {
    "gender": {"male", "female", "other", "unknown"},
    "Observation.status": {"registered", "preliminary", "final", "amended"},
    "Encounter.status": {"planned", "arrived", "triaged", "in-progress", "finished"},
    "QuestionnaireResponse.status": {"in-progress", "completed", "amended", "stopped"},
    "ClinicalImpression.status": {"in-progress", "completed", "entered-in-error"},
    "verification": {"unconfirmed", "provisional", "differential", "confirmed", "refuted"},
}


@pytest.fixture()
def recorded(tmp_path: Path, kb: KnowledgeBase) -> Clinic:
    return clinic(tmp_path / "clinic.sqlite3", kb)


def export(recorded: Clinic, tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "bundle.json"
    assert main(["export-fhir", *args, "--out", str(out), "--db", str(recorded.path)]) == 0
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_model_library_is_r4() -> None:
    assert fhir.resources.__fhir_version__ == "4.0.1"


def test_a_signed_visit_is_a_valid_r4_bundle(recorded: Clinic, tmp_path: Path) -> None:
    bundle = export(recorded, tmp_path, "--visit", str(recorded.signed_visit))
    Bundle.parse_obj(bundle)  # raises on any structural error

    refs = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:  # every reference resolves inside the bundle
        for key in ("subject", "encounter"):
            if key in entry["resource"]:
                assert entry["resource"][key]["reference"] in refs

    (patient,) = resources(bundle, "Patient")
    assert patient["gender"] == "female" and patient["birthDate"] == "1970-03-14"
    assert patient["name"] == [{"text": "Zoë Łukasiewicz"}]
    assert "private" not in json.dumps(bundle)  # patient notes never leave

    with Repository.open(recorded.path, _kb()) as repo:
        fingerprint = repo.get_visit(recorded.signed_visit).fingerprint
    (encounter,) = resources(bundle, "Encounter")
    assert encounter["status"] == "finished"
    assert {"system": "urn:gluteal-assess:visit-fingerprint-sha256", "value": fingerprint} in (
        encounter["identifier"]
    )
    assert bundle["identifier"]["value"] == fingerprint


def test_each_measure_is_a_response_with_an_observation_for_its_total(
    recorded: Clinic, tmp_path: Path
) -> None:
    bundle = export(recorded, tmp_path, "--visit", str(recorded.signed_visit))
    responses = {r["identifier"]["value"]: r for r in resources(bundle, "QuestionnaireResponse")}
    nprs = responses["Numeric Pain Rating Scale (NPRS)"]
    assert nprs["item"][0]["answer"] == [{"valueDecimal": 7.0}]
    totals = [o for o in resources(bundle, "Observation") if o.get("derivedFrom")]
    by_text = {o["code"]["text"]: o for o in totals}
    nprs_total = by_text["Numeric Pain Rating Scale (NPRS) total score"]
    assert nprs_total["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert nprs_total["valueQuantity"]["value"] == 7.0
    visa_g = next(o for t, o in by_text.items() if t.startswith("VISA-G"))
    assert "coding" not in visa_g["code"]  # no code found for VISA-G: text only
    assert "History" in responses  # the answers travel too


def test_exam_marks_differential_and_red_flags(recorded: Clinic, tmp_path: Path) -> None:
    bundle = export(recorded, tmp_path, "--visit", str(recorded.signed_visit))
    observations = resources(bundle, "Observation")
    slr = [o for o in observations if o["code"]["text"] == "Straight-leg raise"]
    assert {(o["bodySite"]["text"], o["valueCodeableConcept"]["text"]) for o in slr} == {
        ("Left", "positive"),
        ("Right", "negative"),
    }
    marks = [o for o in observations if o["code"]["text"].startswith("Body chart")]
    assert [m["bodySite"]["text"] for m in marks] == ["Deep gluteal / sciatic notch, left"]

    conditions = resources(bundle, "Condition")
    status = {c["code"]["text"]: c["verificationStatus"]["coding"][0]["code"] for c in conditions}
    assert status["Cauda equina syndrome"] == "provisional"  # the fired emergency flag
    assert "differential" in status.values()
    ces = next(c for c in conditions if c["code"]["text"] == "Cauda equina syndrome")
    assert flag_heading("emergency", "") in ces["note"][0]["text"]  # the banner's words
    (impression,) = resources(bundle, "ClinicalImpression")
    assert impression["status"] == "completed"
    assert len(impression["finding"]) == len(conditions)


def test_required_codes_come_from_the_r4_value_sets(recorded: Clinic, tmp_path: Path) -> None:
    bundle = export(recorded, tmp_path, "--patient", str(recorded.patient_id))
    Bundle.parse_obj(bundle)
    for r in (e["resource"] for e in bundle["entry"]):
        kind = r["resourceType"]
        if kind == "Patient":
            assert r["gender"] in R4_CODES["gender"]
        elif kind == "Condition":
            assert r["verificationStatus"]["coding"][0]["code"] in R4_CODES["verification"]
        elif f"{kind}.status" in R4_CODES:
            assert r["status"] in R4_CODES[f"{kind}.status"]


def test_a_patient_bundle_holds_every_visit_and_is_audited(
    recorded: Clinic, tmp_path: Path
) -> None:
    bundle = export(recorded, tmp_path, "--patient", str(recorded.patient_id))
    encounters = resources(bundle, "Encounter")
    assert [e["status"] for e in encounters] == ["finished", "in-progress"]
    draft_totals = [o for o in resources(bundle, "Observation") if o["status"] == "preliminary"]
    assert draft_totals  # a draft's results are preliminary
    with Repository.open(recorded.path, _kb()) as repo:
        entry = repo.audit_trail("patient", str(recorded.patient_id))[-1]
    assert (entry.action, entry.actor) == ("export", "command line")
    assert entry.detail.startswith("fhir-r4 bundle")
    assert "Zoë" not in entry.detail and "bundle.json" not in entry.detail


def test_an_unknown_visit_is_an_error_and_writes_nothing(
    recorded: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "none.json"
    assert (
        main(["export-fhir", "--visit", "999", "--out", str(out), "--db", str(recorded.path)]) == 2
    )
    assert "no visit with ID 999" in capsys.readouterr().err
    assert not out.exists()


def _kb() -> KnowledgeBase:
    from desktop_app.app import App

    return App().knowledge_base()
