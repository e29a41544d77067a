"""Kept so that branches in flight still import; new code imports desktop_app.core.knowledge."""

from desktop_app.core.knowledge.model import *  # noqa: F403
