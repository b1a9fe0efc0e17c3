"""`perfdsl serve`: the evaluator's web page and a JSON API over the rulesets of one directory.

    catalog   the served directory's rulesets, compiled once at start and shared by every request
    schema    a ruleset's tree and its inputs as JSON (Schema), and the §5 result's schema
    uploads   a request's file → a data file on disk, within the limits, with the user's name in messages
    runs      uploaded batches, scored in the background so that a page can show progress
    checking  `perfdsl check` of pasted or uploaded text, its includes confined to the served directory
    features  the optional writers and checks other modules provide (PDF, audit)
    problems  every bad request → one Chinese message, as JSON under /api and as a page elsewhere
    api       the JSON endpoints and the OpenAPI document, generated from the same definitions
    pages     the HTML pages (Jinja2, autoescaped), each working without JavaScript
    app       the Starlette application: routes, limits, security headers; `run` starts uvicorn

Nothing here re-implements the library: records are read by `datafiles`, scored by `Program`,
explained by `report.explain` and written by the same report modules as `perfdsl eval`.
"""

from __future__ import annotations
