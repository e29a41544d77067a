"""Start the app: `python main.py` opens the window, `python main.py COMMAND` runs a command."""

from desktop_app.app import main

if __name__ == "__main__":
    raise SystemExit(main())
