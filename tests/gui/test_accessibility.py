"""Every control a keyboard can reach has a name a screen reader can announce."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.knowledge import KnowledgeBase
from desktop_app.gui.dialogs import AmendDialog, PatientDialog
from desktop_app.gui.main_window import MainWindow
from desktop_app.gui.settings_dialog import SettingsDialog
from desktop_app.gui.visit_dialog import VisitDialog
from tests.gui.flows import create_patient, start_visit


def _internal(widget: QWidget) -> bool:
    """Parts of a compound control (a spin box's line edit) are named through their owner."""
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractSpinBox | QComboBox) or widget.focusProxy() is not None:
        return True
    return widget.window() is not root_window(widget)  # a combo box's pop-up list


def root_window(widget: QWidget) -> QWidget:
    while widget.parentWidget() is not None:
        widget = widget.parentWidget()
    return widget


def unnamed_controls(root: QWidget) -> list[str]:
    """Focusable widgets under root without an accessible name."""
    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or _internal(widget):
            continue
        if widget.metaObject().className() in ("QScrollArea", "QTabBar", "QSplitterHandle"):
            continue  # containers: their content is named; Qt names tab bars from the tab titles
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not name.strip():
            missing.append(f"{widget.metaObject().className()} {widget.objectName()!r}")
    return missing


def test_main_window_and_visit_editor_controls_are_named(
    window: MainWindow, kb: KnowledgeBase
) -> None:
    assert unnamed_controls(window) == []
    create_patient(window, "Named Control", QDate(1975, 6, 1))
    start_visit(window, list(kb.presentations))
    editor = window.editor
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        assert unnamed_controls(window) == [], editor.tabs.tabText(index)


def test_dialog_controls_are_named(qtbot: QtBot, window: MainWindow, kb: KnowledgeBase) -> None:
    dialogs = [PatientDialog(), VisitDialog(kb), AmendDialog(), SettingsDialog(window.ops)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        assert unnamed_controls(dialog) == [], type(dialog).__name__


def test_the_lint_finds_an_unnamed_control(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    QVBoxLayout(root).addWidget(QLineEdit())
    assert unnamed_controls(root) == ["QLineEdit ''"]
