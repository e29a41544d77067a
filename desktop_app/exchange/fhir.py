"""FHIR R4 (4.0.1) Bundles of a visit or of a patient's whole record, as plain JSON-ready dicts.

One visit gives: an Encounter; a QuestionnaireResponse of the history answers; one
QuestionnaireResponse per outcome measure with an Observation for its total; an Observation per
examination result and per body-chart mark; a Condition per ranked diagnosis (verification status
`differential`) and per condition a fired red flag asks to exclude (`provisional`); and a
ClinicalImpression that ties them together. A signed visit carries its content fingerprint as an
identifier of the Encounter and of the visit's Bundle. Codes come from codes.yaml only; anything
without a code is sent as text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from desktop_app.core.codes import Codes
from desktop_app.core.diagnosis import Differential, format_probability
from desktop_app.core.knowledge import KnowledgeBase, Prompt
from desktop_app.core.observations import NO_SIDE, UNKNOWN
from desktop_app.core.records import Patient, Visit
from desktop_app.core.safety_wording import flag_heading
from desktop_app.core.visibility import visible
from desktop_app.export import wording

FHIR_VERSION = "4.0.1"
# Fixed namespace: the same record always gets the same resource UUIDs (stable re-exports).
NAMESPACE = uuid.UUID("5b0e7a52-61d4-4c1e-9a53-0f2f6a9c1d37")
ID_SYSTEM = "urn:gluteal-assess"  # local identifiers: urn:gluteal-assess:patient, ...:visit
FINGERPRINT_SYSTEM = "urn:gluteal-assess:visit-fingerprint-sha256"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
RANKED_CONDITIONS = 10  # the differential's top entries exported as Conditions
Resource = dict[str, Any]


def _uuid(kind: str, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _concept(codes: Codes, kind: str, entry_id: str, text: str) -> dict[str, Any]:
    coding = [
        {"system": c.system.uri, "code": c.code, "display": c.display}
        for c in codes.of(kind, entry_id)
    ]
    return {"coding": coding, "text": text} if coding else {"text": text}


def _category(system: str, code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": TERMINOLOGY + system, "code": code, "display": display}]}]


def patient_resource(patient: Patient) -> Resource:
    identifiers: list[dict[str, Any]] = [
        {"system": f"{ID_SYSTEM}:patient", "value": str(patient.id)}
    ]
    if patient.clinic_id:
        identifiers.append({"type": {"text": "Clinic identifier"}, "value": patient.clinic_id})
    return {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": [{"text": patient.name}],
        "gender": patient.sex,  # female | male | other | unknown: FHIR's administrative gender
        "birthDate": patient.date_of_birth.isoformat(),
    }


def _answer_values(prompt: Prompt, value: Any) -> list[dict[str, Any]]:
    kind = prompt.answer_type
    if value == UNKNOWN:
        return [{"valueString": wording.NOT_KNOWN}]
    if kind == "yes_no":
        return [{"valueBoolean": value == "yes"}]
    if kind in ("single_choice", "multiple_choice"):
        labels = {o.id: o.label for o in prompt.options}
        chosen = value if kind == "multiple_choice" else [value]
        return [{"valueCoding": {"code": str(v), "display": labels.get(v, str(v))}} for v in chosen]
    if kind in ("number", "duration", "scale"):
        quantity: dict[str, Any] = {"value": float(value)}
        if prompt.unit:
            quantity["unit"] = prompt.unit
        return [{"valueQuantity": quantity}]
    if kind == "date":
        return [{"valueDate": str(value)}]
    return [{"valueString": wording.answer_text(prompt, value)}]


class _VisitResources:
    """The resources of one visit, referring to each other by their bundle UUIDs."""

    def __init__(self, kb: KnowledgeBase, codes: Codes, patient_ref: str, visit: Visit) -> None:
        self.kb, self.codes, self.visit = kb, codes, visit
        self.patient = {"reference": patient_ref}
        self.encounter_ref = _uuid("encounter", visit.id)
        self.encounter = {"reference": self.encounter_ref}
        self.status = "final" if visit.is_signed else "preliminary"
        self.entries: list[tuple[str, Resource]] = []

    def add(self, key: str, resource: Resource) -> str:
        ref = _uuid(f"visit/{self.visit.id}/{resource['resourceType']}", key)
        self.entries.append((ref, resource))
        return ref

    def common(self) -> dict[str, Any]:
        return {"subject": self.patient, "encounter": self.encounter}

    def build(self, differential: Differential) -> list[tuple[str, Resource]]:
        visit = self.visit
        identifiers = [{"system": f"{ID_SYSTEM}:visit", "value": str(visit.id)}]
        if visit.fingerprint:
            identifiers.append({"system": FINGERPRINT_SYSTEM, "value": visit.fingerprint})
        self.entries.append(
            (
                self.encounter_ref,
                {
                    "resourceType": "Encounter",
                    "identifier": identifiers,
                    "status": "finished" if visit.is_signed else "in-progress",
                    "class": {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                        "code": "AMB",
                        "display": "ambulatory",
                    },
                    "type": [{"text": wording.visit_type_name(visit.visit_type)}],
                    "subject": self.patient,
                    "period": {"start": visit.visit_date.isoformat()},
                },
            )
        )
        self._history()
        self._measures()
        self._exam()
        self._marks()
        findings = self._differential(differential)
        self._impression(differential, findings)
        return self.entries

    def _history(self) -> None:
        obs = visible(self.kb, self.visit.observations)
        items = []
        for prompt_id, value in obs.answers.items():
            prompt = self.kb.prompts.get(prompt_id)
            if prompt is None:
                continue
            items.append(
                {
                    "linkId": prompt_id,
                    "text": prompt.question,
                    "answer": _answer_values(prompt, value),
                }
            )
        if items:
            self.add("history", self._response("History", items, complete=True))

    def _response(self, title: str, items: list[Any], *, complete: bool) -> Resource:
        response: Resource = {
            "resourceType": "QuestionnaireResponse",
            "identifier": {"system": f"{ID_SYSTEM}:questionnaire", "value": title},
            "status": "completed" if complete else "in-progress",
            "subject": self.patient,
            "encounter": self.encounter,
            "authored": self.visit.visit_date.isoformat(),
        }
        if items:  # FHIR JSON has no empty arrays
            response["item"] = items
        return response

    def _measures(self) -> None:
        for measure_id, result in self.visit.measures.items():
            measure = self.kb.measures.get(measure_id)
            name = measure.name if measure else measure_id
            texts = {i.id: i.text for i in measure.items} if measure else {}
            items = [
                {
                    "linkId": key,
                    **({"text": texts[key]} if key in texts else {}),
                    "answer": [{"valueDecimal": float(value)}],
                }
                for key, value in result.responses.items()
            ]
            response = self._response(name, items, complete=result.score is not None)
            response_ref = self.add(f"measure/{measure_id}", response)
            if result.score is None:
                continue
            self.add(
                f"measure-total/{measure_id}",
                {
                    "resourceType": "Observation",
                    "status": self.status,
                    "category": _category("observation-category", "survey", "Survey"),
                    "code": _concept(self.codes, "measure", measure_id, f"{name} total score"),
                    **self.common(),
                    "effectiveDateTime": self.visit.visit_date.isoformat(),
                    "valueQuantity": {
                        "value": float(result.score),
                        "unit": "score",
                        "system": "http://unitsofmeasure.org",
                        "code": "{score}",
                    },
                    "derivedFrom": [{"reference": response_ref}],
                },
            )

    def _exam(self) -> None:
        interpretation = {"positive": "POS", "negative": "NEG", "inconclusive": "IND"}
        for item_id, sides in self.visit.observations.exam.items():
            item = self.kb.exam_items.get(item_id)
            name = item.name if item else item_id
            for side, value in sides.items():
                resource: Resource = {
                    "resourceType": "Observation",
                    "status": self.status,
                    "category": _category("observation-category", "exam", "Exam"),
                    "code": _concept(self.codes, "exam_item", item_id, name),
                    **self.common(),
                    "effectiveDateTime": self.visit.visit_date.isoformat(),
                }
                if side != NO_SIDE:
                    resource["bodySite"] = {"text": wording.SIDE_NAMES.get(side, side)}
                if isinstance(value, int | float) and not isinstance(value, bool):
                    quantity: dict[str, Any] = {"value": float(value)}
                    if item and item.unit:
                        quantity["unit"] = item.unit
                    resource["valueQuantity"] = quantity
                else:
                    resource["valueCodeableConcept"] = {"text": str(value)}
                    if str(value) in interpretation:
                        code = interpretation[str(value)]
                        resource["interpretation"] = [
                            {
                                "coding": [
                                    {
                                        "system": TERMINOLOGY + "v3-ObservationInterpretation",
                                        "code": code,
                                    }
                                ]
                            }
                        ]
                self.add(f"exam/{item_id}/{side}", resource)

    def _marks(self) -> None:
        regions = {r.id: r.name for r in self.kb.body_chart.regions}
        symptoms = {s.id: s.label for s in self.kb.body_chart.symptoms}
        for mark in sorted(self.visit.observations.marks):
            where = regions.get(mark.region, mark.region)
            if mark.side != NO_SIDE:
                where += f", {wording.SIDE_NAMES.get(mark.side, mark.side).lower()}"
            self.add(
                f"mark/{mark.region}/{mark.symptom}/{mark.side}",
                {
                    "resourceType": "Observation",
                    "status": self.status,
                    "category": _category("observation-category", "exam", "Exam"),
                    "code": {"text": f"Body chart: {symptoms.get(mark.symptom, mark.symptom)}"},
                    **self.common(),
                    "effectiveDateTime": self.visit.visit_date.isoformat(),
                    "bodySite": _concept(self.codes, "region", mark.region, where),
                    "valueBoolean": True,
                },
            )

    def _condition(self, condition_id: str, name: str, status: str, note: str) -> str:
        return self.add(
            f"condition/{condition_id}",
            {
                "resourceType": "Condition",
                "verificationStatus": {
                    "coding": [{"system": TERMINOLOGY + "condition-ver-status", "code": status}]
                },
                "category": _category(
                    "condition-category", "encounter-diagnosis", "Encounter Diagnosis"
                ),
                "code": _concept(self.codes, "condition", condition_id, name),
                **self.common(),
                "recordedDate": self.visit.visit_date.isoformat(),
                "note": [{"text": note}],
            },
        )

    def _differential(self, differential: Differential) -> list[dict[str, Any]]:
        flagged: dict[str, list[str]] = {}
        names = {c.condition_id: c.name for c in differential.conditions}
        for alert in differential.red_flags:
            flag = self.kb.red_flags.get(alert.flag_id)
            ack = wording.acknowledgement_text(self.visit.red_flag_acks.get(alert.flag_id))
            text = f"{flag_heading(alert.urgency, alert.name)}. {alert.action} {ack}"
            targets = flag.conditions if flag and flag.conditions else (f"flag:{alert.flag_id}",)
            for condition_id in targets:
                flagged.setdefault(condition_id, []).append(text)
                names.setdefault(condition_id, alert.name)
        findings = []
        ranked = differential.conditions
        for rank, result in enumerate(ranked, start=1):
            if rank > RANKED_CONDITIONS and result.condition_id not in flagged:
                continue
            note = (
                f"Ranked {rank} of {len(ranked)} in the differential: estimated probability "
                f"{format_probability(result.posterior)} (pre-test "
                f"{format_probability(result.prior)}), knowledge base {differential.kb_version}. "
                "Decision support, not a confirmed diagnosis."
            )
            alerts = flagged.pop(result.condition_id, [])
            status = "provisional" if alerts else "differential"
            ref = self._condition(
                result.condition_id, result.name, status, " ".join([*alerts, note])
            )
            findings.append({"itemReference": {"reference": ref}, "basis": f"rank {rank}"})
        for condition_id, alerts in flagged.items():  # a flag with no ranked condition
            ref = self._condition(
                condition_id, names[condition_id], "provisional", " ".join(alerts)
            )
            findings.append({"itemReference": {"reference": ref}, "basis": "red flag"})
        return findings

    def _impression(self, differential: Differential, findings: list[dict[str, Any]]) -> None:
        leader = differential.leading
        summary = [f"Knowledge base {differential.kb_version}."]
        if leader is not None:
            summary.append(
                f"Leading candidate: {leader.name} ({format_probability(leader.posterior)})."
            )
        summary += [f"{flag_heading(a.urgency, a.name)}." for a in differential.red_flags]
        impression: Resource = {
            "resourceType": "ClinicalImpression",
            "status": "completed" if self.visit.is_signed else "in-progress",
            "description": "Differential diagnosis computed by Gluteal Assess (decision support)",
            **self.common(),
            "date": self.visit.visit_date.isoformat(),
            "summary": " ".join(summary),
        }
        if findings:
            impression["finding"] = findings
        if self.visit.plan.strip():
            impression["note"] = [{"text": self.visit.plan}]
        self.add("impression", impression)


def _bundle(entries: list[tuple[str, Resource]], generated: dt.datetime) -> Resource:
    return {
        "resourceType": "Bundle",
        "meta": {"tag": [{"system": ID_SYSTEM, "code": f"fhir-{FHIR_VERSION}"}]},
        "type": "collection",
        "timestamp": generated.isoformat(timespec="seconds"),
        "entry": [{"fullUrl": ref, "resource": resource} for ref, resource in entries],
    }


def visit_bundle(
    kb: KnowledgeBase,
    codes: Codes,
    patient: Patient,
    visit: Visit,
    differential: Differential,
    generated: dt.datetime,
) -> Resource:
    """One visit with its patient."""
    patient_ref = _uuid("patient", patient.id)
    entries = [(patient_ref, patient_resource(patient))]
    entries += _VisitResources(kb, codes, patient_ref, visit).build(differential)
    bundle = _bundle(entries, generated)
    if visit.fingerprint:
        bundle["identifier"] = {"system": FINGERPRINT_SYSTEM, "value": visit.fingerprint}
    return bundle


def patient_bundle(
    kb: KnowledgeBase,
    codes: Codes,
    patient: Patient,
    visits: list[tuple[Visit, Differential]],
    generated: dt.datetime,
) -> Resource:
    """A patient with every visit, oldest first."""
    patient_ref = _uuid("patient", patient.id)
    entries = [(patient_ref, patient_resource(patient))]
    for visit, differential in visits:
        entries += _VisitResources(kb, codes, patient_ref, visit).build(differential)
    return _bundle(entries, generated)
