"""Shared fixtures and the hypothesis profiles.

Profiles (`perfdsl.testing.profiles`): ``ci`` (the default; derandomised so CI
is reproducible and fast), ``dev`` (random, more examples) and ``nightly``
(deep).  Pick one with ``PERFDSL_PROFILE=nightly pytest``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import settings

from perfdsl.testing import profiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # the hand-written Chao'an and Baoshan scorers double as oracles

settings.load_profile(profiles.chosen())  # the profiles live with `perfdsl test`, which uses them too


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def chaoan():
    from perfdsl import load

    return load(ROOT / "rulesets" / "chaoan-2022.perf")


@pytest.fixture(scope="session")
def baoshan():
    from perfdsl import load

    return load(ROOT / "rulesets" / "baoshan-2021.perf")


@pytest.fixture
def chaoan_record():
    """A fresh copy of the published Chao'an record (tests may change it)."""
    from perfdsl import read_record

    return read_record(ROOT / "examples" / "chaoan-2022.json")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/golden/**/*.ast and *.err from the current output")


@pytest.fixture(scope="session")
def published():
    """The published Chao'an record, shared: copy it before changing it."""
    from perfdsl import read_record

    return read_record(ROOT / "examples" / "chaoan-2022.json")


@pytest.fixture(scope="session")
def chaoan_batch(tmp_path_factory, chaoan):
    """200 generated Chao'an records as .json, and as .csv/.xlsx with three bad rows among them (tests/tables.py)."""
    import tables

    return tables.write_batch(tmp_path_factory.mktemp("batch"), chaoan.model)
