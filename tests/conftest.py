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
sys.path.insert(0, str(ROOT / "bench"))  # the hand-written scorers double as oracles

settings.load_profile(profiles.chosen())  # the profiles live with `perfdsl test`, which uses them too


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def _ruleset(name: str):
    from perfdsl import load

    return load(ROOT / "rulesets" / f"{name}.perf")


# each shipped ruleset, compiled once a session
chaoan = pytest.fixture(scope="session", name="chaoan")(lambda: _ruleset("chaoan-2022"))
zhanjiang = pytest.fixture(scope="session", name="zhanjiang")(lambda: _ruleset("zhanjiang-2021"))
meijiang = pytest.fixture(scope="session", name="meijiang")(lambda: _ruleset("meijiang-2023"))
yaan = pytest.fixture(scope="session", name="yaan")(lambda: _ruleset("yaan-2020"))
yaan_projects = pytest.fixture(scope="session", name="yaan_projects")(lambda: _ruleset("yaan-2020-projects"))
baoshan = pytest.fixture(scope="session", name="baoshan")(lambda: _ruleset("baoshan-2021"))


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
