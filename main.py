"""Start the app: `python main.py` opens the window, `python main.py COMMAND` runs a command."""

import sys

if __name__ == "__main__":
    if sys.argv[1:] == ["--version"]:  # answered before importing the app (issue 17)
        import os

        from desktop_app import version_line

        print(version_line(os.path.basename(sys.argv[0])))
        raise SystemExit(0)
    from desktop_app.app import main

    raise SystemExit(main())
