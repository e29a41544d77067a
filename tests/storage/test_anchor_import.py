"""The anchor module stays off sqlite-utils at import: the window reads it on its cold start."""

import subprocess
import sys


def test_anchor_imports_without_sqlite_utils():
    code = (
        "import sys\n"
        "import desktop_app.storage.anchor\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlite_utils'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
