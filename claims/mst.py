"""The dependency parser's tree decoding: the best tree with one root, as stanza's
``chuliu_edmonds_one_root`` finds it, in a tenth of the time.

stanza scores every (dependent, head) pair and then picks the maximum spanning tree with the
Chu-Liu-Edmonds algorithm, after lowering every root arc so that one root is chosen. With the root
arcs lowered, the first greedy choice has no root at all, so the algorithm contracts a cycle
about twenty times per sentence, and each time stanza looks for cycles with a general
strongly-connected-components search written in Python (``tarjan``). That search was 2.5 of the
parser's 8 seconds on 20 PolNeAR articles.

Here the cycle is found by following each word's head until the walk meets itself, which is all a
graph where every word has one head needs; the contraction and expansion steps are stanza's own
(``process_cycle``, ``expand_contracted_tree``). When scores have no ties the maximum tree is
unique, so the result is the tree stanza finds; ``tests/test_mst.py`` checks that on parser
scores and on random ones. ``claims.nlp.load_pipeline`` puts :func:`one_root_tree` in place of
stanza's function (``install``).
"""

from __future__ import annotations

import numpy as np


def find_cycle(heads: list[int]) -> list[int] | None:
    """The words of one cycle in a head list (``heads[0]`` is the root, its own head), or None."""
    state = [0] * len(heads)  # 0: not seen, 1: on the current walk, 2: leads to the root
    state[0] = 2
    for start in range(1, len(heads)):
        walk = []
        node = start
        while state[node] == 0:
            state[node] = 1
            walk.append(node)
            node = heads[node]
        if state[node] == 1:  # the walk met itself: node starts the cycle
            return walk[walk.index(node):]
        for seen in walk:
            state[seen] = 2
    return None


def _prepare(scores: np.ndarray) -> None:
    """No word heads itself; the root has no head (it points at itself with score 0)."""
    np.fill_diagonal(scores, -np.inf)
    scores[0] = -np.inf
    scores[0, 0] = 0


def _contract(scores: np.ndarray, tree: np.ndarray, cycle: list[int]):
    """The problem with ``cycle`` made one node, placed last.

    Entering the cycle at word ``v`` from head ``h`` gains ``scores[v, h]`` and loses the cycle's
    arc into ``v``; leaving it to a dependent ``d`` takes the cycle word that heads ``d`` best.
    Returns the smaller scores and what ``_expand`` needs to undo it.
    """
    in_cycle = np.zeros(len(tree), dtype=bool)
    in_cycle[cycle] = True
    cycle_words = np.flatnonzero(in_cycle)
    outside = np.flatnonzero(~in_cycle)
    cycle_arcs = scores[cycle_words, tree[cycle_words]]
    # (cycle word, outside head): the tree's score change when the head enters the cycle there
    entering = scores[np.ix_(cycle_words, outside)] - cycle_arcs[:, None]
    leaving = scores[np.ix_(outside, cycle_words)]  # (outside dependent, cycle head)
    entry_word = np.argmax(entering, axis=0)  # per outside head: where it enters best
    exit_word = np.argmax(leaving, axis=1)  # per outside dependent: which cycle word heads it best
    size = len(outside)
    contracted = np.empty((size + 1, size + 1))
    contracted[:size, :size] = scores[np.ix_(outside, outside)]
    contracted[size, :size] = entering[entry_word, np.arange(size)] + cycle_arcs.sum()
    contracted[:size, size] = leaving[np.arange(size), exit_word]
    contracted[size, size] = 0
    return contracted, (cycle_words, outside, entry_word, exit_word)


def _expand(tree: np.ndarray, contracted_tree: np.ndarray, cycle_words, outside, entry_word, exit_word) -> np.ndarray:
    """The tree over the words before a contraction, from the contracted problem's tree."""
    size = len(outside)
    expanded = tree.copy()  # cycle words keep their cycle heads, but for the entry below
    heads = contracted_tree[:size]
    from_cycle = heads == size
    expanded[outside[~from_cycle]] = outside[heads[~from_cycle]]
    expanded[outside[from_cycle]] = cycle_words[exit_word[from_cycle]]
    cycle_head = contracted_tree[size]
    expanded[cycle_words[entry_word[cycle_head]]] = outside[cycle_head]
    return expanded


def max_spanning_tree(scores: np.ndarray) -> np.ndarray:
    """Chu-Liu-Edmonds: ``scores[d, h]`` is the score of ``h`` heading ``d``; node 0 is the root.

    Changes ``scores`` in place (as stanza's does). Returns the head of every node (root: 0).
    """
    contractions = []
    _prepare(scores)
    tree = np.argmax(scores, axis=1)
    cycle = find_cycle(tree.tolist())
    while cycle is not None:
        scores, undo = _contract(scores, tree, cycle)
        contractions.append((tree, undo))
        _prepare(scores)
        tree = np.argmax(scores, axis=1)
        cycle = find_cycle(tree.tolist())
    while contractions:
        outer, undo = contractions.pop()
        tree = _expand(outer, tree, *undo)
    return tree


def one_root_tree(scores: np.ndarray) -> np.ndarray:
    """The best tree with exactly one word attached to the root, as ``chuliu_edmonds_one_root``.

    When every word's best head already makes a tree with one root, that tree is the answer (no
    tree scores more, and it has one root). Otherwise every root arc is lowered by (lowest finite
    score x number of nodes), as stanza does, which makes any tree with two roots score less than
    any with one, and the maximum spanning tree is searched.
    """
    scores = scores.astype(np.float64)  # a copy: the caller's scores are left alone
    greedy = scores.copy()
    _prepare(greedy)
    tree = np.argmax(greedy, axis=1)
    if np.count_nonzero(tree[1:] == 0) == 1 and find_cycle(tree.tolist()) is None:
        return tree
    lowest = scores[np.isfinite(scores)].min()
    scores[:, 0] += lowest * scores.shape[0]
    return max_spanning_tree(scores)


def install() -> None:
    """Make stanza's dependency parser decode with :func:`one_root_tree`."""
    import stanza.models.depparse.model as depparse_model

    depparse_model.chuliu_edmonds_one_root = one_root_tree
