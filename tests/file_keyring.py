"""A real keyring for tests: keyrings.alt's PlaintextKeyring, chosen on purpose through
PYTHON_KEYRING_BACKEND (as a user would), its file in the test's own user data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

PLAIN_FILE = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture
def file_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The keyring file's path (under $XDG_DATA_HOME, which tests/conftest.py points to tmp)."""
    pytest.importorskip("keyrings.alt")
    import keyring.core
    from keyrings.alt.file import PlaintextKeyring

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAIN_FILE)
    keyring.core.init_backend()  # keyring reads the variable once per process
    yield Path(PlaintextKeyring().file_path)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """keyring's own 'no backend found' (what a headless computer without one has)."""
    pytest.importorskip("keyring")
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()
    yield
    keyring.core.init_backend()
