"""The idle lock as a clinician meets it: typing, walking away, coming back with a PIN; nothing
typed is lost, every unlock and opened record is in the audit log, Settings need an admin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.session_lock import PinDialog, SessionLock
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.visit_editor import TABS
from desktop_app.storage.repository import Repository
from tests.gui.conftest import answer_dialog
from tests.gui.flows import activate, create_patient, start_visit


class Clock:
    """The lock's clock, moved by the test (the lock itself never reads the wall clock here)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _lock(window: MainWindow) -> tuple[SessionLock, Clock]:
    lock = window.findChild(SessionLock)
    assert lock is not None
    clock = Clock()
    lock._now = clock
    lock._clock.touch(clock.now)
    return lock, clock


def _unlock_with(qtbot: QtBot, dialog: PinDialog, pin: str) -> None:
    dialog.pin.clear()
    qtbot.keyClicks(dialog.pin, pin)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_an_idle_window_locks_keeps_what_was_typed_and_unlocks_with_a_pin(
    qtbot: QtBot, window: MainWindow
) -> None:
    repo = window.ops.repo
    jane = repo.clinicians()[0]
    repo.set_pin(jane.id, "4711", by=jane.id)
    lock, clock = _lock(window)
    lock.check()  # the first PIN was set with the window open: the idle time counts from now
    create_patient(window, "Lock Tester", QDate(1980, 1, 1))
    start_visit(window, ["gluteal_depression"])
    activate(qtbot, window)
    editor = window.editor
    editor.tabs.setCurrentIndex(TABS.index("Plan"))
    editor.plan.edit.setFocus()
    qtbot.keyClicks(editor.plan.edit, "Gluteal loading, review in 2 wk")

    clock.now += 4 * 60  # not yet: the default is 5 idle minutes
    lock.check()
    assert lock.dialog is None
    clock.now += 61
    lock.check()  # what the idle timer does when it fires

    dialog = lock.dialog
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    visit_id = editor.visit.id
    assert repo.get_visit(visit_id).plan == "Gluteal loading, review in 2 wk"  # saved at lock
    dialog.reject()  # Escape does not unlock
    assert dialog.isVisible()
    _unlock_with(qtbot, dialog, "0000")
    assert "not Dr Jane Roe's PIN" in dialog.error.text() and dialog.isVisible()
    _unlock_with(qtbot, dialog, "4711")
    assert lock.dialog is None and lock.clinician == jane
    assert editor.plan.edit.toPlainText() == "Gluteal loading, review in 2 wk"  # still on screen
    assert [e.action for e in repo.audit_trail()][-2:] == ["unlock refused", "unlock"]

    window.show_patient(editor.visit.patient_id)  # opening the record again, as Jane
    view = repo.audit_trail()[-1]
    assert (view.action, view.entity, view.actor) == ("view", "patient", jane.actor)
    assert repo.verify() == []


def test_settings_open_only_to_an_admins_pin_once_accounts_are_in_use(
    qtbot: QtBot, window: MainWindow
) -> None:
    repo = window.ops.repo
    jane = repo.clinicians()[0]
    sam = repo.add_clinician("Sam Lee", "Physiotherapist", "PH000002")
    repo.set_pin(jane.id, "4711", by=jane.id)  # the first PIN: Jane is the admin
    repo.set_pin(sam.id, "2222", by=jane.id, by_pin="4711")
    errors: list[str] = []

    def as_sam(dialog: PinDialog) -> None:
        dialog.who.setCurrentIndex(dialog.who.findData(sam.id))
        assert dialog.who.currentIndex() == -1  # only admins are offered
        dialog.who.addItem(sam.name, sam.id)  # and one typed in anyway is refused
        dialog.who.setCurrentIndex(dialog.who.findData(sam.id))
        _unlock_with(qtbot, dialog, "2222")
        errors.append(dialog.error.text())

    answer_dialog(PinDialog, as_sam)
    window.open_settings()  # refused: the PIN dialog was cancelled after Sam's try
    assert "not an admin" in errors[0]

    opened: list[SettingsDialog] = []
    answer_dialog(PinDialog, lambda dialog: _unlock_with(qtbot, dialog, "4711"))
    answer_dialog(SettingsDialog, lambda dialog: opened.append(dialog))
    window.open_settings()
    assert len(opened) == 1


def test_a_closed_window_never_checks_its_closed_database(qtbot: QtBot, window: MainWindow) -> None:
    lock, clock = _lock(window)
    window.close()
    assert not lock._timer.isActive()
    clock.now += 3600
    lock.check()  # a timer that fired anyway: nothing is asked of the closed database
    assert lock.dialog is None


def test_a_window_opens_locked_once_accounts_are_in_use(
    open_app: Callable[[], MainWindow],
) -> None:
    first = open_app()
    jane = first.ops.repo.clinicians()[0]
    first.ops.repo.set_pin(jane.id, "4711", by=jane.id)
    first.close()
    again = open_app()  # the next start
    lock = again.findChild(SessionLock)
    assert lock is not None and lock.dialog is not None and lock.dialog.isVisible()
    assert lock.dialog.who.currentText() == "Dr Jane Roe"
    shown = " ".join(label.text() for label in lock.dialog.findChildren(QLabel))
    assert "Enter yours to open the app" in shown and "not used for a while" not in shown


def test_clinicians_set_their_pins_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.gui.pin_dialog import SetPinDialog

    repo = window.ops.repo
    jane = repo.clinicians()[0]
    sam = repo.add_clinician("Sam Lee", "Physiotherapist", "PH000002")
    lock, _ = _lock(window)

    def first(dialog: SetPinDialog) -> None:
        dialog.who.setCurrentIndex(dialog.who.findData(jane.id))
        qtbot.keyClicks(dialog.pin, "4711")
        qtbot.keyClicks(dialog.again, "4711")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialog(SetPinDialog, first)
    lock.pin_action.trigger()
    assert repo.has_pin(jane.id) and repo.is_admin(jane.id)

    said: list[str] = []

    def for_sam(dialog: SetPinDialog) -> None:
        dialog.who.setCurrentIndex(dialog.who.findData(sam.id))
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClicks(dialog.again, "2222")
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.keyClicks(dialog.by_pin, "0000")
        save.click()
        said.append(dialog.error.text())
        dialog.by_pin.clear()
        qtbot.keyClicks(dialog.by_pin, "4711")  # Jane, the admin, allows it
        save.click()

    answer_dialog(SetPinDialog, for_sam)
    lock.pin_action.trigger()
    assert "not Dr Jane Roe's PIN" in said[0]
    assert repo.has_pin(sam.id) and not repo.is_admin(sam.id)
    assert all("4711" not in e.detail + e.actor for e in repo.audit_trail())

    def make_admin(dialog: SetPinDialog) -> None:
        dialog.who.setCurrentIndex(dialog.who.findData(sam.id))
        for field, text in ((dialog.pin, "3333"), (dialog.again, "3333"), (dialog.by_pin, "4711")):
            qtbot.keyClicks(field, text)
        dialog.admin.setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    answer_dialog(SetPinDialog, make_admin)
    lock.pin_action.trigger()
    assert repo.is_admin(sam.id)
    assert repo.unlock(sam.id, "3333").name == "Sam Lee"


def test_a_pin_before_any_clinician_is_added_says_what_to_do(
    qtbot: QtBot, tmp_path: Path, kb: KnowledgeBase
) -> None:
    """The first-run set-up was skipped: the PIN dialog has nobody to choose, and says so."""
    from desktop_app.gui.pin_dialog import SetPinDialog

    with Repository.open(tmp_path / "visits.sqlite3", kb) as repo:
        assert repo.clinicians() == []
        dialog = SetPinDialog(repo)
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.pin, "4711")
        qtbot.keyClicks(dialog.again, "4711")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        assert "Add a clinician first" in dialog.error.text() and dialog.result() == 0
        assert not repo.accounts_in_use()


def test_an_admin_sets_the_idle_minutes_in_the_window(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.gui.pin_dialog import LockMinutesDialog

    repo = window.ops.repo
    jane = repo.clinicians()[0]
    sam = repo.add_clinician("Sam Lee", "Physiotherapist", "PH000002")
    repo.set_pin(jane.id, "4711", by=jane.id)  # Jane: the admin
    repo.set_pin(sam.id, "2222", by=jane.id, by_pin="4711")
    lock, clock = _lock(window)
    lock.check()
    said: list[str] = []

    def type_minutes(dialog: LockMinutesDialog) -> None:
        assert dialog.minutes.text() == "5"
        assert [dialog.admin.itemText(i) for i in range(dialog.admin.count())] == ["Dr Jane Roe"]
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        for minutes, pin in (("0", "4711"), ("241", "4711"), ("ten", "4711"), ("2", "0000")):
            dialog.minutes.selectAll()
            qtbot.keyClicks(dialog.minutes, minutes)
            qtbot.keyClicks(dialog.admin_pin, pin)
            save.click()
            said.append(dialog.error.text())
            assert dialog.isVisible() and dialog.admin_pin.text() == ""
        dialog.minutes.selectAll()
        qtbot.keyClicks(dialog.minutes, "2")
        qtbot.keyClicks(dialog.admin_pin, "4711")
        save.click()

    answer_dialog(LockMinutesDialog, type_minutes)
    lock.minutes_action.trigger()
    assert said[:2] == ["The idle lock must be between 1 and 240 minutes."] * 2
    assert "whole number from 1 to 240" in said[2] and "not Dr Jane Roe's PIN" in said[3]
    assert repo.lock_minutes() == 2
    entry = repo.audit_trail()[-1]
    assert (entry.action, entry.detail, entry.actor) == ("update", "lock 2 min", jane.actor)
    assert "2 idle minutes" in window.statusBar().currentMessage()
    clock.now += 119
    lock.check()
    assert lock.dialog is None
    clock.now += 2
    lock.check()  # two minutes now, not five
    assert lock.dialog is not None


def test_a_locked_out_clinician_is_told_how_long_and_an_admin_lifts_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop_app.gui.pin_dialog import SetPinDialog

    repo = window.ops.repo
    jane = repo.clinicians()[0]
    sam = repo.add_clinician("Sam Lee", "Physiotherapist", "PH000002")
    repo.set_pin(jane.id, "4711", by=jane.id)
    repo.set_pin(sam.id, "2222", by=jane.id, by_pin="4711")
    lock, _ = _lock(window)
    lock.lock()
    dialog = lock.dialog
    assert dialog is not None
    dialog.who.setCurrentIndex(dialog.who.findData(sam.id))
    for _ in range(5):
        _unlock_with(qtbot, dialog, "1234")
    assert "Sam Lee is locked out after 5 wrong PINs in a row: try again in 1 minute" in (
        dialog.error.text()
    )
    _unlock_with(qtbot, dialog, "2222")  # the right PIN, too late
    assert "Sam Lee is locked out" in dialog.error.text() and lock.dialog is dialog
    dialog.who.setCurrentIndex(dialog.who.findData(jane.id))
    _unlock_with(qtbot, dialog, "4711")  # Jane, the admin, is not locked out
    assert lock.dialog is None

    def lift(pin_dialog: SetPinDialog) -> None:
        pin_dialog.who.setCurrentIndex(pin_dialog.who.findData(sam.id))
        assert pin_dialog.lift.isVisible()
        assert "Sam Lee is locked out after wrong PINs until " in pin_dialog.error.text()
        qtbot.keyClicks(pin_dialog.by_pin, "4711")
        pin_dialog.lift.click()
        assert "Sam Lee can use their PIN again" in pin_dialog.error.text()
        assert not pin_dialog.lift.isVisible()
        pin_dialog.reject()

    answer_dialog(SetPinDialog, lift)
    lock.pin_action.trigger()
    assert repo.locked_out_until(sam.id) is None
    assert repo.unlock(sam.id, "2222").id == sam.id
    assert [e.action for e in repo.audit_trail()][-3:] == ["unlock", "lift lock-out", "unlock"]
