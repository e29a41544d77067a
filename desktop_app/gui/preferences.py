"""Per-user GUI preferences (window state, last patient) kept in QSettings.

The database chosen in Settings is not a GUI preference: the commands need it too, so it lives
in desktop_app.workstation (no Qt).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_app import paths, workstation

LEGACY_DATABASE_KEY = "database"  # where versions up to 0.1.0 kept the chosen database


def app_settings() -> QSettings:
    """An INI file in the user's config folder (tests redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, paths.APP_NAME, "gui")


def adopt_database_choice() -> None:
    """Move a database chosen with an older version from QSettings to the workstation file."""
    store = app_settings()
    chosen = store.value(LEGACY_DATABASE_KEY)
    if not chosen:
        return
    if workstation.chosen_database() is None:
        from pathlib import Path

        workstation.choose_database(Path(str(chosen)))
    store.remove(LEGACY_DATABASE_KEY)
    store.sync()
