"""The hypothesis profiles of perfdsl, shared by its own tests, `perfdsl test` and the pytest plugin.

``ci`` (the default) is derandomised — the same examples on every run, so CI
is reproducible — and small enough to keep the suite fast; ``dev`` searches
at random, deeper; ``nightly`` deeper still.  ``PERFDSL_PROFILE`` picks one.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

PROFILES = {
    "ci": dict(max_examples=150, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]),
    "dev": dict(max_examples=400, suppress_health_check=[HealthCheck.too_slow]),
    "nightly": dict(max_examples=5000, suppress_health_check=[HealthCheck.too_slow]),
}
DEFAULT = "ci"
#: Generated records per ruleset case (examples, invariants, each property), where it differs from the
#: profile: a ruleset has a dozen cases, each scoring several records per example, so CI gives each fewer.
RULESET_EXAMPLES = {"ci": 100}


def storage() -> Path:
    """Where hypothesis keeps its files for `perfdsl test`: the user's cache, never the working folder."""
    from ..userdirs import cache_dir

    return cache_dir() / "hypothesis"


def use_user_cache():
    """Point hypothesis' storage (its examples, the constants it collects) at `storage()`, unless the user
    chose a place with ``HYPOTHESIS_STORAGE_DIRECTORY``."""
    from hypothesis.configuration import set_hypothesis_home_dir

    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        set_hypothesis_home_dir(storage())


def register():
    for name, options in PROFILES.items():
        settings.register_profile(name, deadline=None, **options)


def chosen(name: str | None = None) -> str:
    """The profile asked for, else ``PERFDSL_PROFILE``, else ``ci``."""
    return name or os.environ.get("PERFDSL_PROFILE") or DEFAULT


register()
