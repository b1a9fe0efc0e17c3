"""The repository passes `ruff check` with its configuration in pyproject.toml ([tool.ruff]).

Ruff comes with the ``test`` extra; it is looked for beside the interpreter running the tests (the
virtualenv's bin or Scripts folder), then as ``python -m ruff``, then on PATH.  Without it the test skips.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str] | None:
    """The command that runs ruff, or None where it is not installed."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        found = shutil.which("ruff", path=folder)
        if found:
            return [found]
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    found = shutil.which("ruff")
    return [found] if found else None


def test_ruff_finds_nothing():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed: not beside the interpreter, not importable, not on PATH "
                    '(pip install -e ".[test]" installs it)')
    done = subprocess.run([*ruff, "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)
    assert done.returncode == 0, f"{' '.join(ruff)} check . (in {ROOT}):\n{done.stdout}{done.stderr}"
