"""Which recorded answers count: one rule for the history form, the engine and the PDFs.

A prompt is shown when its show-when condition holds. An answer given before the clinician
changed the answer it depended on (which drug, when no injection was given after all) is kept in
storage, but it is hidden on screen, not evidence for the engine and not printed. One hidden
prompt can hide another, so the rule is applied until nothing changes.

Retired prompts and examination items are never evidence (`visible`), but an old visit that
recorded them still shows them (`displayed`).
"""

from __future__ import annotations

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Observations


def is_shown(
    kb: KnowledgeBase, prompt_id: str, obs: Observations, *, retired: bool = False
) -> bool:
    """Whether the prompt is asked given these answers; a retired one only if `retired`."""
    prompt = kb.prompts.get(prompt_id)  # a removed prompt counts for nothing
    if prompt is None or (prompt.retired and not retired):
        return False
    return prompt.show_when is None or prompt.show_when.evaluate(obs) is True


def _settled(kb: KnowledgeBase, obs: Observations, *, retired: bool) -> Observations:
    # IDs renamed since the visit was stored (manifest `renamed:`) are read under their new ID.
    if kb.renamed:
        answers = {kb.current_id("answer", pid): v for pid, v in obs.answers.items()}
        exam = {kb.current_id("exam", iid): sides for iid, sides in obs.exam.items()}
    else:  # nothing renamed: every ID is current
        answers, exam = dict(obs.answers), dict(obs.exam)
    if not retired:
        exam = {iid: sides for iid, sides in exam.items() if not kb.is_retired("exam", iid)}
    while True:
        current = Observations(obs.presentations, answers, exam, obs.marks, obs.regions)
        hidden = [pid for pid in answers if not is_shown(kb, pid, current, retired=retired)]
        if not hidden:
            return current
        for pid in hidden:
            del answers[pid]


def visible(kb: KnowledgeBase, obs: Observations) -> Observations:
    """The evidence: answers of shown prompts, without retired prompts and examination items."""
    return _settled(kb, obs, retired=False)


def displayed(kb: KnowledgeBase, obs: Observations) -> Observations:
    """What a screen or a page shows: answers of shown prompts (retired ones included)."""
    return _settled(kb, obs, retired=True)
