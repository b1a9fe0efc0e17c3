"""Where perfdsl keeps files of its own on the user's machine: never in the folder the user works in."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir() -> Path:
    """perfdsl's folder in the user's cache (not created here).

    ``%LOCALAPPDATA%\\perfdsl\\Cache`` on Windows, ``~/Library/Caches/perfdsl`` on
    macOS, ``$XDG_CACHE_HOME/perfdsl`` (by default ``~/.cache/perfdsl``) elsewhere;
    ``PERFDSL_CACHE_DIR`` overrides all of them.
    """
    if os.environ.get("PERFDSL_CACHE_DIR"):
        return Path(os.environ["PERFDSL_CACHE_DIR"])
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
        return Path(base) / "perfdsl" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "perfdsl"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the spec ignores a relative value
    return base / "perfdsl"
