"""The application style sheet: calm colours, clear hierarchy, an unmissable red-flag banner.

It follows the system palette (light or dark): surfaces use the palette's own roles, and every
rule that sets a background of its own also sets its text colour, so no text can end up white
on white or black on black (tests/gui/test_style.py checks both).
"""

from __future__ import annotations

from string import Template

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

LIGHT = {
    "heading": "#1f2d3d",
    "subheading": "#2f4a66",
    "hint": "#5b6673",
    "error": "#b00020",
    "saved": "#1b7f3b",
    "signed": "#1b5e20",
    "sidebar": "#eef1f5",
    "row_border": "#e3e7ec",
    "panel": "#f3f5f8",
    "button_border": "#b9c3cf",
    "hover": "#eef4fb",
    "disabled_text": "#9aa4ae",
    "disabled_bg": "#f0f2f4",
    "selected_bg": "#d7e6f7",
    "selected_text": "#10263d",
    "link": "#2f6db5",
    "next_test": "#1d4f8c",
    "safety": "#7a0016",
    "warning": "#8a4b00",
}
DARK = {
    "heading": "#e6edf5",
    "subheading": "#a9c7e8",
    "hint": "#a7b1bc",
    "error": "#ff8a80",
    "saved": "#7fd69a",
    "signed": "#8fe0a0",
    "sidebar": "#262a30",
    "row_border": "#3a4049",
    "panel": "#23272d",
    "button_border": "#596371",
    "hover": "#2f3a48",
    "disabled_text": "#7b848e",
    "disabled_bg": "#2b2f35",
    "selected_bg": "#2d4f75",
    "selected_text": "#ffffff",
    "link": "#8ab8f0",
    "next_test": "#9cc4f2",
    "safety": "#ff9e9e",
    "warning": "#f2b66d",
}

TEMPLATE = Template("""
QWidget { font-size: 10.5pt; }
QLabel#heading { font-size: 15pt; font-weight: 600; color: $heading; }
QLabel#subheading { font-size: 11.5pt; font-weight: 600; color: $subheading; margin-top: 8px; }
QLabel#hint { color: $hint; }
QLabel#warningHint { color: $warning; }
QLabel#error, QLabel#fieldError { color: $error; font-weight: 600; }
QLabel#question { font-weight: 500; color: palette(text); }
QLabel#welcome { padding: 24px; font-size: 11.5pt; }
QLabel#saved { color: $saved; padding: 0 8px; }
QLabel#saved[failed="true"] { color: $error; font-weight: 600; }
QLabel#status { color: $hint; padding-left: 8px; }
QLabel#status[signed="true"] { color: $signed; font-weight: 600; }
QLabel#readOnlyBar { background: #fff4ce; color: #5c4400; padding: 6px 12px; }
QLabel#score { padding-top: 4px; }
QWidget#sidebar { background: $sidebar; color: palette(window-text); }
QListWidget { background: palette(base); color: palette(text);
              border: 1px solid $row_border; border-radius: 4px; }
QListWidget::item { padding: 6px 4px; border-bottom: 1px solid $row_border; }
QListWidget::item:selected { background: $selected_bg; color: $selected_text; }
QFrame#promptRow, QFrame#conditionRow { background: palette(base); color: palette(text);
                                        border: 1px solid $row_border; border-radius: 6px; }
QWidget#differentialPanel { background: $panel; color: palette(window-text); }
QPushButton { padding: 5px 12px; border-radius: 4px; border: 1px solid $button_border;
              background: palette(button); color: palette(button-text); }
QPushButton:hover { background: $hover; color: palette(button-text); }
QPushButton:focus { border: 2px solid #2f6db5; }
QPushButton:disabled { color: $disabled_text; background: $disabled_bg; }
QPushButton#primary { background: #2f6db5; color: white; border: 1px solid #285e9c;
                      font-weight: 600; }
QPushButton#primary:hover { background: #285e9c; color: white; }
QPushButton#choice { padding: 4px 10px; min-width: 28px; }
QPushButton#choice:checked { background: #2f6db5; color: white; border-color: #285e9c; }
QPushButton#choice:checked:disabled { background: #7f9fc4; color: white; }
QPushButton#linkButton { border: none; color: $link; background: transparent;
                         text-decoration: underline; }
QPushButton#nextTest { text-align: left; color: $next_test; font-weight: 600; }
QPushButton#nextTest[safety="true"] { color: $safety; font-weight: 700; }
QProgressBar { border: 1px solid $button_border; border-radius: 3px; background: palette(base);
               color: palette(text); text-align: center; }
QProgressBar::chunk { background: #4f8fd6; border-radius: 3px; }
QFrame#redFlagBanner { background: #fde8e8; color: #6b0012; border-bottom: 3px solid #b00020; }
QFrame#redFlagBanner[pending="true"] { background: #b00020; color: white; }
QFrame#redFlagBanner[pending="true"] QLabel#flagText { color: white; }
QLabel#flagText { color: #6b0012; font-size: 11pt; }
QPushButton#flagButton { background: white; color: #b00020; font-weight: 700;
                         border: 2px solid white; }
QTabBar::tab { padding: 7px 14px; }
QTabBar::tab:selected { font-weight: 600; }
""")


def is_dark(palette: QPalette) -> bool:
    """A dark system palette: light text on a dark window."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def style_sheet(dark: bool) -> str:
    """The style sheet for a light or a dark palette."""
    return TEMPLATE.substitute(DARK if dark else LIGHT)


def colour(name: str) -> str:
    """One of the style's colours for the palette in use (for text drawn outside the sheet)."""
    app = QGuiApplication.instance()
    dark = isinstance(app, QGuiApplication) and is_dark(app.palette())
    return (DARK if dark else LIGHT)[name]


def apply_style(app: QApplication) -> None:
    """Set the style sheet for the current palette, and again whenever the system's changes."""

    def restyle() -> None:
        app.setStyleSheet(style_sheet(is_dark(app.palette())))

    restyle()
    if not app.property("restyles_on_scheme_change"):
        app.setProperty("restyles_on_scheme_change", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: restyle())
