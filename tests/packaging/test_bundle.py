"""Smoke test of the desktop bundle built by `make bundle` (run by `make bundle-test`).

The bundle folder comes from GLUTEAL_ASSESS_BUNDLE; without it (a plain `make test`, which does
not build the bundle) the test is skipped with that reason. Run from a temporary folder with a
temporary home, as a clinic would: no checkout, no Python on the path.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

BUNDLE = os.environ.get("GLUTEAL_ASSESS_BUNDLE")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BUNDLE, reason="no bundle: run `make bundle-test`"),
]
SUFFIX = ".exe" if os.name == "nt" else ""


def bundle_dir() -> Path:
    folder = Path(str(BUNDLE)).resolve()
    assert (folder / f"gluteal-assess{SUFFIX}").is_file(), f"{folder} holds no bundle"
    return folder


def environment(home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {**keep, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    program = bundle_dir() / f"gluteal-assess{SUFFIX}"
    return subprocess.run(
        [str(program), *args], capture_output=True, text=True, timeout=180,
        env=environment(home), cwd=home,
    )  # fmt: skip


def test_the_bundle_runs_a_whole_visit_workflow(tmp_path: Path) -> None:
    assert "usage: gluteal-assess" in run(tmp_path, "--help").stdout
    check = run(tmp_path, "kb", "check")
    assert check.returncode == 0, check.stderr
    db = tmp_path / "clinic.sqlite3"
    demo = run(
        tmp_path, "demo-data", "--patients", "2", "--visits-per-patient", "1", "--db", str(db)
    )
    assert demo.returncode == 0, demo.stderr
    pdf = tmp_path / "summary.pdf"
    export = run(tmp_path, "export-pdf", "--visit", "1", "--out", str(pdf), "--db", str(db))
    assert export.returncode == 0, export.stderr  # needs pikepdf's PDF/A data in the bundle
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"pdfaid:part" in data
    fhir = run(tmp_path, "export-fhir", "--visit", "1", "--out", str(tmp_path / "v.json"),
               "--db", str(db))  # fmt: skip
    assert fhir.returncode == 0, fhir.stderr


def test_the_windowed_launcher_opens_and_stays_open(tmp_path: Path) -> None:
    program = bundle_dir() / f"gluteal-assess-gui{SUFFIX}"
    db = tmp_path / "window.sqlite3"
    process = subprocess.Popen(
        [str(program), "--db", str(db)], env=environment(tmp_path), cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not db.exists() and process.poll() is None:
            time.sleep(0.2)
        time.sleep(2)  # the window is up once the database is open; give Qt time to fail
        assert process.poll() is None, process.communicate()[1]
        assert db.exists()
    finally:
        process.terminate()
        process.communicate(timeout=30)  # closes the pipes
