"""Where the shipped data (resources/, db/) and the user's data live. No Qt."""

from pathlib import Path

import platformdirs

APP_NAME = "GlutealAssess"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
KNOWLEDGE_BASE = RESOURCES / "knowledge_base"
FONTS = RESOURCES / "fonts"
MIGRATIONS = PROJECT_ROOT / "db" / "migrations"


def user_data_dir() -> Path:
    """The platform's per-user data directory (created on first use)."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return user_data_dir() / "visits.sqlite3"


def backup_dir() -> Path:
    path = user_data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
