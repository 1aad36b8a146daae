"""CLI commands of the safety area; `register` adds them to the parser built in cli.py."""

from __future__ import annotations

from typing import Any


def register(sub: Any, command: Any) -> None:
    """Add this area's commands: `command(name, handler, help, parent=sub)` returns the subparser."""
