"""`perfdsl test`: example tests, generated-record invariants and the author's properties of a ruleset.

`strategies` derives hypothesis strategies from input declarations;
`scoring`, `invariants`, `claims`, `coverage` and `examples` each check one
thing; `suite` turns a ruleset into cases; `plugin` hands them to pytest.
"""
