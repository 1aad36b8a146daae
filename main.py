"""Bianzhi: with no command, open the window; with a command, run the CLI (which never imports Qt)."""

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv and not (len(argv) >= 1 and argv[0] in ("--gui",)):
        from bianzhi_app.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run

    return run(argv[1:] if argv else [])


if __name__ == "__main__":
    sys.exit(main())
