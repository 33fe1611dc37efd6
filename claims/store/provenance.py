"""Quote provenance: the same (or nearly the same) attributed claim in several articles, linked.

A cluster holds every appearance of one quote or claim, in order of appearance (article date,
then the order articles were stored), with its first appearance and, for each later one, the
earlier appearance it most likely came from. How two claims are matched:

1. candidates come from the claims' full-text index (``claims_fts``): a claim is looked up by the
   three rarest of its words that some other claim also holds, and every stored claim holding at
   least two of them is a candidate (the best :data:`MAX_CANDIDATES` by bm25);
2. candidate and claim are compared on their normalized text (lower case, punctuation and quote
   marks dropped) with rapidfuzz: they match when ``token_sort_ratio`` reaches
   :data:`SAME_TEXT` (the same words, a few changed), or when the shorter one has at least
   :data:`MIN_FRAGMENT_WORDS` words and ``partial_ratio`` reaches :data:`FRAGMENT` (one article
   quotes a part of what another quoted in full);
3. same-text matches are joined transitively; a fragment joins only the cluster of the claim it
   matches best, so a short phrase quoted in two different statements does not chain them into
   one; a cluster needs appearances in at least two articles.

Only attributed claims take part (the article's own voice is left out: syndicated copy would
cluster whole articles), only those of :data:`MIN_WORDS` words or more ("he said no"), and not
newsroom formulas (:data:`BOILERPLATE`: "did not respond to a request for comment").

Who cited whom: a later appearance cites the earliest earlier one that reached the page through
the channel it names ("according to Reuters" after "told Reuters", or after an article Reuters
published), else the earliest earlier one from the same speaker, else the first appearance.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlite_utils
from rapidfuzz import fuzz

from claims.store.db import write_transaction

SAME_TEXT = 85.0
FRAGMENT = 92.0
MIN_FRAGMENT_WORDS = 8
MIN_WORDS = 5
QUERY_WORDS = 3
MAX_CANDIDATES = 50
_WORD = re.compile(r"\w+")
# Newsroom formulas that many people "say" and nobody claims: not provenance.
BOILERPLATE = re.compile(
    r"\b(?:(?:respond|reply|return)\w* to (?:a |an |multiple |repeated )?(?:request|message|call|email)s? for comment"
    r"|declin\w* to comment|(?:could not|couldn't) be reached(?: for comment)?|no immediate comment"
    r"|did not (?:immediately )?(?:respond|reply|comment))\b"
)
STOPWORDS = set("""a an and are as at be been but by for from had has have he her his i in is it its
    not of on or our she so that the their them there they this to was we were what when which who
    will with would you""".split())


@dataclass
class Appearance:
    claim_id: int
    article_id: int
    published: str | None
    speaker_id: int
    channel: str | None  # the channel's name, lower case
    publisher: str | None  # the article's publisher, lower case
    words: list[str]
    normalized: str  # the words joined by single spaces: what rapidfuzz compares

    def order(self) -> tuple[str, int, int]:
        return (self.published or "9999", self.article_id, self.claim_id)


def normalized_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def same_claim(a: Appearance, b: Appearance) -> tuple[float, bool]:
    """The match score (0..100) of two appearances (0 when they do not match), and whether the
    match is only of a fragment (one quotes a part of the other)."""
    score = fuzz.token_sort_ratio(a.normalized, b.normalized)
    if score >= SAME_TEXT:
        return score, False
    if min(len(a.words), len(b.words)) >= MIN_FRAGMENT_WORDS:
        score = fuzz.partial_ratio(a.normalized, b.normalized)
        if score >= FRAGMENT:
            return score, True
    return 0.0, False


def load_appearances(db: sqlite_utils.Database) -> dict[int, Appearance]:
    rows = db.query(
        """SELECT c.id, c.article_id, a.published, c.speaker_id, lower(ch.name) AS channel,
                  lower(a.publisher) AS publisher, c.text
           FROM claims AS c JOIN articles AS a ON a.id = c.article_id
           LEFT JOIN channels AS ch ON ch.id = c.channel_id
           WHERE c.claim_type != 'narrator'"""
    )
    out = {}
    for row in rows:
        words = normalized_words(row["text"])
        normalized = " ".join(words)
        if len(words) >= MIN_WORDS and not BOILERPLATE.search(normalized):
            out[row["id"]] = Appearance(row["id"], row["article_id"], row["published"], row["speaker_id"],
                                        row["channel"], row["publisher"], words, normalized)
    return out


def fts_query(words: list[str], document_frequency: Counter[str]) -> str | None:
    """Claims holding at least two of the claim's rarest words, as an FTS5 query on the text column."""
    # A word no other claim holds cannot find a match: the rarest of the shared words select best.
    content = sorted({w for w in words if w not in STOPWORDS and len(w) > 2 and document_frequency[w] > 1},
                     key=lambda w: (document_frequency[w], -len(w), w))[:QUERY_WORDS]
    if len(content) < 2:
        return None
    quoted = [f'"{w}"' for w in content]
    pairs = [f"({x} AND {y})" for i, x in enumerate(quoted) for y in quoted[i + 1 :]]
    return "text : (" + " OR ".join(pairs) + ")"


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def cites(later: Appearance, earlier: list[Appearance]) -> tuple[Appearance, str]:
    """The earlier appearance `later` most likely came from, and why."""
    if later.channel:
        for candidate in earlier:
            if later.channel in (candidate.channel, candidate.publisher):
                return candidate, "channel"
    for candidate in earlier:
        if candidate.speaker_id == later.speaker_id:
            return candidate, "speaker"
    return earlier[0], "first appearance"


def rebuild_clusters(db: sqlite_utils.Database) -> dict[str, float]:
    """Recompute quote_clusters and cluster_claims from the stored claims, in one transaction."""
    started = time.time()
    appearances = load_appearances(db)
    document_frequency: Counter[str] = Counter()
    for appearance in appearances.values():
        document_frequency.update(set(appearance.words))
    links = UnionFind()
    scores: dict[int, float] = {}
    fragments: dict[int, tuple[float, int]] = {}  # shorter claim -> (score, the longer claim), best only
    compared = 0
    for claim_id, appearance in appearances.items():
        query = fts_query(appearance.words, document_frequency)
        if query is None:
            continue
        candidates = db.execute(
            "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?",
            [query, MAX_CANDIDATES],
        ).fetchall()
        for (other_id,) in candidates:
            other = appearances.get(other_id)
            if other is None or other_id == claim_id or links.find(other_id) == links.find(claim_id):
                continue
            compared += 1
            score, fragment_only = same_claim(appearance, other)
            if not score:
                continue
            if fragment_only:
                shorter, longer = sorted((appearance, other), key=lambda a: (len(a.words), a.claim_id))
                if score > fragments.get(shorter.claim_id, (0.0, 0))[0]:
                    fragments[shorter.claim_id] = (score, longer.claim_id)
                continue
            links.union(claim_id, other_id)
            scores[claim_id] = max(scores.get(claim_id, 0.0), score)
            scores[other_id] = max(scores.get(other_id, 0.0), score)
    # A fragment joins the cluster of the one claim it matches best, never bridging two clusters:
    # "A" quoted inside both "A, said X" and "Y, and A" must not make those two one cluster.
    attached: set[int] = set()
    for shorter_id, (score, longer_id) in sorted(fragments.items(), key=lambda item: -item[1][0]):
        root = links.find(shorter_id)
        if root in attached or links.find(longer_id) == root:
            continue
        links.union(shorter_id, longer_id)
        attached.add(links.find(shorter_id))
        attached.add(root)
        scores[shorter_id] = max(scores.get(shorter_id, 0.0), score)
        scores[longer_id] = max(scores.get(longer_id, 0.0), score)
    groups: dict[int, list[Appearance]] = defaultdict(list)
    for claim_id in links.parent:
        groups[links.find(claim_id)].append(appearances[claim_id])
    clusters = [sorted(group, key=Appearance.order) for group in groups.values()
                if len({a.article_id for a in group}) >= 2]
    clusters.sort(key=lambda group: group[0].order())
    with write_transaction(db):  # a savepoint when the caller holds the transaction
        db.execute("DELETE FROM cluster_claims")
        db.execute("DELETE FROM quote_clusters")
        for cluster_id, group in enumerate(clusters, start=1):
            first = group[0]
            db.execute(
                """INSERT INTO quote_clusters (id, text, first_claim_id, first_article_id, first_seen, last_seen,
                       first_speaker_id, first_channel_id, claim_count, article_count)
                   SELECT ?, c.text, c.id, c.article_id, ?, ?, c.speaker_id, c.channel_id, ?, ?
                   FROM claims AS c WHERE c.id = ?""",
                [cluster_id, first.published, max((a.published or "" for a in group), default="") or None,
                 len(group), len({a.article_id for a in group}), first.claim_id],
            )
            for position, appearance in enumerate(group, start=1):
                source, reason = (None, None) if position == 1 else cites(appearance, group[: position - 1])
                db.execute(
                    """INSERT INTO cluster_claims (claim_id, cluster_id, position, similarity, cites_claim_id, cites_via)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [appearance.claim_id, cluster_id, position, round(scores.get(appearance.claim_id, 100.0), 1),
                     source.claim_id if source else None, reason],
                )
    return {"candidates": len(appearances), "compared": compared, "clusters": len(clusters),
            "clustered_claims": sum(len(g) for g in clusters), "seconds": round(time.time() - started, 2)}
