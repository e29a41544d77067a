"""The visit editor's refresh after one toggle of a yes/no answer, against a bare QCheckBox."""

from __future__ import annotations

import datetime as dt
import statistics

from bench.full_visit import half_observations
from bench.harness import Context, Goal, Result, interleaved_medians
from bench.workspace import knowledge_base, open_repository

GOAL = Goal(max_value=16.0)
FLOOR_IS = "a bare QCheckBox in a shown QMainWindow clicked, then pending events (paint) processed"


def linked_yes_no_prompt(kb, presentations: tuple[str, ...]) -> str:  # type: ignore[no-untyped-def]
    """A yes/no prompt, always shown, whose answer moves at least one condition."""
    return next(
        p.id
        for p in kb.prompts_for(presentations)
        if p.answer_type == "yes_no"
        and p.show_when is None
        and ("answer", p.id) in kb.links_by_item
    )


def measure(ctx: Context) -> list[Result]:
    """Click Yes / No alternately on the real editor; time click -> saved, refreshed, painted."""
    from PySide6.QtWidgets import QCheckBox

    from bench.gui_driver import application, choice_button, settle, shown, visit_editor

    application()
    kb = knowledge_base()
    repo = open_repository(ctx.work_dir / "panel.sqlite3", kb)
    try:
        obs = half_observations(kb)
        prompt_id = linked_yes_no_prompt(kb, obs.presentations)
        patient = repo.create_patient("Bench Panel", dt.date(1975, 3, 3), "female")
        visit = repo.create_visit(patient.id, "initial", list(obs.presentations))
        for pid, value in obs.answers.items():
            if pid != prompt_id:
                repo.save_answer(visit.id, pid, value)
        for item_id, sides in obs.exam.items():
            for side, value in sides.items():
                repo.save_exam(visit.id, item_id, side, value)
        window, editor = visit_editor(repo, kb, visit.id)
        box = QCheckBox("Floor")
        floor_window = shown(box)
        answers = iter(())
        refresh_ms: list[float] = []

        def app() -> None:
            nonlocal answers
            value = next(answers, None)
            if value is None:
                answers = iter(("yes", "no") * 1000)
                value = next(answers)
            choice_button(editor, prompt_id, value).click()
            settle()
            refresh_ms.append(editor.last_refresh_ms)  # type: ignore[attr-defined]

        def floor() -> None:
            box.click()
            settle()

        repeats = ctx.repeats(100)
        floor_ms, app_ms = interleaved_medians(floor, app, repeats, warmup=3)
        recorded = repo.get_visit(visit.id).observations.answers.get(prompt_id)
        if recorded not in ("yes", "no"):
            raise RuntimeError(f"the toggle did not save an answer to {prompt_id}")
        for shown_window in (window, floor_window):
            shown_window.close()
            shown_window.deleteLater()
        settle()
    finally:
        repo.close()
    note = (
        f"VisitEditor with a half-answered visit; toggling '{prompt_id}' Yes/No saves the answer "
        "(autosave), recomputes the differential, updates the panel and paints. Of that, "
        f"VisitEditor.refresh() alone: median {statistics.median(refresh_ms):.2f} ms."
    )
    return [
        Result(
            "Panel refresh after one toggle", "ms", repeats, GOAL, app_ms, floor_ms, FLOOR_IS, note
        )
    ]
