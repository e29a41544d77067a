"""The visit screen: complaint, history, exam, body chart, measures, plan, live differential.

Every edit is saved at once through `Operations`, which returns the visit's observations as
stored; the editor shows those and recomputes the differential from them after each change.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.diagnosis import Differential, assess
from desktop_app.core.follow_up import since_last_visit
from desktop_app.core.measure_suggestions import suggested_measures
from desktop_app.core.observations import Mark, Observations
from desktop_app.core.records import MeasureResult, Patient, Visit
from desktop_app.core.wording import visit_type_name
from desktop_app.gui.body_chart import BodyChartPanel
from desktop_app.gui.differential_panel import DifferentialPanel
from desktop_app.gui.exam_form import ExamForm
from desktop_app.gui.history_form import HistoryForm
from desktop_app.gui.measures_form import MeasuresForm
from desktop_app.gui.operations import Operations
from desktop_app.gui.plan_form import PlanForm
from desktop_app.gui.progress_view import ProgressView
from desktop_app.gui.red_flag_banner import RedFlagBanner
from desktop_app.gui.widgets import (
    FlowLayout,
    FoldButton,
    SaveState,
    chain_focus,
    focusables,
    local_date,
    local_datetime,
    named,
    scrolled,
    tabs_in_view,
)

EXPORT_KINDS = (
    ("summary", "Visit summary (PDF)…"),
    ("referral", "Referral letter (PDF)…"),
    ("history", "Patient history (PDF)…"),
    ("safety-card", "Patient safety-net card (PDF)…"),
)
NARROW = 820  # logical pixels: below this the differential starts folded (Ctrl+D shows it)
TABS = ("History", "Examination", "Body chart", "Outcome measures", "Plan", "Since last visit")


class VisitEditor(QWidget):
    """Edits one visit. `backRequested` returns to the patient page."""

    backRequested = Signal()
    signRequested = Signal()
    amendRequested = Signal()
    dateRequested = Signal()
    exportRequested = Signal(str)
    acknowledgeRequested = Signal(str)

    def __init__(self, ops: Operations, banner: RedFlagBanner, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.kb = ops.kb
        self.banner = banner
        self.visit: Visit | None = None
        self.patient: Patient | None = None
        self.obs = Observations()
        self.differential: Differential | None = None
        self.editable = False
        self.last_refresh_ms = 0.0
        self._leader = ""
        self._build()
        ops.saveState.connect(self.saved.show_state)
        banner.acknowledgeRequested.connect(self.acknowledgeRequested)

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        header = FlowLayout()  # the buttons wrap below the title on a narrow window
        self.back = named(QPushButton("← Patient"), "Back to the patient page")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.backRequested)
        self.title = QLabel()
        self.title.setObjectName("heading")
        self.title.setWordWrap(True)  # a long name wraps instead of widening the window
        self.date_button = named(QPushButton("Date…"), "Change the visit date")
        self.date_button.clicked.connect(self.dateRequested)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.saved = SaveState()
        self.completion = QProgressBar()
        self.completion.setFixedWidth(120)
        self.completion.setFormat("%p% recorded")
        self.completion.setAccessibleName("Completion of the assessment")
        self.sign_button = named(QPushButton("Sign…"), "Sign the visit")
        self.sign_button.clicked.connect(self.signRequested)
        self.amend_button = named(QPushButton("Amend…"), "Amend the signed visit")
        self.amend_button.clicked.connect(self.amendRequested)
        self.export_button = named(QPushButton("Export PDF"), "Export the visit as PDF")
        menu = QMenu(self.export_button)
        for kind, label in EXPORT_KINDS:
            menu.addAction(label, partial(self.exportRequested.emit, kind))
        self.export_button.setMenu(menu)
        self.panel_button = FoldButton("Differential", "Show or hide the differential (Ctrl+D)")
        header.addWidget(self.back)
        header.addWidget(self.title)
        for part in (
            self.date_button,
            self.completion,
            self.sign_button,
            self.amend_button,
            self.export_button,
            self.panel_button,
            self.status,
            self.saved,
        ):
            header.addWidget(part)
            if isinstance(part, QPushButton):
                part.setAutoDefault(False)
        layout.addLayout(header)

        # Their own parent: unticking a box makes Qt search its parent's buttons for a group
        # (with the editor as parent, every button of every form: ~2 ms a complaint change).
        complaint_row = QWidget()
        complaints = FlowLayout(complaint_row)  # wraps: long complaint names never widen it
        complaints.addWidget(QLabel("Presenting complaint:"))
        self.presentation_boxes: dict[str, QCheckBox] = {}
        for presentation in self.kb.presentations.values():
            box = named(QCheckBox(presentation.name), f"Presenting complaint: {presentation.name}")
            box.setToolTip(presentation.description)
            box.clicked.connect(self._presentations_edited)
            complaints.addWidget(box)
            self.presentation_boxes[presentation.id] = box
        layout.addWidget(complaint_row)

        self.history = HistoryForm(self.kb)
        self.history.answerChanged.connect(self._answer_edited)
        self.exam = ExamForm(self.kb)
        self.exam.resultChanged.connect(self._exam_edited)
        self.chart = BodyChartPanel(self.kb)
        self.chart.markToggled.connect(self._mark_toggled)
        self.measures = MeasuresForm(self.kb)
        self.measures.responsesChanged.connect(self._measure_edited)
        self.measures.labelsChanged.connect(self._labels_edited)
        self.progress = ProgressView(self.kb)
        self.progress.retestRequested.connect(partial(self.go_to_item, "exam"))
        self.progress.confirmRequested.connect(self._exam_edited)
        self.previous: Visit | None = None
        self.results: dict[str, MeasureResult] = {}
        self.plan = PlanForm(self.kb)
        self.plan.planChanged.connect(self._plan_edited)
        self.tabs = named(QTabWidget(), "Sections of the visit")
        sections: tuple[QWidget, ...] = (
            self.history,
            self.exam,
            self.chart,
            self.measures,
            self.plan,
            self.progress,
        )
        self._areas = [scrolled(section) for section in sections]  # any section fits any screen
        for title, area in zip(TABS, self._areas, strict=True):
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the fields in it take focus, not it
            self.tabs.addTab(area, title)
        tabs_in_view(self.tabs)
        self.panel = DifferentialPanel(self.kb)
        self.panel.nextTestChosen.connect(self.go_to_item)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        side = scrolled(self.panel)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumWidth(260)
        side.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.panel_button.toggled.connect(side.setVisible)
        self.side = side
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

    # -- loading ----------------------------------------------------------------------------
    def load(self, visit: Visit, patient: Patient) -> None:
        """Show a visit (after flushing any typing in the previous one)."""
        self.flush()
        self.visit, self.patient = visit, patient
        self.obs = visit.observations
        self.editable = not visit.is_signed and not self.ops.repo.read_only
        self.title.setText(
            f"{patient.name} · {local_date(visit.visit_date)} · {visit_type_name(visit.visit_type)}"
        )
        for pid, box in self.presentation_boxes.items():
            box.setChecked(pid in self.obs.presentations)
        self._rebuild_forms()
        previous, histories = {}, self.ops.repo.measure_histories(patient.id)
        for measure_id in self.kb.measures:
            history = [
                (d, s)
                for d, vid, s in histories.get(measure_id, [])
                if (d, vid) < (visit.visit_date, visit.id)  # as previous_visit: never a later one
            ]
            if history:
                previous[measure_id] = history[-1]
        self.measures.show_results(visit.measures, previous)
        self.measures.show_labels(visit.measure_labels)
        self.measures.offer_history(self.obs.answers)
        self.results = dict(visit.measures)
        self.previous = self.ops.previous_visit(visit.id)
        self._show_progress()
        self.plan.show_plan(visit.plan)
        self.plan.show_amendments(self.ops.repo.amendments(visit.id) if visit.is_signed else [])
        self._leader = ""
        self._apply_editable()
        self.saved.setText("")
        self.banner.reset()
        self.refresh()

    def _rebuild_forms(self, *, complaints_only: bool = False) -> None:
        self.history.build(self.obs.presentations)
        self.exam.build(self.obs.presentations)
        self.history.show_observations(self.obs)
        self.exam.show_observations(self.obs)
        self.chart.show_marks(self.obs.marks, self.obs.regions)
        self._order_focus(forms_only=complaints_only)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a narrow window the form gets the room until the user shows the differential."""
        super().resizeEvent(event)
        self.panel_button.fit(self.width() >= NARROW)

    def _order_focus(self, *, forms_only: bool = False) -> None:
        """Tab follows the screen: header, complaints, the section shown, then the differential
        (the forms are built after the panel, so Qt's creation order visited it first).
        `forms_only` (a complaint change): the form rows are chained again behind the tab bar;
        the rest keeps its order, and Tab skips the hidden rows left in it."""
        order: list[QWidget] = []
        if not forms_only:
            order += [self.back, self.date_button, self.sign_button, self.amend_button]
            order += [self.export_button, self.panel_button, *self.presentation_boxes.values()]
        order.append(self.tabs.tabBar())
        for area in self._areas:
            form = area.widget()
            if isinstance(form, HistoryForm | ExamForm):  # their rows' stops are cached
                order += form.focus_order()
            elif not forms_only:
                order += focusables(area)
        chain_focus(order if forms_only else [*order, *focusables(self.panel)])

    def _apply_editable(self) -> None:
        assert self.visit is not None
        signed = self.visit.is_signed
        if signed:
            when = local_datetime(self.visit.signed_at) if self.visit.signed_at else ""
            self.status.setText("✔ Signed · read-only")
            self.status.setToolTip(f"Signed {when} by {self.visit.signed_by}")
        elif self.ops.repo.read_only:
            self.status.setText("Read-only copy")
        else:
            self.status.setText("Draft")
        self.status.setProperty("signed", signed)
        for widget in (self.history, self.exam, self.measures, *self.presentation_boxes.values()):
            widget.setEnabled(self.editable)
        self.chart.editable = self.editable
        self.plan.set_editable(self.editable)
        for button in (self.sign_button, self.date_button):
            button.setVisible(not signed)  # a signed visit's date is corrected by an amendment
            button.setEnabled(self.editable)
        self.amend_button.setVisible(signed)
        self.amend_button.setEnabled(not self.ops.repo.read_only)

    # -- the live differential --------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the differential and update panel, banner, rules and completion in place."""
        if self.visit is None:
            return
        started = time.perf_counter()
        snapshot = self.visit.signed_differential
        self.differential = snapshot if snapshot is not None else assess(self.kb, self.obs)
        self.panel.show_differential(self.differential, snapshot=snapshot is not None)
        self.banner.show_flags(self.differential.red_flags, self.visit.red_flag_acks, self.editable)
        self.history.apply_rules(self.obs)
        answered, shown = self.history.completion(self.obs)
        tested, items = self.exam.completion(self.obs)
        # QProgressBar repaints at once when its text changes: let it paint with the rest.
        self.completion.setUpdatesEnabled(False)
        self.completion.setMaximum(max(1, shown + items))
        self.completion.setValue(answered + tested)
        self.completion.setUpdatesEnabled(True)
        self.completion.setToolTip(f"History {answered}/{shown} · Examination {tested}/{items}")
        self.plan.show_suggestions(self.differential)
        self.measures.show_suggestions(suggested_measures(self.kb, self.differential))
        leader = self.differential.leading
        if self.editable and leader is not None and leader.name != self._leader:
            self._leader = leader.name
            self.ops.set_leading_condition(self.visit.id, leader.name)
        self.last_refresh_ms = (time.perf_counter() - started) * 1000

    def go_to_item(self, kind: str, item_id: str) -> None:
        """Show and focus a history prompt or examination item (the next best test)."""
        if kind == "answer":
            self.tabs.setCurrentIndex(TABS.index("History"))
            target = self.history.focus_prompt(item_id)
        else:
            self.tabs.setCurrentIndex(TABS.index("Examination"))
            target = self.exam.focus_item(item_id)
        if target is None:
            return
        area = self.tabs.currentWidget()
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(target, 50, 80)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- edits ------------------------------------------------------------------------------
    # Each edit is saved; the observations shown are the ones storage returns (`self.obs` is
    # only ever replaced by those), so the screen cannot count what the database did not keep.
    def _show_progress(self) -> None:
        """The "Since last visit" tab, from what this visit and the one before hold."""
        if self.visit is None:
            return
        if self.previous is None:
            self.progress.show_progress(None, self.editable)
            return
        now = replace(self.visit, observations=self.obs, measures=self.results)
        self.progress.show_progress(since_last_visit(self.kb, self.previous, now), self.editable)

    def _stored(self, obs: Observations | None) -> bool:
        """Take the observations storage returned after an edit (None: the edit failed)."""
        if obs is None:
            return False
        self.obs = obs
        return True

    def _answer_edited(self, prompt_id: str, value: Any) -> None:
        assert self.visit is not None
        saved = self._stored(self.ops.save_answer(self.visit.id, prompt_id, value))
        self.history.show_answer(prompt_id, self.obs)  # a value storage cleaned or refused
        if saved:
            self.measures.offer_history(self.obs.answers)
            self.refresh()

    def _exam_edited(self, item_id: str, side: str, value: Any) -> None:
        assert self.visit is not None
        if self._stored(self.ops.save_exam(self.visit.id, item_id, side, value)):
            self.exam.show_observations(self.obs)  # also when confirmed from "Since last visit"
            self._show_progress()
            self.refresh()
        else:
            self.exam.show_observations(self.obs)

    def _mark_toggled(self, mark: Mark, present: bool) -> None:
        assert self.visit is not None
        if self._stored(self.ops.toggle_mark(self.visit.id, mark, present)):
            self.chart.show_marks(self.obs.marks, self.obs.regions)
            self.refresh()

    def _measure_edited(self, measure_id: str, responses: dict[str, float]) -> None:
        assert self.visit is not None
        result = self.ops.save_measure(self.visit.id, measure_id, responses)
        if result is not None:
            self.results[measure_id] = result
            self._show_progress()
        box = self.measures.boxes[measure_id]
        box.show_result(self.results.get(measure_id), box.previous)  # what the record holds
        self.measures.offer_history(self.obs.answers)

    def _labels_edited(self, measure_id: str, labels: dict[str, str]) -> None:
        assert self.visit is not None
        stored = self.ops.save_measure_labels(self.visit.id, measure_id, labels)
        if stored is not None:
            self.measures.boxes[measure_id].show_labels(stored)

    def _plan_edited(self, text: str) -> None:
        assert self.visit is not None
        self.ops.save_plan(self.visit.id, text)

    def _presentations_edited(self) -> None:
        assert self.visit is not None
        chosen = tuple(p for p, box in self.presentation_boxes.items() if box.isChecked())
        if not chosen:  # a visit keeps at least one presenting complaint
            for pid, box in self.presentation_boxes.items():
                box.setChecked(pid in self.obs.presentations)
            return
        if self._stored(self.ops.set_presentations(self.visit.id, chosen)):
            self._rebuild_forms(complaints_only=True)
            self.refresh()

    def reload_visit(self) -> None:
        """Re-read the visit from the database (after an acknowledgement, signing, amendment)."""
        if self.visit is None or self.patient is None:
            return
        visit = self.ops.open_visit(self.visit.id)
        if visit is not None:
            self.load(visit, self.patient)

    def flush(self) -> None:
        """Save typing still waiting for its debounce, and wait until the disk holds every
        autosave (before closing or switching visits)."""
        if self.visit is not None and self.editable:
            self.history.flush()
            self.plan.flush()
            self.measures.flush()
        self.ops.flush_saves()
