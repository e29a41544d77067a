"""The knowledge base: typed model (model), strict YAML reading (entries), one builder per entry
kind (builders), the loading table (loader), cross-reference checks (references) and the version
lock (lock)."""

from typing import TYPE_CHECKING

from desktop_app.core.knowledge.model import (
    ANSWER_TYPES,
    RENAMED_KINDS,
    RESULT_TYPES,
    URGENCIES,
    VERIFICATION,
    Accuracy,
    BodyChart,
    Condition,
    ExamItem,
    Figure,
    KnowledgeBase,
    Link,
    Measure,
    MeasureFit,
    MeasureItem,
    NextSteps,
    Option,
    Presentation,
    PriorModifier,
    Prompt,
    RedFlag,
    Region,
    Source,
)
from desktop_app.core.knowledge.references import check_references, reference_problems

if TYPE_CHECKING:
    from desktop_app.core.knowledge.loader import (
        ENTRY_FILES,
        FILES,
        fingerprint,
        load_knowledge_base,
    )

_LOADER = ("ENTRY_FILES", "FILES", "fingerprint", "load_knowledge_base")


def __getattr__(name: str) -> object:
    # The loader (and YAML) on first use only: a start from core/kb_cache.py never needs them.
    if name in _LOADER:
        from desktop_app.core.knowledge import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ANSWER_TYPES",
    "ENTRY_FILES",
    "FILES",
    "RENAMED_KINDS",
    "RESULT_TYPES",
    "URGENCIES",
    "VERIFICATION",
    "Accuracy",
    "BodyChart",
    "Condition",
    "ExamItem",
    "Figure",
    "KnowledgeBase",
    "Link",
    "Measure",
    "MeasureFit",
    "MeasureItem",
    "NextSteps",
    "Option",
    "Presentation",
    "PriorModifier",
    "Prompt",
    "RedFlag",
    "Region",
    "Source",
    "check_references",
    "fingerprint",
    "load_knowledge_base",
    "reference_problems",
]
