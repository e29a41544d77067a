"""Per-user GUI preferences (window state, last patient, chosen database) kept in QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop_app import paths

DATABASE_KEY = "database"


def app_settings() -> QSettings:
    """An INI file in the user's config folder (tests redirect it with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, paths.APP_NAME, "gui")


def database_path(explicit: Path | None) -> Path:
    """--db if given, else the database chosen in Settings, else the default location."""
    if explicit is not None:
        return Path(explicit)
    chosen = app_settings().value(DATABASE_KEY)
    return Path(str(chosen)) if chosen else paths.default_database()


def choose_database(path: Path) -> None:
    """Open this database at the next start."""
    store = app_settings()
    store.setValue(DATABASE_KEY, str(path))
    store.sync()
