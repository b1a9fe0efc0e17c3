"""Did you mean …? The candidate closest to a misspelt name: for unknown keys, names, scorecards, columns."""

from __future__ import annotations


def nearest(name: str, candidates, cutoff: float = 0.5) -> str | None:
    """The candidate closest to a misspelt `name`, if any is close enough (`cutoff`: difflib's ratio)."""
    import difflib  # here: asked only when something is misspelt, so a clean run never imports it

    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return found[0] if found else None
