"""A killed app loses nothing that was on screen: reopening shows the same visit."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.core.observations import Mark
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.visit_editor import TABS
from desktop_app.storage.repository import Repository

# Runs in a child process that SIGKILLs itself in the middle of the visit.
CHILD = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from desktop_app.core.observations import Mark
    from desktop_app.app import App
    from desktop_app.gui.application import configure, open_window

    app = QApplication([])
    configure(app)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
    window = open_window(App(db=__import__("pathlib").Path(sys.argv[1])))
    ops = window.ops
    patient = ops.create_patient("Killed Midvisit", dt.date(1970, 1, 1), "male")
    window.show_patient(patient.id)
    visit = ops.start_visit(patient, "initial", ["gluteal_depression"])
    window.open_visit(visit.id)
    editor = window.editor
    editor.history.rows["injection_history"].input.buttons.buttons["yes"].click()
    editor.exam.rows["gt_palpation"].sides["left"].buttons.buttons["positive"].click()
    editor._mark_toggled(Mark("upper_outer_buttock", "depression", "left"), True)
    editor.plan.edit.setPlainText("Reassure; review in 6 weeks")
    editor.plan.flush()  # what a pause in typing does
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_reopening_after_a_kill_shows_the_visit_as_it_was(
    open_app: Callable[[], MainWindow], db_path: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(db_path), str(tmp_path / "ini")],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == -9, result.stderr.decode()[-2000:]
    window = open_app()  # same QSettings folder as the child (the gui_settings fixture)
    assert not window.ops.repo.read_only  # the dead copy's writer lock went with it
    editor = window.editor
    assert window.stack.currentWidget() is editor
    assert editor.history.rows["injection_history"].input.buttons.buttons["yes"].isChecked()
    editor.tabs.setCurrentIndex(TABS.index("Examination"))
    assert editor.exam.rows["gt_palpation"].sides["left"].buttons.buttons["positive"].isChecked()
    assert Mark("upper_outer_buttock", "depression", "left") in editor.chart.marks
    assert editor.plan.edit.toPlainText() == "Reassure; review in 6 weeks"


# Clicks yes/no answers in the real window as fast as it can, reporting each click once its
# handler returned (committed, the disk not necessarily synced yet), until it is killed.
CLICKER = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from desktop_app.app import App
    from desktop_app.gui.application import configure, open_window

    app = QApplication([])
    configure(app)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
    window = open_window(App(db=__import__("pathlib").Path(sys.argv[1])))
    ops = window.ops
    patient = ops.create_patient("Killed Midclick", dt.date(1970, 1, 1), "male")
    window.show_patient(patient.id)
    visit = ops.start_visit(patient, "initial", ["gluteal_depression"])
    window.open_visit(visit.id)
    editor = window.editor
    prompts = sys.argv[3].split(",")
    print(visit.id, flush=True)
    click = 0
    while True:
        prompt = prompts[click % len(prompts)]
        value = "yes" if (click // len(prompts)) % 2 == 0 else "no"
        editor.history.rows[prompt].input.buttons.buttons[value].click()
        print(click, editor.saved.text(), flush=True)
        click += 1
        if click % 3 == 0:
            app.processEvents()  # now and then the disk's confirmation is shown
    """
)


def answers_after(prompts: list[str], clicks: int) -> dict[str, str]:
    """What the visit records after the first `clicks` clicks of CLICKER."""
    answers: dict[str, str] = {}
    for click in range(clicks):
        round_ = click // len(prompts)
        answers[prompts[click % len(prompts)]] = "yes" if round_ % 2 == 0 else "no"
    return answers


def test_a_kill_mid_burst_loses_at_most_the_click_in_flight(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """SIGKILL from outside at random moments of a burst of clicks in the real window: every
    click whose handler returned is in the database, although its sync to the disk runs on a
    worker thread (gui/disk_sync.py); the click in flight is there entirely or not at all."""
    prompts = [
        p.id
        for p in kb.prompts_for(["gluteal_depression"])
        if p.answer_type == "yes_no" and p.show_when is None
    ][:6]
    assert len(prompts) >= 3
    rng = random.Random(20261203)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    states = []
    for run in range(3):
        db_path = tmp_path / f"run{run}" / "visits.sqlite3"
        with subprocess.Popen(
            [sys.executable, "-c", CLICKER, str(db_path), str(tmp_path / "ini"), ",".join(prompts)],
            env=env,
            cwd=Path(__file__).parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as child:
            assert child.stdout is not None and child.stderr is not None
            first = child.stdout.readline()
            assert first.strip().isdigit(), child.stderr.read().decode()[-2000:]
            visit_id = int(first)
            lines = [child.stdout.readline().decode() for _ in range(rng.randint(5, 40))]
            child.kill()  # SIGKILL, mid-way through whatever click comes next
            child.wait(30)
            lines += child.stdout.read().decode().splitlines()  # printed before the kill
            assert child.returncode == -9, child.stderr.read().decode()[-2000:]
        reported = int(lines[-1].split()[0]) + 1  # clicks whose handler returned
        states += [line.split(maxsplit=1)[1].strip() for line in lines]
        repo = Repository.open(db_path, kb)
        try:
            stored = dict(repo.get_visit(visit_id).observations.answers)
        finally:
            repo.close()
        recorded = {pid: value for pid, value in stored.items() if pid in prompts}
        assert recorded in (answers_after(prompts, reported), answers_after(prompts, reported + 1))
    assert "Saving…" in states  # the clicks did go through the deferred sync
