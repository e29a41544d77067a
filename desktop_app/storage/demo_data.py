"""Clearly synthetic patients and visits for demos and benchmarks.

Visit contents are drawn at random from the knowledge base, validated like clinician input, and
assessed once per template; patients, visits and their audit entries are then written in bulk,
one transaction per batch, with the same fingerprints and hash chain as the repository writes.
That is what makes 100,000 patients a matter of minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.diagnosis import assess
from desktop_app.core.knowledge import ExamItem, KnowledgeBase, Measure, Prompt
from desktop_app.core.measures import TOTAL, score
from desktop_app.core.observations import NO_SIDE, SIDES, Observations
from desktop_app.core.validation import validate_answer, validate_exam, validate_mark
from desktop_app.storage import signatures
from desktop_app.storage.audit import (
    AMENDMENT_PREFIX,
    FINGERPRINT_PREFIX,
    GENESIS,
    PATIENT_FIELDS,
    amendment_hash,
    canonical_json,
    chained,
    demographics_detail,
    now,
)
from desktop_app.storage.repository import Repository
from desktop_app.storage.search import fold

BATCH = 2000  # patients per transaction

# Synthetic names from several scripts, so search and PDFs meet accents, Greek and CJK.
FIRST_NAMES = tuple(
    (  # noqa: SIM905 (one name a line would be 60 lines)
        "Zoë Ana Łucja Søren Chloé José Ingrid Mateus Γιώργος Ελένη Niamh Oğuz Jürgen "
        "Amélie Dvořák Ivana 太郎 花子 Kwame Aroha Priya Mihai Eilidh Ólafur Siobhán "
        "Tomasz Yusuf Mei Björn Inès"
    ).split()
)
LAST_NAMES = tuple(
    (  # noqa: SIM905
        "Demo Łukasiewicz Müller Ødegård García Παπαδόπουλος Nguyễn O'Brien Kowalczyk "
        "Sørensen Dubois Rossi 山田 Okafor Ngata Patel Popescu MacLeod Jónsdóttir Novák "
        "Schäfer Fernández Yılmaz Lindqvist Testperson"
    ).split()
)
SEX_CHOICES = ("female", "male", "female", "male", "other", "unknown")


def _answer(rng: random.Random, prompt: Prompt) -> Any | None:
    """A random valid answer, or None to leave the prompt unasked."""
    kind = prompt.answer_type
    if kind == "yes_no":
        return rng.choice(("yes", "no", "no"))
    if kind == "side":
        return rng.choice(("left", "right", "both"))
    if kind == "single_choice" and prompt.options:
        return rng.choice(prompt.options).id
    if kind == "multiple_choice" and prompt.options:
        k = rng.randint(1, len(prompt.options))
        return [o.id for o in rng.sample(prompt.options, k)]
    if kind in ("number", "duration", "scale"):
        lo, hi = prompt.minimum or 0.0, prompt.maximum if prompt.maximum is not None else 100.0
        return rng.randint(int(lo), int(min(hi, lo + 60)))
    if kind == "date":
        return (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300))).isoformat()
    return None  # free text: left empty rather than invented


def _exam(rng: random.Random, item: ExamItem) -> Any:
    if item.result_type == "binary":
        return rng.choice(("positive", "negative", "negative"))
    lo, hi = item.minimum or 0.0, item.maximum if item.maximum is not None else 10.0
    return round(rng.uniform(lo, hi), 1)


def _responses(rng: random.Random, measure: Measure) -> dict[str, float]:
    if measure.scoring == "total_only":
        return {TOTAL: float(rng.randint(int(measure.minimum), int(measure.maximum)))}
    if measure.patient_specific:
        return {f"activity_{n}": float(rng.randint(0, 10)) for n in range(1, 3)}
    return {i.id: float(rng.randint(int(i.minimum), int(i.maximum))) for i in measure.items}


@dataclass(frozen=True)
class Template:
    """The recorded content of one synthetic visit, as stored rows, and its differential."""

    presentations: str
    children: dict[str, list[tuple[Any, ...]]]
    red_flags: tuple[str, ...]
    snapshot: str  # the differential's JSON
    differential: str  # its key (SHA-256) in the differentials table
    leading: str


def make_template(kb: KnowledgeBase, rng: random.Random, presentation: str) -> Template:
    """Random answers, findings, marks and measures for one presentation, validated and assessed."""
    obs = Observations((presentation,))
    for pid in kb.presentations[presentation].prompts:
        prompt = kb.prompts[pid]
        shown = prompt.show_when is None or prompt.show_when.evaluate(obs) is True
        value = _answer(rng, prompt) if shown and rng.random() < 0.7 else None
        if value is not None:
            obs = obs.with_answer(pid, validate_answer(kb, pid, value))
    for item_id in kb.presentations[presentation].exam_items:
        item = kb.exam_items[item_id]
        if rng.random() < 0.3:
            for side in SIDES if item.sided else (NO_SIDE,):
                obs = obs.with_exam(
                    item_id, side, validate_exam(kb, item_id, side, _exam(rng, item))
                )
    regions, symptoms = kb.body_chart.regions, kb.body_chart.symptoms
    marks = {
        validate_mark(kb, rng.choice(regions).id, rng.choice(symptoms).id, rng.choice(SIDES))
        for _ in range(rng.randint(0, 3))
    }
    obs = Observations(obs.presentations, obs.answers, obs.exam, tuple(sorted(marks)))
    measures = []
    for measure in kb.measures.values():
        if rng.random() < 0.6:
            responses = _responses(rng, measure)
            measures.append(
                (measure.id, canonical_json(responses), score(measure, responses).value)
            )
    differential = assess(kb, obs)
    leading = differential.leading
    children: dict[str, list[tuple[Any, ...]]] = {
        "answers": [(k, canonical_json(v)) for k, v in obs.answers.items()],
        "exam_findings": [
            (item, side, canonical_json(v))
            for item, sides in obs.exam.items()
            for side, v in sides.items()
        ],
        "body_marks": [(m.region, m.symptom, m.side) for m in obs.marks],
        "measure_results": measures,
    }
    key, snapshot = signatures.snapshot(differential)
    return Template(
        canonical_json([presentation]),
        children,
        tuple(alert.flag_id for alert in differential.red_flags),  # every one acknowledged
        snapshot,
        key,
        leading.name if leading else "",
    )


INSERTS = {
    "patients": "id, name, date_of_birth, sex, clinic_id, contact, notes, search_name, "
    "created_at, updated_at",
    "episodes": "id, patient_id, title, started_on, created_at",
    "visits": "id, patient_id, episode_id, visit_date, visit_type, presentations, kb_version, "
    "plan, leading_condition, created_at, updated_at",
    "answers": "visit_id, prompt_id, value",
    "exam_findings": "visit_id, item_id, side, value",
    "body_marks": "visit_id, region, symptom, side",
    "measure_results": "visit_id, measure_id, responses, score",
    "red_flag_acks": "visit_id, flag_id, referred, reason, acknowledged_by, acknowledged_at",
    "amendments": "id, visit_id, text, reason, author, created_at",
}
PLAN = "Synthetic plan: education, graded loading, review in 3 weeks."


class DemoWriter:
    """Builds the rows of synthetic patients and writes them in one transaction per batch."""

    def __init__(self, repo: Repository, seed: int = 1, templates_per_presentation: int = 40):
        self.repo = repo
        self.rng = random.Random(seed)
        kb = repo.kb
        self.templates = {
            pres: [make_template(kb, self.rng, pres) for _ in range(templates_per_presentation)]
            for pres in sorted(kb.presentations)
        }

    def _next_ids(self) -> dict[str, int]:
        run = self.repo.db.execute
        return {
            table: int(run(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])
            for table in ("patients", "episodes", "visits", "amendments")
        }

    def write(self, first_number: int, patients: int, visits: int) -> None:
        """Write `patients` synthetic patients (numbered from first_number) in one transaction."""
        repo, rng, kb = self.repo, self.rng, self.repo.kb
        actor, stamp = repo.actor, now().isoformat()
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in INSERTS}
        signs: list[dict[str, Any]] = []
        log: list[dict[str, Any]] = []

        def audit_entry(action: str, entity: str, entity_id: int, detail: str = "") -> None:
            log.append(
                {
                    "at": stamp,
                    "actor": actor,
                    "action": action,
                    "entity": entity,
                    "entity_id": entity_id,
                    "detail": detail,
                }
            )

        with repo.batch():
            ids = self._next_ids()
            for number in range(first_number, first_number + patients):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 65))
                patient_id = ids["patients"]
                ids["patients"] += 1
                rows["patients"].append(
                    (
                        patient_id,
                        name,
                        born.isoformat(),
                        rng.choice(SEX_CHOICES),
                        f"DEMO-{number:06d}",
                        "synthetic@example.invalid",
                        "Synthetic demo patient: not a real person.",
                        fold(name),
                        stamp,
                        stamp,
                    )
                )
                fields = dict(zip(PATIENT_FIELDS, rows["patients"][-1], strict=False))
                audit_entry("create", "patient", patient_id, demographics_detail(fields))
                if visits == 0:
                    continue  # registered only: no episode of care yet
                presentation = rng.choice(sorted(self.templates))
                day = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 300))
                episode_id = ids["episodes"]
                ids["episodes"] += 1
                title = kb.presentations[presentation].name
                rows["episodes"].append((episode_id, patient_id, title, day.isoformat(), stamp))
                audit_entry("create", "episode", episode_id, f"patient {patient_id}")
                for n in range(visits):
                    kind = "initial" if n == 0 else "follow_up"
                    if n == visits - 1 and visits >= 3:
                        kind = "discharge"
                    # Most visits are signed; a patient's latest visit is sometimes a draft.
                    sign = n < visits - 1 or rng.random() < 0.6
                    visit = self._visit(ids, rows, patient_id, episode_id, presentation, day, kind)
                    audit_entry("create", "visit", visit["id"], f"patient {patient_id}")
                    if sign:
                        fingerprint = self._sign(visit, rows, signs, stamp)
                        audit_entry("sign", "visit", visit["id"], FINGERPRINT_PREFIX + fingerprint)
                        if rng.random() < 0.05:
                            amendment = {
                                "id": ids["amendments"],
                                "visit_id": visit["id"],
                                "text": "Synthetic amendment: plan discussed again.",
                                "reason": "Demo data",
                                "author": actor,
                                "created_at": stamp,
                            }
                            ids["amendments"] += 1
                            rows["amendments"].append(tuple(amendment.values()))
                            detail = (
                                f"{AMENDMENT_PREFIX}{amendment['id']} {amendment_hash(amendment)}"
                            )
                            audit_entry("amend", "visit", visit["id"], detail)
                    day += dt.timedelta(days=rng.randint(7, 28))
            conn = repo.db.conn
            for table, columns in INSERTS.items():
                marks = ", ".join("?" * len(columns.split(", ")))
                conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[table])
            conn.executemany(
                signatures.STORE_SNAPSHOT,
                [(t.differential, t.snapshot) for ts in self.templates.values() for t in ts],
            )
            conn.executemany(signatures.SIGN_VISIT, signs)
            last = conn.execute(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
            ).fetchone()
            last_id, prev_hash = last if last else (0, GENESIS)
            conn.executemany(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, "
                "prev_hash, hash) VALUES (:id, :at, :actor, :action, :entity, :entity_id, "
                ":detail, :prev_hash, :hash)",
                chained(prev_hash, last_id + 1, log),
            )

    def _visit(
        self,
        ids: dict[str, int],
        rows: dict[str, list[tuple[Any, ...]]],
        patient_id: int,
        episode_id: int,
        presentation: str,
        day: dt.date,
        kind: str,
    ) -> dict[str, Any]:
        template = self.rng.choice(self.templates[presentation])
        stamp = now().isoformat()
        visit = {
            "id": ids["visits"],
            "patient_id": patient_id,
            "episode_id": episode_id,
            "visit_date": day.isoformat(),
            "visit_type": kind,
            "presentations": template.presentations,
            "kb_version": self.repo.kb.version,
            "plan": PLAN,
            "leading_condition": template.leading,
            "created_at": stamp,
            "updated_at": stamp,
        }
        ids["visits"] += 1
        rows["visits"].append(tuple(visit.values()))
        children = {table: list(items) for table, items in template.children.items()}
        children["red_flag_acks"] = []
        for flag_id in template.red_flags:
            referred = self.rng.random() < 0.7
            reason = "" if referred else "Synthetic: symptoms explained and safety-netted."
            children["red_flag_acks"].append(
                (flag_id, int(referred), reason, self.repo.actor, stamp)
            )
        for table, items in children.items():
            rows[table] += [(visit["id"], *item) for item in items]
        visit.update(template=template, children=children)
        return visit

    def _sign(
        self,
        visit: dict[str, Any],
        rows: dict[str, list[tuple[Any, ...]]],
        signs: list[dict[str, Any]],
        stamp: str,
    ) -> str:
        """The repository's signature rows (storage.signatures), written in bulk later."""
        template: Template = visit["template"]
        row = signatures.signed_visit(
            visit,
            visit["children"],
            signer=self.repo.actor,
            signed_at=stamp,
            differential_key=template.differential,
            leading=template.leading,
        )
        signs.append(row)
        return str(row["fingerprint"])


def generate(
    repo: Repository,
    patients: int,
    visits_per_patient: int,
    *,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Add `patients` synthetic patients with `visits_per_patient` visits each."""
    writer = DemoWriter(repo, seed)
    start = repo.patient_count() + 1
    done = 0
    while done < patients:
        size = min(BATCH, patients - done)
        writer.write(start + done, size, visits_per_patient)
        done += size
        if progress is not None:
            progress(done)
