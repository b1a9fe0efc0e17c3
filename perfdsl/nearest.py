"""Did you mean …? The candidate closest to a misspelt name: for unknown keys, names, scorecards, columns."""

from __future__ import annotations


def nearest(name: str, candidates) -> str | None:
    """The candidate closest to a misspelt `name`, if any is close enough."""
    import difflib  # here: asked only when something is misspelt, so a clean run never imports it

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return found[0] if found else None
