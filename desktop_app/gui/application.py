"""Start the Qt application (placeholder window until the GUI issue lands)."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def run_gui(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Gluteal Assess")
    window.setCentralWidget(QLabel("Gluteal Assess"))
    window.show()
    return app.exec()
