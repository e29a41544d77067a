"""Where the shipped data (resources/, db/) and the user's data live. No Qt."""

from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "GlutealAssess"
# The installed package (a wheel maps resources/ and db/migrations/ into it, and so does the
# desktop bundle); a checkout or an editable install has them beside the package instead.
PACKAGE = Path(str(files("desktop_app")))
PROJECT_ROOT = PACKAGE.parent


def shipped_folder(*parts: str) -> Path:
    """A data folder inside the installed package, else the checkout's; the packaged path if
    neither exists, so that the error names where the installation should hold it."""
    installed = PACKAGE.joinpath(*parts)
    if installed.is_dir():
        return installed
    checkout = PROJECT_ROOT.joinpath(*parts)
    return checkout if checkout.is_dir() else installed


RESOURCES = shipped_folder("resources")
KNOWLEDGE_BASE = RESOURCES / "knowledge_base"
FONTS = RESOURCES / "fonts"
BODY_CHART = RESOURCES / "body_chart"
MIGRATIONS = shipped_folder("db", "migrations")


def user_data_dir() -> Path:
    """The platform's per-user data directory (created on first use)."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: patient data and logs
    return path


def cache_dir() -> Path:
    """The platform's per-user cache directory (the knowledge-base cache; safe to delete)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_database() -> Path:
    return user_data_dir() / "visits.sqlite3"


def backup_dir() -> Path:
    path = user_data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: patient data and logs
    return path


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: patient data and logs
    return path
