"""A validated cache of the loaded knowledge base, so a start does not parse and check the YAML.

The cache file holds the knowledge base exactly as ``load_knowledge_base`` returned it
(pickled), under a key made from every byte of every file in the knowledge-base folder, of every
module of ``desktop_app.core`` (the classes the pickle rebuilds and the rules that validated it)
and the Python version. It is used only when the key computed now from the files on disk equals
the stored key and the payload's SHA-256 matches; anything else (edited files, another app or
Python version, a truncated or damaged file, an unreadable folder) falls back to the loader, and
a knowledge base that fails validation is never cached. The cache lives in the user's own cache
folder, written atomically; it is as trusted as the user's settings, not more.

No Qt, no YAML on the cached path: the loader is imported only on a miss.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from desktop_app import __version__
from desktop_app.core.knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)
MAGIC = b"gluteal-assess knowledge-base cache 1\n"
CORE = Path(__file__).resolve().parent
_DIGEST = hashlib.sha256().digest_size


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def cache_key(directory: Path) -> str:
    """SHA-256 over the knowledge-base files, the core modules and the interpreter's version."""
    digest = hashlib.sha256(f"{__version__}\n{sys.version}\n{pickle.HIGHEST_PROTOCOL}".encode())
    for folder, pattern in ((directory, "*"), (CORE, "*.py")):
        for path in _files(folder, pattern):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def cache_file(cache_dir: Path) -> Path:
    return cache_dir / "knowledge-base.cache"


def _read(path: Path, key: str) -> KnowledgeBase | None:
    """The cached knowledge base if the file is intact and made for ``key``, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None  # another key (files or code changed) or not a cache file at all
    stored_digest = data[len(header) : len(header) + _DIGEST]
    payload = data[len(header) + _DIGEST :]
    if hashlib.sha256(payload).digest() != stored_digest:
        log.warning("the knowledge-base cache is damaged; rebuilding it")
        return None
    try:
        kb = pickle.loads(payload)
    except Exception:  # the digest matched, so only a broken pickler gets here
        log.exception("the knowledge-base cache could not be read; rebuilding it")
        return None
    return kb if isinstance(kb, KnowledgeBase) else None


def _write(path: Path, key: str, kb: KnowledgeBase) -> None:
    """Write the cache atomically; a folder that cannot be written only costs the next start."""
    payload = pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)
    data = MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".kb-", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.info("the knowledge-base cache was not written (%s)", exc)


def load(directory: Path, cache_dir: Path | None) -> KnowledgeBase:
    """The knowledge base in ``directory``: from the cache when it is valid, else loaded,
    validated and cached. Errors of a malformed knowledge base are the loader's."""
    key = cache_key(directory)
    path = cache_file(cache_dir) if cache_dir is not None else None
    if path is not None:
        kb = _read(path, key)
        if kb is not None:
            return kb
    from desktop_app.core.knowledge import load_knowledge_base  # YAML only on a miss

    kb = load_knowledge_base(directory)
    if path is not None:
        _write(path, key, kb)
    return kb
