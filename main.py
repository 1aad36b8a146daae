"""Bianzhi: with no command, open the window; with a command, run the CLI (which never imports Qt)."""

import sys


def main() -> int:
    argv = sys.argv[1:]
    if argv and argv[0] not in ("--gui", "--demo"):
        from bianzhi_app.cli import main as cli_main

        return cli_main(argv)
    import gc

    # The window's start-up allocates hundreds of thousands of long-lived objects (modules, Qt
    # wrappers); collecting meanwhile only re-walks them. ui.app resumes collection after the first
    # paint, with those objects frozen out of later full collections (gc.freeze).
    gc.disable()
    from ui.app import run

    return run(argv[1:] if argv[:1] == ["--gui"] else argv)


if __name__ == "__main__":
    sys.exit(main())
