"""A synthetic patient and visits built from core records (no storage), with the real KB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from desktop_app import paths
from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import KnowledgeBase, load_knowledge_base
from desktop_app.core.measures import score
from desktop_app.core.records import (
    Amendment,
    MeasureResult,
    Patient,
    RedFlagAck,
    Settings,
    Visit,
)
from desktop_app.core.validation import observations_from_dict
from desktop_app.export import VisitBundle
from desktop_app.export.bundle import Scores

UTC = dt.UTC
SIGNED_AT = dt.datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
FINGERPRINT = "3f" * 32

CASE = {
    "presentations": ["gluteal_depression", "buttock_pain"],
    "answers": {
        "injection_history": "yes",
        "current_pain": 6,
        "radicular_symptoms": "unknown",
        "trauma_or_fall": "no",
        "saddle_anaesthesia": "yes",
    },
    "exam": {
        "depression_palpation": {"left": "positive"},
        "single_leg_stance": {"left": "negative", "right": "negative"},
        "active_piriformis": {"left": "positive"},
    },
    "marks": [
        {"region": "upper_outer_buttock", "symptom": "depression", "side": "left"},
        {"region": "upper_outer_buttock", "symptom": "pain", "side": "left"},
        {"region": "greater_trochanter", "symptom": "pain", "side": "left"},
        {"region": "posterior_thigh", "symptom": "numbness_tingling", "side": "left"},
    ],
}
PLAN = "Same-day referral to the emergency department for MRI.\nReview in 2 weeks."


AUTHOR = "Alex Morgan, Physiotherapist, reg. no. PH123456"


def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base(paths.KNOWLEDGE_BASE)


def settings(page_size: str = "A4") -> Settings:
    return Settings(
        clinic_name="Riverside Physiotherapy",
        clinic_address="12 Mill Lane\nLeeds LS1 4AB",
        page_size=page_size,
    )


def nprs(kb: KnowledgeBase, value: float) -> MeasureResult:
    responses = {"current": value}
    return MeasureResult("nprs", responses, score(kb.measures["nprs"], responses).value)


def visit(
    kb: KnowledgeBase, visit_id: int = 2, day: dt.date = dt.date(2026, 11, 20), pain: float = 6
) -> Visit:
    obs = observations_from_dict(kb, CASE)
    ack = RedFlagAck("cauda_equina", True, "", "Alex Morgan", SIGNED_AT - dt.timedelta(minutes=5))
    return Visit(
        id=visit_id,
        patient_id=1,
        episode_id=1,
        visit_date=day,
        visit_type="initial",
        status="draft",
        kb_version=kb.version,
        observations=obs,
        plan=PLAN,
        measures={"nprs": nprs(kb, pain)},
        red_flag_acks={"cauda_equina": ack},
    )


def signed(kb: KnowledgeBase, draft: Visit) -> Visit:
    return replace(
        draft,
        status="signed",
        signed_at=SIGNED_AT,
        signed_by=AUTHOR,
        fingerprint=FINGERPRINT,
        signed_differential=assess(kb, draft.observations),
    )


def scores_of(visits: Iterable[Visit]) -> Scores:
    """The bundle's scores of these visits, as storage's measure_histories reads them."""
    out: dict[str, list[tuple[dt.date, int, float]]] = {}
    for v in sorted(visits, key=lambda v: (v.visit_date, v.id)):
        for measure_id, result in v.measures.items():
            if result.score is not None:
                out.setdefault(measure_id, []).append((v.visit_date, v.id, float(result.score)))
    return out


def with_visits(base: VisitBundle, visit: Visit, history: list[Visit]) -> VisitBundle:
    """``base`` for ``visit`` among ``history``, its scores read from those visits."""
    return replace(base, visit=visit, history=history, scores=scores_of(history))


def bundle(
    kb: KnowledgeBase,
    *,
    name: str = "Zoë Łukasiewicz",
    sign: bool = False,
    amended: bool = False,
    page_size: str = "A4",
    visits: int = 2,
    plan: str = PLAN,
) -> VisitBundle:
    """The patient's latest visit, after `visits - 1` signed earlier follow-ups."""
    patient = Patient(1, name, dt.date(1984, 3, 9), "female", clinic_id="RP-0042")
    history = [
        signed(
            kb,
            replace(
                visit(kb, n, dt.date(2026, 9, 1) + dt.timedelta(weeks=3 * n), pain=8 - n),
                visit_type="follow_up",
            ),
        )
        for n in range(1, visits)
    ]
    current = replace(visit(kb, visits, dt.date(2026, 11, 20), pain=3), plan=plan)
    if sign:
        current = signed(kb, current)
    amendments = [
        Amendment(
            1,
            current.id,
            "Pain started in early October, not September.",
            "Patient corrected the date",
            AUTHOR,
            SIGNED_AT + dt.timedelta(days=1),
        )
    ]
    differential = current.signed_differential or assess(kb, current.observations)
    return VisitBundle(
        kb,
        settings(page_size),
        patient,
        current,
        differential,
        amendments if amended else [],
        [*history, current],
        scores_of([*history, current]),
        author=AUTHOR,
    )
