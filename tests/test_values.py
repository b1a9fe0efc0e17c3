"""`MISSING` and `UNDEFINED` are singletons a record's values are told by (`is`): they stay themselves when a
result travels from a worker process (pickle) or is copied, else the parent's basis of a record with an input
left out raised 内部错误 UndefinedUse (yaan-2020-projects, ``-o x.xlsx --jobs 2``)."""

import copy
import pickle

import pytest

from perfdsl.values import MISSING, UNDEFINED, UndefinedUse


@pytest.mark.parametrize("marker", [MISSING, UNDEFINED])
def test_the_markers_survive_pickle_and_copy(marker):
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps({"值": marker}, protocol))["值"]
        assert back is marker
    assert copy.copy(marker) is marker and copy.deepcopy([marker])[0] is marker
    with pytest.raises(UndefinedUse):
        marker + 1
