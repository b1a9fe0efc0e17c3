"""Where each figure sits in the flat tuple the compiled evaluator returns: the one owner of that layout.

Per scorecard, in declaration order, one block: (effective weight, score) of every node in pre-order,
then the total, the grade, and a tuple of rows — each `each` group's items (name, share, score) in
node order, then (if the scorecard has scorecard rules) their (applied, total after) pairs.  `codegen`
asks `Layout.values` in what order to return its variables; `result`, `rendering`, `program` and the
test tools read the tuple only through the methods here.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

#: What follows the nodes' (weight, score) pairs in a scorecard's block.
_TAIL = 3  # total, grade, rows


def values(card, weight, score, total: str, grade: str, rows: str) -> list:
    """The items of `card`'s block in order, given how to name each (codegen: its variables)."""
    out = []
    for node in card.nodes:
        out += [weight(node.index), score(node.index)]
    return out + [total, grade, rows]


def with_facts(card):
    """The nodes of `card` with an entry in `evaluate_facts`' facts (`rendering`): each leaf, each `each` group
    (a list of its items' (place in the list, facts))."""
    return [node for node in card.nodes if node.is_leaf or node.each is not None]


class Layout:
    """The flat result tuple of one model."""

    def __init__(self, model):
        self.blocks: list[tuple[int, int]] = []  # (offset, size) of each scorecard's block
        offset = 0
        for card in model.scorecards:
            size = 2 * len(card.nodes) + _TAIL
            self.blocks.append((offset, size))
            offset += size

    # (offset, size) by scorecard number, as before: `for offset, size in layout`, `layout[n]`
    def __iter__(self):
        return iter(self.blocks)

    def __getitem__(self, number: int) -> tuple[int, int]:
        return self.blocks[number]

    def __len__(self) -> int:
        return len(self.blocks)

    def block(self, flat: tuple, number: int) -> tuple:
        offset, size = self.blocks[number]
        return flat[offset:offset + size]

    def total(self, flat: tuple, number: int):
        offset, size = self.blocks[number]
        return flat[offset + size - 3]

    def grade(self, flat: tuple, number: int):
        offset, size = self.blocks[number]
        return flat[offset + size - 2]

    def node_scores(self, flat: tuple, number: int) -> tuple:
        """Every node's score of scorecard `number`, in pre-order."""
        offset, size = self.blocks[number]
        return flat[offset + 1:offset + size - _TAIL + 1:2]

    def node_weights(self, flat: tuple, number: int) -> tuple:
        """Every node's weight after moves of scorecard `number`, in pre-order."""
        offset, size = self.blocks[number]
        return flat[offset:offset + size - _TAIL:2]

    def score(self, flat: tuple, number: int, index: int):
        return flat[self.blocks[number][0] + 2 * index + 1]

    def weight(self, flat: tuple, number: int, index: int):
        """The weight after moves of node `index` of scorecard `number`."""
        return flat[self.blocks[number][0] + 2 * index]

    # within one block (`block`)
    @staticmethod
    def weight_in(block: tuple, index: int):
        return block[2 * index]

    @staticmethod
    def score_in(block: tuple, index: int):
        return block[2 * index + 1]

    @staticmethod
    def scores_of(indices) -> Callable[[tuple], tuple]:
        """A function: a block → the scores of the nodes at `indices` (`score_in` of each), as a tuple."""
        return getter([2 * index + 1 for index in indices])

    @staticmethod
    def pairs_in(block: tuple, count: int):
        """(weight, score) of the block's first `count` nodes, in order (`weight_in`, `score_in` for each)."""
        return zip(block[0:2 * count:2], block[1:2 * count:2])

    @staticmethod
    def total_in(block: tuple):
        return block[-3]

    @staticmethod
    def grade_in(block: tuple):
        return block[-2]

    @staticmethod
    def rows_in(block: tuple) -> tuple:
        """The `each` groups' item rows in node order, then the scorecard rules' (applied, after) pairs."""
        return block[-1]


def getter(positions) -> Callable[[tuple], tuple]:
    """A function: a tuple → its values at `positions`, always as a sequence (`itemgetter` alone gives a bare
    value for one position and fails for none)."""
    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        position = positions[0]
        return lambda values: (values[position],)
    return itemgetter(*positions)
