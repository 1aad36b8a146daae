"""Bianzhi: with no command, open the window; with a command, run the CLI (which never imports Qt).

The window is opened when the arguments name no command, only the window's own options
(`--db PATH`, `--demo`, `--page P`, `--lang L`, `--gui` …); anything else goes to the command line,
which reports an unknown command or option as a usage error (exit 2).
"""

import sys

# The window's options: name → whether it takes a value. `--gui` forces the window.
WINDOW_OPTIONS = {"--gui": False, "--demo": False, "--db": True, "--page": True, "--lang": True,
                  "--exit-after-paint": False, "--screenshot": True}


def wants_window(argv: list[str]) -> bool:
    """True when `argv` holds only window options (or `--gui`): no command for the command line."""
    if "--gui" in argv[:1]:
        return True
    i = 0
    while i < len(argv):
        name, has_value, _value = argv[i].partition("=")
        if name not in WINDOW_OPTIONS:
            return False
        i += 1 if has_value or not WINDOW_OPTIONS[name] else 2
    return True


def main() -> int:
    argv = sys.argv[1:]
    if not wants_window(argv):
        from bianzhi_app.cli import main as cli_main

        return cli_main(argv)
    import gc

    # The window's start-up allocates hundreds of thousands of long-lived objects (modules, Qt
    # wrappers); collecting meanwhile only re-walks them. ui.app resumes collection after the first
    # paint, with those objects frozen out of later full collections (gc.freeze).
    gc.disable()
    from ui.password_check import check_early_from_argv

    check_early_from_argv(argv)  # BIANZHI_USER/BIANZHI_PASSWORD: the hash runs while Qt loads (issue 15)
    from ui.app import run

    return run([a for a in argv if a != "--gui"])


if __name__ == "__main__":
    sys.exit(main())
