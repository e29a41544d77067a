"""The held-out list: a third of the case files, drawn once at random, never redrawn.

Until the list exists every case is in the tuning set. Cases added after the draw are tuning
cases. Engineers tuning the knowledge base must not open a held-out case file or read its
per-case result; the report prints held-out figures only as counts.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from pathlib import Path

from desktop_app.core.errors import AppError
from desktop_app.validation.case_file import case_paths

FRACTION = 3  # one case in FRACTION is held out


class HeldOutError(AppError):
    """The held-out list cannot be drawn or does not match the case files."""


def read_held_out(path: Path, case_names: set[str]) -> frozenset[str]:
    """The held-out case file names; empty when the list has not been drawn yet."""
    if not path.exists():
        return frozenset()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HeldOutError(f"Cannot read the held-out list {path}: {exc}") from None
    names = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    missing = sorted(names - case_names)
    if missing:
        raise HeldOutError(
            f"{path} names case file(s) that are not in the cases folder: {', '.join(missing)}. "
            "A held-out case is never dropped or renamed."
        )
    return frozenset(names)


def draw_held_out(
    cases_dir: Path, path: Path, seed: int | None = None, today: dt.date | None = None
) -> list[str]:
    """Write the held-out list (a third of the case files) and return it; refuse to redraw."""
    if path.exists():
        raise HeldOutError(
            f"The held-out list {path} already exists: it is drawn once and never redrawn."
        )
    names = [p.name for p in case_paths(cases_dir)]
    if not names:
        raise HeldOutError(f"There are no case files in {cases_dir} to draw from.")
    seed = secrets.randbelow(2**32) if seed is None else seed
    today = today or dt.datetime.now(dt.UTC).date()
    chosen = sorted(random.Random(seed).sample(names, round(len(names) / FRACTION)))
    header = [
        "# Held-out validation cases (issue 10): drawn once, never redrawn or edited.",
        f"# Drawn on {today.isoformat()} (UTC) with random.Random({seed}).sample(sorted case "
        f"file names, {len(chosen)}) from the {len(names)} case files in {cases_dir.name}/.",
        "# Engineers tuning the knowledge base must not open these case files or read their",
        "# per-case results. Cases added later are tuning cases.",
        f"# seed: {seed}",
        f"# date: {today.isoformat()}",
    ]
    path.write_text("\n".join([*header, *chosen]) + "\n", encoding="utf-8")
    return chosen
