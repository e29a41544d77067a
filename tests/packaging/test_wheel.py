"""The built wheel works on its own: installed in a fresh venv outside the checkout, run from a
folder that is not the checkout, its commands load the knowledge base, create a database with
tables and export a PDF/A.

The fresh venv gets the wheel with `--no-deps` and borrows the already installed dependencies
(Qt, ReportLab, pikepdf ...) through a plain path line in a .pth file: the line adds the test
venv's site-packages to sys.path without running its .pth files, so the editable install of the
checkout is not visible there. The test asserts that `desktop_app` is imported from the fresh
venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app import paths

pytestmark = pytest.mark.slow
BIN = "Scripts" if os.name == "nt" else "bin"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    home: Path  # HOME / user data for the commands
    work: Path  # the current directory for the commands

    def script(self, name: str) -> Path:
        return self.venv / BIN / name

    def run(self, *args: str, program: str = "gluteal-assess") -> subprocess.CompletedProcess[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        }
        env.update(HOME=str(self.home), XDG_DATA_HOME=str(self.home / "data"))
        return subprocess.run(
            [str(self.script(program)), *args],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
            cwd=self.work,
        )


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        check=True,
        capture_output=True,
        cwd=paths.PROJECT_ROOT,
        timeout=300,
    )
    (wheel,) = out.glob("gluteal_assess-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel")
    assert paths.PROJECT_ROOT not in root.parents
    wheel = build_wheel(root / "dist")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    fresh_python = venv / BIN / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh_python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    fresh_site = subprocess.run(
        [str(fresh_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(fresh_site, "borrowed_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    (root / "home").mkdir()
    (root / "work").mkdir()
    yield Installed(wheel, venv, root / "home", root / "work")


def test_wheel_contents(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    shipped = [p.relative_to(paths.PROJECT_ROOT) for p in paths.RESOURCES.rglob("*") if p.is_file()]
    assert shipped
    for relative in shipped:
        assert f"desktop_app/{relative.as_posix()}" in names
    for script in paths.MIGRATIONS.glob("*.sql"):
        assert f"desktop_app/db/migrations/{script.name}" in names


def test_installed_package_is_the_one_imported(installed: Installed) -> None:
    where = subprocess.run(
        [str(installed.script("python")), "-c", "import desktop_app.paths as p; "
         "print(p.PACKAGE); print(p.KNOWLEDGE_BASE); print(p.MIGRATIONS)"],
        capture_output=True, text=True, check=True, cwd=installed.work,
    ).stdout.split()  # fmt: skip
    assert all(Path(line).is_relative_to(installed.venv) for line in where), where


def test_installed_commands_check_the_kb_make_data_and_export_a_pdf(installed: Installed) -> None:
    usage = installed.run("--help")
    assert usage.returncode == 0
    assert usage.stdout.startswith("usage: gluteal-assess ")
    assert installed.script("gluteal-assess-gui").is_file()

    check = installed.run("kb", "check")
    assert check.returncode == 0, check.stderr
    assert "is valid" in check.stdout

    db = installed.work / "clinic.sqlite3"
    demo = installed.run(
        "demo-data", "--patients", "2", "--visits-per-patient", "1", "--db", str(db)
    )
    assert demo.returncode == 0, demo.stderr
    assert "now holds 2 patients" in demo.stdout

    pdf = installed.work / "summary.pdf"
    export = installed.run("export-pdf", "--visit", "1", "--out", str(pdf), "--db", str(db))
    assert export.returncode == 0, export.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"pdfaid:part" in data  # the PDF/A identification pikepdf writes into the XMP

    bundle = installed.work / "visit.json"
    fhir = installed.run("export-fhir", "--visit", "1", "--out", str(bundle), "--db", str(db))
    assert fhir.returncode == 0, fhir.stderr
    assert '"resourceType": "Bundle"' in bundle.read_text(encoding="utf-8")


def test_an_installation_without_migrations_refuses_to_create_a_database(
    installed: Installed,
) -> None:
    folder = Path(
        subprocess.run(
            [str(installed.script("python")), "-c",
             "import desktop_app.paths as p; print(p.MIGRATIONS)"],
            capture_output=True, text=True, check=True, cwd=installed.work,
        ).stdout.strip()
    )  # fmt: skip
    aside = folder.with_name("migrations-aside")
    folder.rename(aside)
    try:
        db = installed.work / "never.sqlite3"
        demo = installed.run("demo-data", "--patients", "1", "--db", str(db))
    finally:
        aside.rename(folder)
    assert demo.returncode == 2
    assert "installation of the app is incomplete" in demo.stderr
    assert "Traceback" not in demo.stderr
    assert not db.exists()
