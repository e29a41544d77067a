"""The knowledge-base lock: each released version pinned to the fingerprint of its content.

Visits record the version they were assessed with, so one version must always mean one content.
`resources/knowledge_base/kb.lock` holds one line per version, ``VERSION FINGERPRINT``, oldest
first; a test fails when the content changed but the manifest version was not bumped, and
`python main.py kb lock` adds the line for a new version (never rewrites an existing one).
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.errors import KnowledgeBaseError
from desktop_app.core.knowledge.model import KnowledgeBase

LOCK_FILE = "kb.lock"


def read_lock(directory: Path) -> dict[str, str]:
    """version -> fingerprint; an absent lock is empty."""
    path = directory / LOCK_FILE
    if not path.exists():
        return {}
    pins: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) != 2:
            raise KnowledgeBaseError(LOCK_FILE, f"line {n}", "expected 'VERSION FINGERPRINT'")
        version, fingerprint = parts
        if version in pins:
            raise KnowledgeBaseError(LOCK_FILE, f"line {n}", f"version {version} pinned twice")
        pins[version] = fingerprint
    return pins


def lock_problem(kb: KnowledgeBase, directory: Path) -> str | None:
    """Why the loaded content does not match the lock, in words a content editor can act on."""
    pinned = read_lock(directory).get(kb.version)
    if pinned is None:
        return (
            f"version {kb.version} is not in {LOCK_FILE}: run `python main.py kb lock` "
            "after bumping the version"
        )
    if pinned != kb.fingerprint:
        return (
            f"the content changed but version {kb.version} is pinned to {pinned} (now "
            f"{kb.fingerprint}): bump `version` in manifest.yaml, then run `python main.py kb lock`"
        )
    return None


def add_to_lock(kb: KnowledgeBase, directory: Path) -> bool:
    """Pin the loaded version to its fingerprint; False when it already was. Refuses to re-pin."""
    pins = read_lock(directory)
    if kb.version in pins:
        if pins[kb.version] != kb.fingerprint:
            raise KnowledgeBaseError(
                LOCK_FILE,
                kb.version,
                f"already pinned to {pins[kb.version]}; bump the version in manifest.yaml",
            )
        return False
    path = directory / LOCK_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(f"{text}{kb.version} {kb.fingerprint}\n", encoding="utf-8")
    return True


_HEADER = (
    "# Knowledge-base lock: VERSION FINGERPRINT, one line per released version, oldest first.\n"
    "# Never edit a line: bump `version` in manifest.yaml and run `python main.py kb lock`.\n"
)
