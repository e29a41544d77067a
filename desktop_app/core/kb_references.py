"""Kept so that branches in flight still import; new code imports desktop_app.core.knowledge."""

from desktop_app.core.knowledge.references import check_references, reference_problems

__all__ = ["check_references", "reference_problems"]
