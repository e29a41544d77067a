"""The application style sheet: calm colours, clear hierarchy, an unmissable red-flag banner."""

STYLE_SHEET = """
QWidget { font-size: 10.5pt; }
QMainWindow, QDialog { background: #f7f8fa; }
QLabel#heading { font-size: 15pt; font-weight: 600; color: #1f2d3d; }
QLabel#subheading { font-size: 11.5pt; font-weight: 600; color: #2f4a66; margin-top: 8px; }
QLabel#hint { color: #5b6673; }
QLabel#error { color: #b00020; font-weight: 600; }
QLabel#question { font-weight: 500; color: #1f2d3d; }
QLabel#welcome { padding: 24px; font-size: 11.5pt; }
QLabel#saved { color: #1b7f3b; padding: 0 8px; }
QLabel#saved[failed="true"] { color: #b00020; font-weight: 600; }
QLabel#status { color: #5b6673; padding-left: 8px; }
QLabel#status[signed="true"] { color: #1b5e20; font-weight: 600; }
QLabel#readOnlyBar { background: #fff4ce; color: #5c4400; padding: 6px 12px; }
QLabel#score { padding-top: 4px; }
QWidget#sidebar { background: #eef1f5; }
QListWidget { background: white; border: 1px solid #d5dbe3; border-radius: 4px; }
QListWidget::item { padding: 6px 4px; border-bottom: 1px solid #eef1f5; }
QListWidget::item:selected { background: #d7e6f7; color: #10263d; }
QFrame#promptRow { background: white; border: 1px solid #e3e7ec; border-radius: 6px; }
QFrame#conditionRow { background: white; border: 1px solid #e3e7ec; border-radius: 6px; }
QWidget#differentialPanel { background: #f3f5f8; }
QPushButton { padding: 5px 12px; border-radius: 4px; border: 1px solid #b9c3cf;
              background: white; }
QPushButton:hover { background: #eef4fb; }
QPushButton:focus { border: 2px solid #2f6db5; }
QPushButton:disabled { color: #9aa4ae; background: #f0f2f4; }
QPushButton#primary { background: #2f6db5; color: white; border: 1px solid #285e9c;
                      font-weight: 600; }
QPushButton#primary:hover { background: #285e9c; }
QPushButton#choice { padding: 4px 10px; min-width: 28px; }
QPushButton#choice:checked { background: #2f6db5; color: white; border-color: #285e9c; }
QPushButton#choice:checked:disabled { background: #7f9fc4; color: white; }
QPushButton#linkButton { border: none; color: #2f6db5; background: transparent;
                         text-decoration: underline; }
QPushButton#nextTest { text-align: left; color: #1d4f8c; font-weight: 600; }
QProgressBar { border: 1px solid #c9d1da; border-radius: 3px; background: #eef1f5;
               text-align: center; }
QProgressBar::chunk { background: #4f8fd6; border-radius: 3px; }
QFrame#redFlagBanner { background: #fde8e8; border-bottom: 3px solid #b00020; }
QFrame#redFlagBanner[pending="true"] { background: #b00020; }
QFrame#redFlagBanner[pending="true"] QLabel#flagText { color: white; }
QLabel#flagText { color: #6b0012; font-size: 11pt; }
QPushButton#flagButton { background: white; color: #b00020; font-weight: 700;
                         border: 2px solid white; }
QTabBar::tab { padding: 7px 14px; }
QTabBar::tab:selected { font-weight: 600; }
"""
