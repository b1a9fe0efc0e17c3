"""`datafiles._flat_record` (a JSON Lines record decoded without the duplicate-key hook) reads what the hooked
decoder reads, and hands on every line it cannot prove free of repeated keys."""

import pytest

from perfdsl import datafiles

LINES = [
    '{"a": 1, "b": "x"}',
    '{"a": 1, "a": 2}',
    '{"a" : 1, "a": 2, "b": 3}',  # a space before a colon: the colons are still one a pair
    '{"a": {"value": 1, "note": "n"}, "b": {"value": 2, "note": "n", "note": "m"}}',
    '{"a": "10:30", "a": 1}',  # a colon in a string, and a repeated key
    '{"a": "10:30"}',
    '{"a": "{", "b": {"c": 1}}',  # a brace in a string
    '{"a": {"b": {"c": 1, "c": 2}}}',  # deeper than one object in another
    '{"a": [1, {"b": 1, "b": 2}]}',
    '{"a": 1} ',
    ' {"a": 1}',
    '{"a": 1}x',
    '{"a": 1',
    '{"a": NaN, "b": 1e400, "c": -0.00}',
    '{"a": 1.50, "b": 12345678901234567890123456789012345}',
    '{}',
    '{"": 1, "": 2}',
    '{"a": "\\ud800"}',
    '{"k\\u003a": 1, "k:": 2}',  # the same key written two ways
    '{"t": [{"a": 1, "a": 2}]}',  # a list's item
    '{"t": [{"a": 1}, {"a": 2}], "u": [1, "x"]}',
    '{"t": [[{"a": 1, "a": 2}]]}',
    '{"t": [{"a": {"b": 1, "b": 2}}]}',
    '{"t": [{"a": [{"b": 1, "b": 2}]}]}',
    '{"t": {"a": [{"b": 1, "b": 2}]}}',
    '{"t": [], "u": {}}',
    '42',
    '[]',
]


@pytest.mark.parametrize("line", LINES)
def test_flat_record_reads_as_the_decoder(line):
    fast = datafiles._flat_record(line)
    reference = datafiles.line_record(1, 1, line)
    if fast is not None:
        assert type(fast) is dict and fast == reference and list(fast) == list(reference)
        assert [type(v) for v in fast.values()] == [type(v) for v in reference.values()]
    else:  # handed on: `line_record` reads it, or words what is wrong, as before
        assert reference is not None


def test_repeated_keys_are_never_read_fast():
    repeated = [line for line in LINES if "出现了两次" in str(datafiles.line_record(1, 1, line))]
    assert len(repeated) == 13
    assert all(datafiles._flat_record(line) is None for line in repeated)
    assert datafiles._flat_record('{"t": {"a": 1}, "u": {"a": 2}, "v": "x"}') is not None
