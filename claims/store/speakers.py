"""One ``speakers`` row per speaker across articles: the merge rules and manual decisions.

:func:`claims.store.store_article` gives every claim a *natural key*
(:func:`claims.store.speaker_keys.speaker_key`: ``person:abbas araghchi``,
``organization:reuters``, ``anonymous_person:<article>:a senior official``) and calls
:func:`resolve_speakers`, which finds or creates the row each claim belongs to;
:func:`reconcile_speakers` applies the rules again at the end of each ingest run;
:func:`merge_speakers` and :func:`split_alias` record manual decisions that survive re-ingest.

The rules, (a) to (f), and how names are read are set out in ``docs/speakers.md``; how a name is
read is :func:`claims.names.person_name`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from claims.names import (
    APOSTROPHES,
    POINTING_WORDS,
    PersonName,
    given_name_gender,
    mention_gender,
    normalize_name,
    person_name,
    single_spaces,
    source_gender,
)
from claims.store.db import now, refresh_summaries
from claims.store.speaker_keys import NAMED_TYPES, Mention, name_key
from claims.types import PERSON

__all__ = [
    "merge_speakers",
    "reconcile_speakers",
    "refresh_speakers",
    "rekey_speakers",
    "resolve_speakers",
    "split_alias",
]

# A split decision's row key: the key it was split from, this mark and the alias.
SPLIT_MARK = "#split:"


# -- resolving claims to rows -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Split:
    alias: str  # as the articles wrote it (names the new row)
    alias_key: str  # normalized
    into_key: str


def _surface_keys(surfaces: Iterable[str | None]) -> set[str]:
    return {normalize_name(s) for s in surfaces if s and s.strip()}


# Rule (f): a surname-only name joins the namesake holding this share of the candidates' claims,
# once that namesake has this many claims.
PROMINENT_SHARE = 0.9
PROMINENT_MIN_CLAIMS = 10


class _Resolver:
    """Finds rows for mentions against one database state; creates, folds and reassigns."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.used: set[int] = set()  # rows given to claims in this call (their claims are not in yet)
        self.merges: dict[str, str] = {}
        self.splits: dict[str, list[_Split]] = {}
        self.targets: set[str] = set()  # keys some decision points to
        self.genders: dict[int, str | None] = {}  # person rows' genders as read (self.gender)
        # Set by reconcile_speakers: each row's claims that no surname rule placed (self.count).
        self.settled: dict[int, int] | None = None
        for kind, from_key, into_key, alias in db.execute(
            "SELECT kind, from_key, into_key, alias FROM speaker_merges ORDER BY id"
        ):
            self.targets.add(into_key)
            if kind == "merge":
                self.merges[from_key] = into_key  # the latest decision wins
            else:
                self.splits.setdefault(from_key, []).append(_Split(alias, normalize_name(alias), into_key))

    # decisions

    def follow(self, key: str, surfaces: Iterable[str | None] = ()) -> tuple[str, str | None]:
        """Where the recorded decisions send a key: ``(key, alias of the last split or None)``."""
        surface_keys = _surface_keys(surfaces)
        seen: set[str] = set()
        alias = None
        while key not in seen:
            seen.add(key)
            split = next((s for s in self.splits.get(key, []) if s.alias_key in surface_keys), None)
            if split is not None:
                key, alias = split.into_key, split.alias
            elif key in self.merges:
                key = self.merges[key]
            else:
                break
        return key, alias

    # rows

    def row(self, speaker_id: int) -> dict[str, Any]:
        found = self.db.execute(
            "SELECT id, key, name, speaker_type, ambiguous, claim_count FROM speakers WHERE id = ?", [speaker_id]
        ).fetchone()
        if found is None:
            raise ValueError(f"no speaker with id {speaker_id}; look it up in the speakers table")
        return dict(zip(("id", "key", "name", "speaker_type", "ambiguous", "claim_count"), found))

    def key_id(self, key: str) -> int | None:
        found = self.db.execute("SELECT id FROM speakers WHERE key = ?", [key]).fetchone()
        return found[0] if found else None

    def get_or_create(self, key: str, name: str, speaker_type: str) -> int:
        found = self.key_id(key)
        if found is not None:
            return found
        surname = person_name(name).surname_key if speaker_type == PERSON else None
        cursor = self.db.execute(
            "INSERT INTO speakers (key, name, speaker_type, surname) VALUES (?, ?, ?, ?)",
            [key, name, speaker_type, surname],
        )
        return int(cursor.lastrowid)

    def after_decisions(self, speaker_id: int, mention: Mention) -> int:
        """The row a claim goes to once the decisions on ``speaker_id``'s key are applied."""
        current = self.row(speaker_id)
        key, alias = self.follow(current["key"], mention.surfaces)
        if key == current["key"]:
            return speaker_id
        return self.get_or_create(key, alias or mention.name, current["speaker_type"])

    # rules

    def rule_placed(self, key: str, source_text: str | None, speaker_name: str | None) -> PersonName | None:
        """The surname-only name of claims that rules (b), (d) and (f) placed on the row keyed ``key``
        (and may place elsewhere), or None: a full name, a name or a row a decision concerns."""
        parsed = person_name(speaker_name or "")
        if parsed.is_full or not parsed.surname_key or key in self.targets:
            return None
        natural = f"{PERSON}:{parsed.key}"
        if natural in self.targets or self.follow(natural, (source_text, speaker_name))[0] != natural:
            return None
        return parsed

    def settle(self) -> None:
        """From now on count only the claims no surname rule placed (reconcile_speakers): a bare
        surname's claims are decided against the rest, wherever earlier counts had put them, so the
        outcome does not hang on the order articles came in."""
        self.settled = {}
        for speaker_id, key, source_text, speaker_name, count in self.db.execute(
            """SELECT s.id, s.key, c.source_text, c.speaker_name, count(*) FROM claims c
               JOIN speakers s ON s.id = c.speaker_id WHERE s.speaker_type = ?
               GROUP BY s.id, c.source_text, c.speaker_name""",
            [PERSON],
        ).fetchall():
            placed = self.rule_placed(key, source_text, speaker_name) is not None
            self.settled[speaker_id] = self.settled.get(speaker_id, 0) + (0 if placed else count)
        self.genders.clear()

    def count(self, speaker_id: int) -> int:
        """A candidate's claims as rule (f) weighs them."""
        if self.settled is None:
            return self.row(speaker_id)["claim_count"]
        return self.settled.get(speaker_id, 0)

    def candidates(self, surname_key: str) -> list[tuple[int, str | None]]:
        """``(row id, suffix)`` of every full name with this surname that claims can point to."""
        found = []
        for speaker_id, name in self.db.execute(
            "SELECT id, name FROM speakers WHERE speaker_type = ? AND surname = ?",
            [PERSON, surname_key],
        ):
            parsed = person_name(name)
            if parsed.is_full and (self.count(speaker_id) > 0 or speaker_id in self.used):
                found.append((speaker_id, parsed.suffix))
        for from_key in self.merges:  # a merged-away full name still names its target
            if not from_key.startswith(f"{PERSON}:") or SPLIT_MARK in from_key:
                continue
            parsed = person_name(from_key.split(":", 1)[1])
            if parsed.is_full and parsed.surname_key == surname_key:
                target = self.key_id(self.follow(from_key)[0])
                if target is not None:
                    found.append((target, parsed.suffix))
        return found

    def gender(self, speaker_id: int) -> str | None:
        """A person's gender from the given name, else from how the claims point at them: pronouns
        and titles opening the source ("he", "Mr. Obama") when one gender has three in four of at
        least two. None when neither tells."""
        if speaker_id not in self.genders:
            row = self.row(speaker_id)
            known = given_name_gender(person_name(row["name"]))
            if known is None:
                votes = {"male": 0, "female": 0}
                for source, speaker_name in self.db.execute(
                    "SELECT source_text, speaker_name FROM claims WHERE speaker_id = ? AND source_text IS NOT NULL",
                    [speaker_id],
                ):
                    if self.settled is not None and self.rule_placed(row["key"], source, speaker_name):
                        continue  # settling: only what no surname rule placed
                    found = source_gender(source)
                    if found:
                        votes[found] += 1
                total = votes["male"] + votes["female"]
                known = next((g for g, n in votes.items() if total >= 2 and n * 4 >= total * 3), None)
            self.genders[speaker_id] = known
        return self.genders[speaker_id]

    def surname_match(self, parsed: PersonName, gender: str | None = None) -> tuple[int | None, bool]:
        """Rules (b) and (f): ``(the matching row or None, whether there were candidates)``.

        Candidates are the full names with the surname, less those of the other gender when the
        mention has a gendered title (``gender``).
        """
        counts: dict[int, int] = {}
        suffixes: dict[int, str | None] = {}
        for speaker_id, suffix in self.candidates(parsed.surname_key):
            if gender is None or self.gender(speaker_id) in (gender, None):
                suffixes[speaker_id] = suffix
        for speaker_id in suffixes:
            counts[speaker_id] = self.count(speaker_id)
        same_suffix = [speaker_id for speaker_id, suffix in suffixes.items() if suffix == parsed.suffix]
        if len(same_suffix) == 1 and (parsed.suffix or len(suffixes) == 1):
            return same_suffix[0], True  # rule (b): the one candidate
        if same_suffix and not parsed.suffix:  # rule (f): the prominent namesake
            top = max(same_suffix, key=lambda speaker_id: counts[speaker_id])
            if counts[top] >= PROMINENT_MIN_CLAIMS and counts[top] >= PROMINENT_SHARE * sum(counts.values()):
                return top, True
        return None, bool(suffixes)

    def by_rules(self, mention: Mention) -> int:
        parsed = person_name(mention.name)
        if not parsed.is_full:
            match, had_candidates = self.surname_match(parsed, mention_gender(mention.name, mention.surfaces))
            if match is not None:
                return match
            speaker_id = self.get_or_create(mention.key, mention.name, PERSON)
            if had_candidates:
                self.db.execute("UPDATE speakers SET ambiguous = 1 WHERE id = ?", [speaker_id])
            return speaker_id
        if self.key_id(mention.key) is None:
            match = self.middle_name_match(parsed)
            if match is not None:
                return match
        is_new = self.key_id(mention.key) is None
        speaker_id = self.get_or_create(mention.key, mention.name, PERSON)
        self.used.add(speaker_id)  # a candidate for the folds below even before its claims are in
        if is_new:
            self.fold_surnames(parsed.surname_key)
        return speaker_id

    def middle_name_match(self, parsed: PersonName) -> int | None:
        """Rule (e): a full name without middle names joins the one person with the same first name,
        surname and suffix who has some ("Hillary Clinton" / "Hillary Rodham Clinton"), and the
        other way round; never when two such names exist ("George Bush" with George H. W. and
        George W. Bush) or when both names have middle names that differ."""
        found = set()
        for speaker_id, name, claim_count in self.db.execute(
            "SELECT id, name, claim_count FROM speakers WHERE speaker_type = ? AND surname = ?",
            [PERSON, parsed.surname_key],
        ):
            other = person_name(name)
            if not other.is_full or other.suffix != parsed.suffix or other.given[0] != parsed.given[0]:
                continue
            if other.key == parsed.key:
                continue
            if claim_count > 0 or speaker_id in self.used:
                found.add((speaker_id, len(other.given) > 1))
        if len(found) != 1:
            return None
        (speaker_id, other_has_middle), = found
        return speaker_id if other_has_middle != (len(parsed.given) > 1) else None

    def unfold_middle_names(self) -> int:
        """Rule (e) again over the stored rows: the claims a full name joined to a middle-name
        variant ("George Bush" to George W. Bush, when he was the only one) go back to a row of
        their own once the rule no longer gives that variant alone (George H. W. Bush has come).
        Names a decision points at or from are left alone. Returns the claims moved."""
        moved = 0
        rows = self.db.execute("SELECT id, key, name FROM speakers WHERE speaker_type = ?", [PERSON]).fetchall()
        for speaker_id, key, name in rows:
            row_name = person_name(name)
            if not row_name.is_full or key != f"{PERSON}:{row_name.key}" or key in self.targets:
                continue
            for source_text, speaker_name in self.db.execute(
                "SELECT DISTINCT source_text, speaker_name FROM claims WHERE speaker_id = ?", [speaker_id]
            ).fetchall():
                written = person_name(speaker_name or "")
                natural = f"{PERSON}:{written.key}"
                if (not written.is_full or written.key == row_name.key or written.given[0] != row_name.given[0]
                        or written.surname_key != row_name.surname_key or written.suffix != row_name.suffix
                        or self.follow(natural)[0] != natural or natural in self.targets):
                    continue
                if self.middle_name_match(written) == speaker_id:
                    continue
                target = self.get_or_create(natural, speaker_name or name, PERSON)
                moved += self.reassign(speaker_id, target, only=(source_text, speaker_name))
        return moved

    def unfold_surnames(self) -> int:
        """Rules (b) and (f) again for the claims of a bare surname that a full name holds (joined
        when it arrived, or by a fold): those the rules now give another row go there, or back to
        the surname's own row. Rows and names a decision concerns are left alone. Returns the claims
        moved."""
        moved = 0
        rows = self.db.execute("SELECT id, key, name FROM speakers WHERE speaker_type = ?", [PERSON]).fetchall()
        for speaker_id, key, name in rows:
            if not person_name(name).is_full or key in self.targets:
                continue
            for source_text, speaker_name in self.db.execute(
                "SELECT DISTINCT source_text, speaker_name FROM claims WHERE speaker_id = ?", [speaker_id]
            ).fetchall():
                parsed = self.rule_placed(key, source_text, speaker_name)
                if parsed is None:
                    continue
                gender = mention_gender(speaker_name or "", (source_text, speaker_name))
                match, _ = self.surname_match(parsed, gender)
                if match == speaker_id:
                    continue
                if match is None:  # fold_surnames then flags the surname's row
                    match = self.get_or_create(f"{PERSON}:{parsed.key}", speaker_name or "", PERSON)
                moved += self.reassign(speaker_id, match, only=(source_text, speaker_name))
        return moved

    def foldable(self, surname_key: str) -> list[dict[str, Any]]:
        """Surname-only rows that rules (d) and (f) may fold: natural (keyed by the surname, not by
        an article or a decision), not given claims in this call, no decision pointing at them."""
        rows = []
        for speaker_id, key, name in self.db.execute(
            "SELECT id, key, name FROM speakers WHERE speaker_type = ? AND surname = ?", [PERSON, surname_key]
        ):
            parsed = person_name(name)
            if parsed.is_full or key != f"{PERSON}:{parsed.key}" or key in self.targets or speaker_id in self.used:
                continue
            rows.append({"id": speaker_id, "parsed": parsed})
        return rows

    def fold_surnames(self, surname_key: str) -> int:
        """Rules (d) and (f) on the rows already stored: each surname-only row's claims, taken by how
        they name the speaker (so "Mr. Clinton" and "Mrs. Clinton" go their own ways), move to the
        full name the rules now give them; a row left with claims that have candidates is flagged
        ambiguous. Returns the claims moved."""
        moved = 0
        for row in self.foldable(surname_key):
            ambiguous = False
            for source_text, speaker_name in self.db.execute(
                "SELECT DISTINCT source_text, speaker_name FROM claims WHERE speaker_id = ?", [row["id"]]
            ).fetchall():
                gender = mention_gender(speaker_name or "", (source_text, speaker_name))
                match, had_candidates = self.surname_match(row["parsed"], gender)
                if match is None:
                    ambiguous = ambiguous or had_candidates
                    continue
                moved += self.reassign(row["id"], match, only=(source_text, speaker_name))
            if self.db.execute("SELECT 1 FROM speakers WHERE id = ?", [row["id"]]).fetchone():
                self.db.execute("UPDATE speakers SET ambiguous = ? WHERE id = ?", [int(ambiguous), row["id"]])
        return moved

    def reassign(self, from_id: int, into_id: int, only: tuple[str | None, str | None] | None = None) -> int:
        """Move every claim of ``from_id`` (``only``: those with this source text and name) to
        ``into_id`` or where its splits send it, drop ``from_id`` when left empty and bring the aliases
        of the rows concerned up to date; returns the claims moved."""
        into = self.row(into_id)
        changed = {from_id, into_id}
        groups = self.db.execute(
            "SELECT DISTINCT source_text, speaker_name FROM claims WHERE speaker_id = ?", [from_id]
        ).fetchall()
        moved = 0
        for source_text, speaker_name in groups:
            if only is not None and (source_text, speaker_name) != only:
                continue
            key, alias = self.follow(into["key"], (source_text, speaker_name))
            target = into_id
            if key != into["key"]:
                target = self.get_or_create(key, alias or speaker_name or into["name"], into["speaker_type"])
            changed.add(target)
            moved += self.db.execute(
                "UPDATE claims SET speaker_id = ? WHERE speaker_id = ? AND source_text IS ? AND speaker_name IS ?",
                [target, from_id, source_text, speaker_name],
            ).rowcount
        # Rows given to this call's claims have none yet: they must not be dropped as empty.
        refresh_speakers(self.db, changed, keep=self.used)
        self.genders.pop(into_id, None)
        return moved

    def resolve(self, mention: Mention) -> int:
        key, alias = self.follow(mention.key, mention.surfaces)
        if key == mention.key and mention.speaker_type == PERSON and mention.shared:
            speaker_id = self.after_decisions(self.by_rules(mention), mention)
        else:
            speaker_id = self.get_or_create(key, alias or mention.name, mention.speaker_type)
        self.used.add(speaker_id)
        return speaker_id


def resolve_speakers(db: sqlite_utils.Database, mentions: Iterable[Mention]) -> dict[Mention, int]:
    """The speaker row of each mention, created when new, after the rules and the recorded decisions.

    Call inside the transaction that then writes the claims: rows made here have no claims yet.
    """
    resolver = _Resolver(db)
    ordered = list(dict.fromkeys(mentions))
    # Full names first, so that a surname-only mention sees the article's own full names.
    ordered.sort(key=lambda m: m.is_surname_only)
    return {mention: resolver.resolve(mention) for mention in ordered}


# -- keeping rows tidy ------------------------------------------------------------------------------


def _pointing_only(form: str) -> bool:
    """A source of pointing words only: "he", "who", "He he" (a source in two pieces)."""
    words = form.casefold().translate(APOSTROPHES).split()
    return bool(words) and all(w.strip(",.;:") in POINTING_WORDS for w in words)


def refresh_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[int], *, keep: Iterable[int] = ()) -> None:
    """Drop speakers left without claims (except those in ``keep``); set the others' aliases.

    The aliases are every source text and every extractor-given name other than the row's own
    name, in order of first claim; bare pronouns ("He", "who") are left out.
    """
    keep = set(keep)
    for speaker_id in sorted(set(speaker_ids)):
        found = db.execute("SELECT name, claim_count FROM speakers WHERE id = ?", [speaker_id]).fetchone()
        if found is None:
            continue
        name, count = found
        if count == 0 and speaker_id not in keep:
            db.execute("DELETE FROM speakers WHERE id = ?", [speaker_id])
            continue
        forms = [
            r[0]
            for r in db.execute(
                """
                SELECT form FROM (
                    SELECT source_text AS form, id, 0 AS kind FROM claims
                    WHERE speaker_id = :id AND source_text IS NOT NULL
                    UNION ALL
                    SELECT speaker_name, id, 1 FROM claims
                    WHERE speaker_id = :id AND speaker_name IS NOT NULL AND speaker_name != :name
                )
                GROUP BY form ORDER BY min(id * 2 + kind)
                """,
                {"id": speaker_id, "name": name},
            )
        ]
        # A pronoun ("he", "who", "He ... he") is how the article pointed at the speaker, not a name for them.
        forms = [form for form in forms if not _pointing_only(form)]
        aliases = json.dumps(forms, ensure_ascii=False)
        db.execute("UPDATE speakers SET aliases = ? WHERE id = ? AND aliases IS NOT ?", [aliases, speaker_id, aliases])


def rekey_speakers(db: sqlite_utils.Database) -> int:
    """Give named speakers the keys of the current normalization and their surname; rows whose keys
    then coincide are merged (rule a). Used when upgrading a version-1 database. Returns rows merged.
    """
    resolver = _Resolver(db)
    merged = 0
    rows = db.execute("SELECT id, key, name, speaker_type FROM speakers ORDER BY id").fetchall()
    for speaker_id, key, name, speaker_type in rows:
        if resolver.key_id(key) != speaker_id:
            continue  # merged into an older row above
        if speaker_type == PERSON:
            db.execute("UPDATE speakers SET surname = ? WHERE id = ?", [person_name(name).surname_key, speaker_id])
        if speaker_type not in NAMED_TYPES or key != f"{speaker_type}:{normalize_name(name)}":
            continue  # per-article speakers, and rows a decision made
        new_key = f"{speaker_type}:{name_key(speaker_type, name)}"
        if new_key == key:
            continue
        existing = resolver.key_id(new_key)
        if existing is not None and existing < speaker_id:
            resolver.reassign(speaker_id, existing)
            merged += 1
            continue
        if existing is not None:  # the older row survives, with the name first written
            resolver.reassign(existing, speaker_id)
            merged += 1
        db.execute("UPDATE speakers SET key = ? WHERE id = ?", [new_key, speaker_id])
    return merged


def reconcile_speakers(db: sqlite_utils.Database) -> int:
    """Apply rules (e), (b), (d) and (f) to the whole database: claims a name without middle names
    gave a variant that is no longer the only one go back to their own row; every claim of a bare
    surname, on its own row or joined to a full name earlier, goes to the row the rules give it
    now, weighed against the claims no surname rule placed; rows left with candidates are flagged
    ambiguous. Run at the end of each ingest, so the rules see everything stored; one
    transaction. Returns the claims moved."""
    with db.atomic():
        resolver = _Resolver(db)
        moved = resolver.unfold_middle_names()
        resolver.settle()
        moved += resolver.unfold_surnames()
        rows = db.execute(
            "SELECT DISTINCT surname FROM speakers WHERE speaker_type = ? AND surname IS NOT NULL", [PERSON]
        ).fetchall()
        return moved + sum(resolver.fold_surnames(surname) for (surname,) in rows)


# -- manual decisions -------------------------------------------------------------------------------


def _record(
    db: sqlite_utils.Database, kind: str, from_key: str, into_key: str, alias: str | None, note: str | None
) -> int:
    cursor = db.execute(
        "INSERT INTO speaker_merges (kind, from_key, into_key, alias, note, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
        [kind, from_key, into_key, alias, note, now()],
    )
    return int(cursor.lastrowid)


def merge_speakers(db: sqlite_utils.Database, from_id: int, into_id: int, note: str | None = None) -> int:
    """Merge speaker ``from_id`` into ``into_id`` for good: its claims and aliases move, the row goes,
    and the decision is recorded by key so re-ingested articles follow it. Returns the decision id.

    A split alias of ``into_id`` stays split. Merging a split row back into the row it was split
    from undoes the split.
    """
    if from_id == into_id:
        raise ValueError(f"cannot merge speaker {from_id} into itself; pass two different speaker ids")
    with db.atomic():
        resolver = _Resolver(db)
        source, target = resolver.row(from_id), resolver.row(into_id)
        # A decision the other way round is superseded (this undoes a split or a reverse merge).
        db.execute("DELETE FROM speaker_merges WHERE from_key = ? AND into_key = ?", [target["key"], source["key"]])
        decision = _record(db, "merge", source["key"], target["key"], None, note)
        _Resolver(db).reassign(from_id, into_id)
        refresh_summaries(db)  # the published speaker_role_summary follows the decision now, not at the next run
    return decision


def split_alias(db: sqlite_utils.Database, speaker_id: int, alias: str, note: str | None = None) -> int:
    """Move the claims of a speaker whose source text or name is ``alias`` (compared normalized) to a
    new speaker named by the alias as first written, for good: the decision is recorded by key so re-ingested and new
    articles keep that alias apart. Returns the new speaker's id.
    """
    alias = single_spaces(alias)
    alias_key = normalize_name(alias)
    with db.atomic():
        resolver = _Resolver(db)
        source = resolver.row(speaker_id)
        claims = db.execute(
            "SELECT id, source_text, speaker_name FROM claims WHERE speaker_id = ? ORDER BY id", [speaker_id]
        ).fetchall()
        moving = [claim_id for claim_id, *surfaces in claims if alias_key in _surface_keys(surfaces)]
        # The new row is named by the alias as the articles wrote it, not as typed here.
        written = [s for _, *surfaces in claims for s in surfaces if s and normalize_name(s) == alias_key]
        if not moving:
            aliases = json.loads(db.execute("SELECT aliases FROM speakers WHERE id = ?", [speaker_id]).fetchone()[0])
            raise ValueError(
                f"speaker {speaker_id} ({source['name']}) has no claim whose source text or name is {alias!r}; "
                f"pass one of its aliases: {', '.join(map(repr, aliases)) or 'none'}"
            )
        into_key = f"{source['key']}{SPLIT_MARK}{alias_key}"
        exists = db.execute(
            "SELECT 1 FROM speaker_merges WHERE kind = 'split' AND from_key = ? AND into_key = ?",
            [source["key"], into_key],
        ).fetchone()
        if not exists:
            _record(db, "split", source["key"], into_key, written[0], note)
        resolver = _Resolver(db)
        key, _ = resolver.follow(into_key)  # the split row may itself have been merged since
        new_id = resolver.get_or_create(key, written[0], source["speaker_type"])
        db.execute(
            f"UPDATE claims SET speaker_id = ? WHERE id IN ({', '.join('?' * len(moving))})", [new_id, *moving]
        )
        refresh_speakers(db, {speaker_id, new_id})
        refresh_summaries(db)
    return new_id
