"""The hypothesis profiles of perfdsl, shared by its own tests, `perfdsl test` and the pytest plugin.

``ci`` (the default) is derandomised — the same examples on every run, so CI
is reproducible — and small enough to keep the suite fast; ``dev`` searches
at random, deeper; ``nightly`` deeper still.  ``PERFDSL_PROFILE`` picks one.
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def user_cache():
    """While it lasts, hypothesis keeps its storage (its examples, the constants it collects) in `storage()`,
    not in ``.hypothesis/`` of the working folder — unless ``HYPOTHESIS_STORAGE_DIRECTORY`` says where."""
    from hypothesis import configuration

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    before = getattr(configuration, "__hypothesis_home_directory", None)  # to restore it in a test process
    configuration.set_hypothesis_home_dir(storage())
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(before)


def register():
    for name, options in PROFILES.items():
        settings.register_profile(name, deadline=None, **options)


def chosen(name: str | None = None) -> str:
    """The profile asked for, else ``PERFDSL_PROFILE``, else ``ci``."""
    return name or os.environ.get("PERFDSL_PROFILE") or DEFAULT


register()


@contextlib.contextmanager
def alike_everywhere():
    """While it lasts, hypothesis draws without the constants it collects from "local" modules.

    Hypothesis mixes into its draws the literals of every module loaded from outside site-packages —
    perfdsl's own when installed editable, and every test module pytest has imported — so one
    derandomised run of `perfdsl test` drew other records inside the test suite than from the command
    line, and a `property … when …` could go untested in one and pass in the other.  The records a
    ruleset is tested with must depend on the ruleset and the seed only.  (A private hook: if a newer
    hypothesis moves it, draws are as before.)
    """
    try:
        from hypothesis.internal.conjecture import providers

        original = providers._get_local_constants
        empty = providers.Constants()
    except (ImportError, AttributeError, TypeError):
        yield
        return
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
