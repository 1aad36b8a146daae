"""Bianzhi: with no command, open the window; with a command, run the CLI (which never imports Qt)."""

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] not in ("--gui", "--demo"):
        from bianzhi_app.cli import main as cli_main

        return cli_main(argv)
    from ui.app import run

    return run(argv[1:] if argv[:1] == ["--gui"] else argv)


if __name__ == "__main__":
    sys.exit(main())
