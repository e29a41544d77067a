"""Kept so that branches in flight still import; new code imports desktop_app.core.knowledge."""

from desktop_app.core.knowledge.loader import FILES, fingerprint, load_knowledge_base

__all__ = ["FILES", "fingerprint", "load_knowledge_base"]
