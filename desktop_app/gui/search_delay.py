"""When the patient search runs as the clinician types (issue 17).

One or two letters match a large share of a big database, and a typist's next letter usually
follows within a tenth of a second: such short queries wait SHORT_QUERY_MS for the next keystroke,
so "ka" searches once, not twice. Three letters or more, and clearing the box, search at once
(the prefix index answers in well under a millisecond at 1M patients, bench/README.md). Enter
searches what is typed before it opens the first match, so nothing is ever acted on stale.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLineEdit

SHORT_QUERY_MS = 150
SHORT = 2  # letters: at most this many wait for the next keystroke


class SearchDelay(QObject):
    def __init__(self, box: QLineEdit, search: Callable[[], None]) -> None:
        super().__init__(box)
        self._box, self._search = box, search
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SHORT_QUERY_MS)
        self._timer.timeout.connect(search)
        box.textChanged.connect(self._typed)

    def _typed(self, text: str) -> None:
        if 0 < len(text.strip()) <= SHORT:
            self._timer.start()
            return
        self._timer.stop()
        self._search()

    def flush(self) -> None:
        """Run a search still waiting for the next keystroke, now."""
        if self._timer.isActive():
            self._timer.stop()
            self._search()
