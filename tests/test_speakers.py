"""claims.store.speakers and speaker_keys: one speakers row per speaker across articles, and manual decisions that last."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Quote, store_quoted_article

from claims import publish, store
from claims.names import normalize_name
from claims.store import speaker_keys, speakers
from claims.types import ANONYMOUS, ORGANIZATION, UNKNOWN

ARAGHCHI_FULL = Quote(
    "Iranian Foreign Minister Abbas Araghchi", "Abbas Araghchi", role="foreign minister", affiliation="Iran"
)
ARAGHCHI_SHORT = Quote("Araghchi", "Araghchi")


def persons(db) -> dict[str, dict]:
    """Person rows by name."""
    return {row["name"]: row for row in db.query("SELECT * FROM speakers WHERE speaker_type = 'person'")}


def speaker_of(db, article_key: str, stage: int) -> dict:
    """The speaker row of the claim "... had reached stage N" of an article."""
    return next(
        db.query(
            """SELECT s.* FROM claims c JOIN articles a ON a.id = c.article_id JOIN speakers s ON s.id = c.speaker_id
               WHERE a.key = ? AND c.text = ?""",
            [article_key, f"the talks had reached stage {stage}"],
        )
    )


def assert_counts_consistent(db) -> None:
    stored = {r[0]: r[1] for r in db.execute("SELECT speaker_id, count(*) FROM claims GROUP BY speaker_id")}
    rows = {r[0]: r[1] for r in db.execute("SELECT id, claim_count FROM speakers")}
    assert rows == stored, "every speaker has claims and its claim_count is right"
    db.execute("INSERT INTO speakers_fts (speakers_fts) VALUES ('integrity-check')")


# -- keys -------------------------------------------------------------------------------------------


def test_organization_and_country_keys():
    assert speaker_keys.name_key(ORGANIZATION, "AP") == speaker_keys.name_key(ORGANIZATION, "The Associated Press")
    assert speaker_keys.name_key(ORGANIZATION, "Thomson Reuters") == "reuters"
    assert speaker_keys.name_key(ORGANIZATION, "the Times") == "times"  # "the ..." aliases are ambiguous
    assert speaker_keys.name_key("country", "the United States") == "united states"
    assert normalize_name("  Al\u00a0Jazeera\u2019S ") == "al jazeera's"


# -- merge rules ------------------------------------------------------------------------------------


def test_a_surname_joins_the_one_full_name(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL])
    store_quoted_article(db, "a2", [ARAGHCHI_SHORT], published="2025-07-02")
    rows = persons(db)
    assert list(rows) == ["Abbas Araghchi"]
    araghchi = rows["Abbas Araghchi"]
    assert araghchi["key"] == "person:abbas araghchi" and araghchi["claim_count"] == 2
    assert json.loads(araghchi["aliases"]) == ["Iranian Foreign Minister Abbas Araghchi", "Araghchi"]
    assert araghchi["surname"] == "araghchi" and araghchi["ambiguous"] == 0
    assert_counts_consistent(db)


def test_a_full_name_folds_the_surname_row_seen_before_it(db):
    store_quoted_article(db, "a1", [ARAGHCHI_SHORT])
    assert list(persons(db)) == ["Araghchi"]
    store_quoted_article(db, "a2", [ARAGHCHI_FULL])
    rows = persons(db)
    assert list(rows) == ["Abbas Araghchi"]
    assert rows["Abbas Araghchi"]["claim_count"] == 2
    assert json.loads(rows["Abbas Araghchi"]["aliases"]) == ["Araghchi", "Iranian Foreign Minister Abbas Araghchi"]
    assert speaker_of(db, "a1", 1)["name"] == "Abbas Araghchi"
    assert db["speaker_merges"].count == 0  # automatic folds are not manual decisions
    assert_counts_consistent(db)


def test_within_an_article_full_names_come_first(db):
    store_quoted_article(db, "a1", [ARAGHCHI_SHORT, ARAGHCHI_FULL])
    assert list(persons(db)) == ["Abbas Araghchi"]
    assert persons(db)["Abbas Araghchi"]["claim_count"] == 2


def test_the_same_full_name_with_titles_is_one_speaker(db):
    store_quoted_article(db, "a1", [Quote("President Donald Trump", "President Donald Trump")])
    store_quoted_article(db, "a2", [Quote("Donald Trump", "Donald Trump"), Quote("Mr. Trump", "Mr. Trump")])
    rows = persons(db)
    assert list(rows) == ["President Donald Trump"]  # the name as first written
    assert rows["President Donald Trump"]["key"] == "person:donald trump"
    assert rows["President Donald Trump"]["claim_count"] == 3
    assert json.loads(rows["President Donald Trump"]["aliases"]) == [
        "President Donald Trump",
        "Donald Trump",
        "Mr. Trump",
    ]


def test_different_full_names_never_merge(db):
    store_quoted_article(db, "a1", [Quote("Donald Trump", "Donald Trump")])
    store_quoted_article(db, "a2", [Quote("Donald Trump Jr.", "Donald Trump Jr.")])
    store_quoted_article(db, "a3", [Quote("Ivanka Trump", "Ivanka Trump")])
    assert sorted(persons(db)) == ["Donald Trump", "Donald Trump Jr.", "Ivanka Trump"]
    # a bare surname with three Trumps: none of them
    store_quoted_article(db, "a4", [Quote("Trump", "Trump")])
    trump = persons(db)["Trump"]
    assert trump["ambiguous"] == 1 and trump["claim_count"] == 1
    # a surname with a suffix: the one Trump Jr.
    store_quoted_article(db, "a5", [Quote("Trump Jr.", "Trump Jr.")])
    assert speaker_of(db, "a5", 1)["name"] == "Donald Trump Jr."
    assert len(persons(db)) == 4
    assert_counts_consistent(db)


def test_a_bare_surname_does_not_join_a_name_with_a_suffix(db):
    store_quoted_article(db, "a1", [Quote("Donald Trump Jr.", "Donald Trump Jr.")])
    store_quoted_article(db, "a2", [Quote("Trump", "Trump")])
    rows = persons(db)
    assert sorted(rows) == ["Donald Trump Jr.", "Trump"]
    assert rows["Trump"]["ambiguous"] == 1 and rows["Donald Trump Jr."]["claim_count"] == 1


def test_two_smiths_keep_smith_apart_unless_a_title_tells_them_apart(db):
    store_quoted_article(db, "a1", [Quote("John Smith", "John Smith")])
    store_quoted_article(db, "a2", [Quote("Jane Smith", "Jane Smith")])
    store_quoted_article(db, "a3", [Quote("Smith", "Smith")])
    store_quoted_article(db, "a4", [Quote("Ms. Smith", "Ms. Smith"), Quote("Mr. Smith", "Mr. Smith")])
    rows = persons(db)
    assert sorted(rows) == ["Jane Smith", "John Smith", "Smith"]
    assert rows["Smith"]["ambiguous"] == 1 and rows["Smith"]["claim_count"] == 1
    assert rows["Jane Smith"]["claim_count"] == rows["John Smith"]["claim_count"] == 2
    assert "Ms. Smith" in json.loads(rows["Jane Smith"]["aliases"])


def test_a_title_of_the_other_gender_does_not_join_the_one_namesake(db):
    store_quoted_article(db, "a1", [Quote("Bill Clinton", "Bill Clinton")])
    store_quoted_article(db, "a2", [Quote("Mrs. Clinton", "Mrs. Clinton"), Quote("Mr. Clinton", "Mr. Clinton")])
    rows = persons(db)
    assert sorted(rows) == ["Bill Clinton", "Mrs. Clinton"]
    assert rows["Bill Clinton"]["claim_count"] == 2 and rows["Mrs. Clinton"]["ambiguous"] == 0


def test_a_pronoun_resolved_to_a_bare_surname_keeps_its_gender(db):
    # "he said" resolved to "Clinton" went to the prominent Hillary Clinton (PolNeAR: 6 claims of Bill
    # Clinton's; "she" -> "Obama" likewise went to Barack Obama).
    store_quoted_article(db, "a1", [Quote("Hillary Clinton", "Hillary Clinton")] * 12)
    store_quoted_article(db, "a2", [Quote("Bill Clinton", "Bill Clinton")])
    store_quoted_article(db, "a3", [Quote("he", "Clinton"), Quote("she", "Clinton")])
    rows = persons(db)
    assert rows["Bill Clinton"]["claim_count"] == 2 and rows["Hillary Clinton"]["claim_count"] == 13
    assert_counts_consistent(db)


def test_gender_is_read_from_the_claims_when_the_given_name_does_not_tell(db):
    # "Taylor" is given to both genders: the claims' pronouns and titles decide.
    store_quoted_article(db, "a1", [Quote("Taylor Quinn", "Taylor Quinn"), Quote("she", "Taylor Quinn")])
    store_quoted_article(db, "a2", [Quote("Robin Quinn", "Robin Quinn"), Quote("He", "Robin Quinn"),
                                    Quote("Mr. Quinn", "Robin Quinn")])
    store_quoted_article(db, "a3", [Quote("Ms. Quinn", "Ms. Quinn")])
    rows = persons(db)
    assert sorted(rows) == ["Robin Quinn", "Taylor Quinn"] and rows["Taylor Quinn"]["claim_count"] == 3


def test_a_bare_surname_joins_a_prominent_namesake_rule_f(db):
    # Rule (f): nine in ten of the candidates' claims and at least ten claims.
    store_quoted_article(db, "a1", [Quote("Barack Obama", "Barack Obama")] * 9)
    store_quoted_article(db, "a2", [Quote("Michelle Obama", "Michelle Obama")])
    store_quoted_article(db, "a3", [Quote("Obama", "Obama")])
    assert persons(db)["Obama"]["ambiguous"] == 1, "9 claims are not yet enough"
    store_quoted_article(db, "a4", [Quote("Barack Obama", "Barack Obama")] * 9)
    assert "Obama" in persons(db), "a new claim count alone does not fold: reconcile does"
    assert speakers.reconcile_speakers(db) == 1
    rows = persons(db)
    assert sorted(rows) == ["Barack Obama", "Michelle Obama"] and rows["Barack Obama"]["claim_count"] == 19
    store_quoted_article(db, "a5", [Quote("Obama", "Obama"), Quote("Mrs. Obama", "Mrs. Obama")])
    rows = persons(db)
    assert rows["Barack Obama"]["claim_count"] == 20 and rows["Michelle Obama"]["claim_count"] == 2
    assert_counts_consistent(db)


def test_a_surname_its_article_leaves_ambiguous_stays_in_that_article(db):
    store_quoted_article(db, "a1", [Quote("Hillary Clinton", "Hillary Clinton")])
    ambiguous = Quote("Clinton", "Clinton", local=True)
    store_quoted_article(db, "a2", [ambiguous])
    store_quoted_article(db, "a3", [ambiguous])
    speakers.reconcile_speakers(db)
    rows = {r["key"]: r for r in db.query("SELECT * FROM speakers WHERE speaker_type = 'person'")}
    assert sorted(rows) == ["person:a2:clinton", "person:a3:clinton", "person:hillary clinton"]
    assert rows["person:hillary clinton"]["claim_count"] == 1


def test_clinton_joins_neither_clinton_and_is_not_folded_later(db):
    store_quoted_article(db, "a1", [Quote("Bill Clinton", "Bill Clinton"), Quote("Hillary Clinton", "Hillary Clinton")])
    store_quoted_article(db, "a2", [Quote("Clinton", "Clinton")])
    assert persons(db)["Clinton"]["ambiguous"] == 1
    store_quoted_article(db, "a3", [Quote("Chelsea Clinton", "Chelsea Clinton")])
    rows = persons(db)
    assert sorted(rows) == ["Bill Clinton", "Chelsea Clinton", "Clinton", "Hillary Clinton"]
    assert {name: row["claim_count"] for name, row in rows.items()} == dict.fromkeys(rows, 1)


def test_speakers_of_a_replaced_article_do_not_count(db):
    # The only Bill Clinton goes when a1 is replaced, so "Clinton" has one match: Hillary.
    store_quoted_article(db, "a1", [Quote("Bill Clinton", "Bill Clinton")])
    store_quoted_article(
        db, "a1", [Quote("Hillary Clinton", "Hillary Clinton"), Quote("Clinton", "Clinton")], lead="Changed."
    )
    rows = persons(db)
    assert list(rows) == ["Hillary Clinton"] and rows["Hillary Clinton"]["claim_count"] == 2


def test_assad_joins_bashar_al_assad(db):
    store_quoted_article(db, "a1", [Quote("Syrian President Bashar al-Assad", "Bashar al-Assad")])
    store_quoted_article(db, "a2", [Quote("Assad", "Assad"), Quote("al-Assad", "al-Assad")])
    assert list(persons(db)) == ["Bashar al-Assad"] and persons(db)["Bashar al-Assad"]["claim_count"] == 3


def test_anonymous_sources_stay_per_article(db):
    official = Quote("A senior official", None, speaker_type=ANONYMOUS)
    store_quoted_article(db, "a1", [official])
    store_quoted_article(db, "a2", [official])
    rows = list(db.query("SELECT key FROM speakers WHERE speaker_type = ? ORDER BY key", [ANONYMOUS]))
    assert [r["key"] for r in rows] == [
        "anonymous_person:a1:a senior official",
        "anonymous_person:a2:a senior official",
    ]


def test_anonymous_sources_view_counts_them_per_outlet(db_path):
    official = Quote("A senior official", None, speaker_type=ANONYMOUS, affiliation="the State Department")
    with store.open_db(db_path) as db:
        store_quoted_article(db, "a1", [official, Quote("Abbas Araghchi", "Abbas Araghchi")])
        store_quoted_article(db, "a2", [official], published="2025-07-03")
        expected = [{"publisher": "Example News", "affiliation": "the State Department",
                     "source_text": "A senior official", "claim_count": 2, "articles": 2,
                     "first_seen": "2025-07-01", "last_seen": "2025-07-03"}]
        assert list(db.query("SELECT * FROM anonymous_sources")) == expected
        # "officials, who said": the view words the source by the phrase the pronoun stands for.
        store_quoted_article(db, "a3", [Quote("who", None, speaker_type=ANONYMOUS, role="senior officials")],
                             publisher="Other Daily")
        assert [(r["publisher"], r["source_text"]) for r in db.query("SELECT * FROM anonymous_sources")][-1] == (
            "Other Daily", "senior officials")
        expected = list(db.query("SELECT * FROM anonymous_sources"))
    # A version-3 database had the view looking for a type no claim has; opening it mends the view.
    conn = sqlite3.connect(db_path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'anonymous_sources'").fetchone()[0]
    conn.executescript(
        "DROP VIEW anonymous_sources;"
        + sql.replace("'anonymous_person'", "'anonymous'") + ";"
        + "UPDATE meta SET value = '3' WHERE key = 'schema_version'; PRAGMA user_version = 3;"
    )
    assert conn.execute("SELECT count(*) FROM anonymous_sources").fetchone()[0] == 0
    conn.close()
    with store.open_db(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert list(db.query("SELECT * FROM anonymous_sources")) == expected


def test_organizations_merge_by_normalized_and_registry_name(db):
    store_quoted_article(db, "a1", [Quote("The Associated Press", "The Associated Press", speaker_type=ORGANIZATION)])
    store_quoted_article(db, "a2", [Quote("AP", "AP", speaker_type=ORGANIZATION)])
    store_quoted_article(db, "a3", [Quote("Reuters", "Reuters", speaker_type=ORGANIZATION)])
    rows = {r["key"]: r for r in db.query("SELECT * FROM speakers WHERE speaker_type = ?", [ORGANIZATION])}
    assert sorted(rows) == ["organization:associated press", "organization:reuters"]
    assert json.loads(rows["organization:associated press"]["aliases"]) == ["The Associated Press", "AP"]


# -- roles over time --------------------------------------------------------------------------------


def test_speaker_roles_and_history(db):
    deputy = Quote(
        "Deputy Foreign Minister Abbas Araghchi",
        "Abbas Araghchi",
        role="deputy foreign minister",
        affiliation="Iran",
        channel="IRNA",
        channel_kind="news_agency",
    )
    store_quoted_article(db, "a1", [deputy], published="2019-05-01")
    store_quoted_article(db, "a2", [ARAGHCHI_FULL], published="2025-01-10")
    store_quoted_article(db, "a3", [ARAGHCHI_FULL, ARAGHCHI_SHORT], published="2025-03-02", publisher="Other")
    roles = list(db.query("SELECT * FROM speaker_roles"))
    assert [(r["role"], r["first_seen"], r["last_seen"], r["claim_count"], r["articles"]) for r in roles] == [
        ("deputy foreign minister", "2019-05-01", "2019-05-01", 1, 1),
        ("foreign minister", "2025-01-10", "2025-03-02", 2, 2),
    ]
    assert {r["speaker"] for r in roles} == {"Abbas Araghchi"}
    sql = json.loads(publish.metadata_path().read_text(encoding="utf-8"))["databases"]["claims"]["queries"][
        "speaker_history"
    ]["sql"]
    history = list(db.query(sql, {"speaker": "Araghchi"}))
    assert [(h["published"], h["role"], h["channel"], h["claims"]) for h in history] == [
        ("2019-05-01", "deputy foreign minister", "IRNA", 1),
        ("2025-01-10", "foreign minister", None, 1),
        ("2025-03-02", "foreign minister", None, 1),
        ("2025-03-02", None, None, 1),
    ]
    by_id = list(db.query(sql, {"speaker": str(history[0]["speaker_id"])}))
    assert by_id == history


# -- manual decisions -------------------------------------------------------------------------------

ARAQCHI = Quote("Abbas Araqchi", "Abbas Araqchi")  # another transliteration: a different full name


def test_manual_merge_survives_reingest(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL])
    store_quoted_article(db, "a2", [ARAQCHI])
    rows = persons(db)
    assert sorted(rows) == ["Abbas Araghchi", "Abbas Araqchi"]  # rule (c)
    into, away = rows["Abbas Araghchi"]["id"], rows["Abbas Araqchi"]["id"]
    decision = speakers.merge_speakers(db, away, into, note="same minister, two spellings")
    assert list(persons(db)) == ["Abbas Araghchi"]
    assert "Abbas Araqchi" in json.loads(persons(db)["Abbas Araghchi"]["aliases"])
    row = db["speaker_merges"].get(decision)
    assert (row["kind"], row["from_key"], row["into_key"], row["alias"], row["note"]) == (
        "merge", "person:abbas araqchi", "person:abbas araghchi", None, "same minister, two spellings"
    )
    # the article is replaced (new text); its claim goes to the merged speaker again
    result = store_quoted_article(db, "a2", [ARAQCHI], lead="Talks resumed on Tuesday.")
    assert result.status == "replaced"
    assert list(persons(db)) == ["Abbas Araghchi"] and persons(db)["Abbas Araghchi"]["claim_count"] == 2
    # and so do new articles, and the surname of the merged-away spelling
    store_quoted_article(db, "a3", [ARAQCHI, Quote("Araqchi", "Araqchi")])
    assert list(persons(db)) == ["Abbas Araghchi"] and persons(db)["Abbas Araghchi"]["claim_count"] == 4
    assert_counts_consistent(db)


def test_split_survives_reingest(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL])
    store_quoted_article(db, "a2", [ARAGHCHI_SHORT])
    araghchi = persons(db)["Abbas Araghchi"]
    assert araghchi["claim_count"] == 2
    new_id = speakers.split_alias(db, araghchi["id"], "araghchi", note="a2 is about his brother")
    rows = persons(db)
    assert sorted(rows) == ["Abbas Araghchi", "Araghchi"]
    assert rows["Araghchi"]["id"] == new_id and rows["Araghchi"]["key"] == "person:abbas araghchi#split:araghchi"
    assert json.loads(rows["Abbas Araghchi"]["aliases"]) == ["Iranian Foreign Minister Abbas Araghchi"]
    assert speaker_of(db, "a2", 1)["id"] == new_id
    decision = next(db.query("SELECT * FROM speaker_merges"))
    assert (decision["kind"], decision["from_key"], decision["alias"]) == ("split", araghchi["key"], "Araghchi")
    # re-ingest with another text: the alias does not go back
    assert store_quoted_article(db, "a2", [ARAGHCHI_SHORT], lead="Talks stalled.").status == "replaced"
    assert speaker_of(db, "a2", 1)["id"] == new_id
    # nor in new articles; the full name still goes to the minister
    store_quoted_article(db, "a3", [ARAGHCHI_FULL, ARAGHCHI_SHORT])
    assert speaker_of(db, "a3", 1)["id"] == araghchi["id"] and speaker_of(db, "a3", 2)["id"] == new_id
    # re-ingesting the article the minister came from keeps both apart too
    store_quoted_article(db, "a1", [ARAGHCHI_FULL, ARAGHCHI_SHORT], lead="Changed.")
    assert speaker_of(db, "a1", 2)["id"] == new_id
    assert persons(db)["Abbas Araghchi"]["claim_count"] == 2 and persons(db)["Araghchi"]["claim_count"] == 3
    assert_counts_consistent(db)


def test_merging_a_split_row_back_undoes_the_split(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL, ARAGHCHI_SHORT])
    araghchi = persons(db)["Abbas Araghchi"]["id"]
    split = speakers.split_alias(db, araghchi, "Araghchi")
    speakers.merge_speakers(db, split, araghchi)
    assert [r["kind"] for r in db.query("SELECT kind FROM speaker_merges")] == ["merge"]
    store_quoted_article(db, "a1", [ARAGHCHI_FULL, ARAGHCHI_SHORT], lead="Changed.")
    assert list(persons(db)) == ["Abbas Araghchi"] and persons(db)["Abbas Araghchi"]["claim_count"] == 2


def test_a_merge_keeps_an_alias_split_from_its_target_apart(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL, ARAGHCHI_SHORT])
    araghchi = persons(db)["Abbas Araghchi"]["id"]
    split = speakers.split_alias(db, araghchi, "Araghchi")
    # another spelling, written "Araghchi" in its article: merged into the minister, that claim
    # still goes where the split sent "Araghchi"
    store_quoted_article(db, "a2", [Quote("Araghchi", "Abbas Araqchi"), ARAQCHI])
    araqchi = persons(db)["Abbas Araqchi"]["id"]
    speakers.merge_speakers(db, araqchi, araghchi)
    assert speaker_of(db, "a2", 1)["id"] == split and speaker_of(db, "a2", 2)["id"] == araghchi
    assert sorted(persons(db)) == ["Abbas Araghchi", "Araghchi"]
    assert_counts_consistent(db)


def test_manual_decisions_refuse_what_they_cannot_do(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL])
    araghchi = persons(db)["Abbas Araghchi"]["id"]
    with pytest.raises(ValueError, match="into itself"):
        speakers.merge_speakers(db, araghchi, araghchi)
    with pytest.raises(ValueError, match="no speaker with id 999"):
        speakers.merge_speakers(db, 999, araghchi)
    with pytest.raises(ValueError, match="no claim whose source text or name is 'Zarif'.*Iranian Foreign"):
        speakers.split_alias(db, araghchi, "Zarif")
    assert db["speaker_merges"].count == 0 and not db.conn.in_transaction


# -- schema version 1 -> 2 --------------------------------------------------------------------------


def downgrade_to_version_1(path: Path) -> None:
    """Turn a claims database into what claims with schema version 1 wrote: no new objects or
    columns, and speaker keys made by v1's rule (type and normalize_name of the name, no merging)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE speakers SET key = 'old:' || id")  # every row as v1 would have made it
    named = conn.execute(
        "SELECT c.id, c.speaker_type, c.speaker_name FROM claims c WHERE c.speaker_name IS NOT NULL ORDER BY c.id"
    ).fetchall()
    for claim_id, speaker_type, name in named:
        key = f"{speaker_type}:{normalize_name(name)}"
        conn.execute(
            "INSERT OR IGNORE INTO speakers (key, name, speaker_type) VALUES (?, ?, ?)", [key, name, speaker_type]
        )
        conn.execute(
            "UPDATE claims SET speaker_id = (SELECT id FROM speakers WHERE key = ?) WHERE id = ?", [key, claim_id]
        )
    conn.execute(
        "UPDATE speakers SET key = 'publication:' || lower(name) "
        "WHERE key LIKE 'old:%' AND speaker_type = 'publication'"
    )
    conn.execute("DELETE FROM speakers WHERE claim_count = 0")
    assert conn.execute("SELECT count(*) FROM speakers WHERE key LIKE 'old:%'").fetchone()[0] == 0
    conn.executescript(
        """
        DROP VIEW speaker_roles;
        DROP VIEW cluster_appearances;
        DROP VIEW anonymous_sources;
        DROP TABLE cluster_claims;
        DROP TABLE quote_clusters;
        DROP TABLE speaker_merges;
        DROP INDEX idx_speakers_surname;
        ALTER TABLE speakers DROP COLUMN ambiguous;
        ALTER TABLE speakers DROP COLUMN surname;
        ALTER TABLE claims DROP COLUMN speaker_name;
        ALTER TABLE articles DROP COLUMN notes;
        UPDATE meta SET value = '1' WHERE key = 'schema_version';
        PRAGMA user_version = 1;
        """
    )
    conn.commit()
    conn.close()


def schema_of(path: Path) -> dict:
    conn = sqlite3.connect(path)
    objects = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"):
        if kind == "table":
            objects[name] = [tuple(r) for r in conn.execute(f"PRAGMA table_xinfo([{name}])")]
        else:
            objects[name] = sql
    conn.close()
    return objects


def test_open_db_upgrades_a_version_1_database(db_path, tmp_path):
    with store.open_db(db_path) as db:
        store_quoted_article(db, "a1", [Quote("Mr. Abbas Araghchi", "Mr. Abbas Araghchi")])
        store_quoted_article(db, "a2", [ARAGHCHI_FULL])
        store_quoted_article(db, "a3", [ARAGHCHI_SHORT])
        store_quoted_article(db, "a4", [Quote("John Smith", "John Smith"), Quote("Jane Smith", "Jane Smith")])
        store_quoted_article(db, "a5", [Quote("Smith", "Smith")])
    downgrade_to_version_1(db_path)
    conn = sqlite3.connect(db_path)
    v1_persons = sorted(r[0] for r in conn.execute("SELECT key FROM speakers WHERE speaker_type = 'person'"))
    conn.close()
    assert v1_persons == [
        "person:abbas araghchi", "person:araghchi", "person:jane smith", "person:john smith",
        "person:mr. abbas araghchi", "person:smith",
    ]

    with store.open_db(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert db["meta"].get("schema_version")["value"] == str(store.SCHEMA_VERSION)
        rows = persons(db)
        assert sorted(rows) == ["Jane Smith", "John Smith", "Mr. Abbas Araghchi", "Smith"]
        assert rows["Mr. Abbas Araghchi"]["key"] == "person:abbas araghchi"
        assert rows["Mr. Abbas Araghchi"]["claim_count"] == 3
        assert rows["Smith"]["ambiguous"] == 1
        assert_counts_consistent(db)
        store_quoted_article(db, "a6", [ARAGHCHI_SHORT])  # and it works as a version-2 database
        assert persons(db)["Mr. Abbas Araghchi"]["claim_count"] == 4

    fresh = tmp_path / "fresh.db"
    store.open_db(fresh).close()
    assert schema_of(db_path) == schema_of(fresh)


def test_open_db_still_refuses_unknown_versions(db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 0")
    with pytest.raises(store.StoreError, match="not a claims database"):
        store.open_db(db_path)


def test_pronouns_are_not_aliases(db):
    store_quoted_article(db, "a1", [ARAGHCHI_FULL, Quote("He", "Abbas Araghchi"), Quote("who", "Abbas Araghchi")])
    (speaker,) = [s for s in db["speakers"].rows if s["speaker_type"] == "person"]
    aliases = json.loads(speaker["aliases"])
    assert not {"He", "who"} & set(aliases)
    assert speaker["claim_count"] == 3


def test_a_name_without_middle_names_joins_the_one_with_them(db):
    store_quoted_article(db, "a1", [Quote("Hillary Rodham Clinton", "Hillary Rodham Clinton")])
    store_quoted_article(db, "a2", [Quote("Hillary Clinton", "Hillary Clinton")])
    store_quoted_article(db, "a3", [Quote("Donald Trump", "Donald Trump")])
    store_quoted_article(db, "a4", [Quote("Donald J. Trump", "Donald J. Trump"), Quote("Donald Trump Jr.", "Donald Trump Jr.")])
    rows = persons(db)
    assert rows["Hillary Rodham Clinton"]["claim_count"] == 2 and "Hillary Clinton" not in rows
    assert rows["Donald Trump"]["claim_count"] == 2 and "Donald J. Trump" not in rows
    assert rows["Donald Trump Jr."]["claim_count"] == 1
    assert speakers.reconcile_speakers(db) == 0, "one variant each: the joins stand"
    assert_counts_consistent(db)


def test_two_middle_names_keep_a_bare_name_apart(db):
    store_quoted_article(db, "a1", [Quote("George H. W. Bush", "George H. W. Bush")])
    store_quoted_article(db, "a2", [Quote("George W. Bush", "George W. Bush")])
    store_quoted_article(db, "a3", [Quote("George Bush", "George Bush")])
    rows = persons(db)
    assert {"George H. W. Bush", "George W. Bush", "George Bush"} <= set(rows)
    assert all(rows[name]["claim_count"] == 1 for name in ("George H. W. Bush", "George W. Bush", "George Bush"))


def test_a_group_the_extractor_keeps_local_is_one_row_per_article(db):
    republicans = Quote("Republicans", "Republicans", speaker_type=UNKNOWN, local=True)
    store_quoted_article(db, "a1", [republicans, republicans])
    store_quoted_article(db, "a2", [republicans])
    rows = list(db.query("SELECT key, claim_count FROM speakers WHERE speaker_type = ? ORDER BY key", [UNKNOWN]))
    assert rows == [{"key": "unknown:a1:republicans", "claim_count": 2}, {"key": "unknown:a2:republicans", "claim_count": 1}]


def test_pronouns_with_curly_apostrophes_are_not_aliases(db):
    store_quoted_article(db, "a1", [Quote("Abbas Araghchi", "Abbas Araghchi"), Quote("He\u2019s", "Abbas Araghchi")])
    assert json.loads(persons(db)["Abbas Araghchi"]["aliases"]) == ["Abbas Araghchi"]


def test_manual_decisions_hold_against_the_prominent_namesake_and_reconcile(db):
    store_quoted_article(db, "a1", [Quote("Barack Obama", "Barack Obama")] * 12)
    store_quoted_article(db, "a2", [Quote("Michelle Obama", "Michelle Obama")])
    store_quoted_article(db, "a3", [Quote("Obama", "Obama")])
    barack = persons(db)["Barack Obama"]
    assert barack["claim_count"] == 13, "rule (f) sent the bare surname to him"
    split_id = speakers.split_alias(db, barack["id"], "Obama", note="a3 means Michelle")
    # Neither a new article nor the end-of-ingest reconcile sends the split alias back.
    store_quoted_article(db, "a4", [Quote("Obama", "Obama")])
    speakers.reconcile_speakers(db)
    rows = persons(db)
    assert rows["Barack Obama"]["claim_count"] == 12 and rows["Obama"]["id"] == split_id
    assert rows["Obama"]["claim_count"] == 2
    # A manual merge into Michelle holds too; with 12 of 15 claims Barack is no longer prominent
    # enough, so a new bare "Obama" stays a row of its own, flagged ambiguous.
    speakers.merge_speakers(db, split_id, rows["Michelle Obama"]["id"])
    store_quoted_article(db, "a5", [Quote("Obama", "Obama")])
    speakers.reconcile_speakers(db)
    rows = persons(db)
    assert sorted(rows) == ["Barack Obama", "Michelle Obama", "Obama"]
    assert rows["Michelle Obama"]["claim_count"] == 3 and rows["Barack Obama"]["claim_count"] == 12
    assert rows["Obama"]["key"] == "person:obama" and rows["Obama"]["ambiguous"] == 1
    assert_counts_consistent(db)


def test_a_bare_name_leaves_its_middle_name_variant_when_a_second_one_arrives(db):
    # Order matters to rule (e) as names arrive; reconcile makes the outcome the same either way.
    store_quoted_article(db, "a1", [Quote("George W. Bush", "George W. Bush")])
    store_quoted_article(db, "a2", [Quote("George Bush", "George Bush")])
    assert persons(db)["George W. Bush"]["claim_count"] == 2, "the only variant so far"
    store_quoted_article(db, "a3", [Quote("George H. W. Bush", "George H. W. Bush")])
    assert speakers.reconcile_speakers(db) == 1
    rows = persons(db)
    assert sorted(rows) == ["George Bush", "George H. W. Bush", "George W. Bush"]
    assert all(row["claim_count"] == 1 for row in rows.values())
    assert speaker_of(db, "a2", 1)["name"] == "George Bush"
    assert speakers.reconcile_speakers(db) == 0, "nothing left to move"
    assert_counts_consistent(db)


def _speaker_state(db) -> tuple[dict, dict]:
    """What a path must not change: each claim's speaker, and the speakers' names and counts."""
    claims = {
        (r[0], r[1], r[2]): r[3]
        for r in db.execute(
            """SELECT a.key, c.text, c.speaker_name, s.name FROM claims c
               JOIN articles a ON a.id = c.article_id JOIN speakers s ON s.id = c.speaker_id"""
        )
    }
    rows = {r[0]: (r[1], r[2], r[3]) for r in db.execute("SELECT key, name, claim_count, ambiguous FROM speakers")}
    return claims, rows


def test_a_replaced_database_is_the_same_as_a_fresh_one(tmp_path):
    # A bare "Clinton" joins Hillary, the only Clinton when it arrives (rule b); Bill comes later and
    # Hillary's 10 claims of 12 no longer make her prominent (rule f). Fresh, the join was made before
    # Bill came; re-storing everything decides it again with Bill there. Both must end the same.
    from conftest import EXTRACTOR_VERSION, MODEL_VERSION, make_quoted_article

    from claims.pipeline import run_end_of_run_stages

    articles = [
        ("a1", [Quote("Hillary Clinton", "Hillary Clinton")] * 10),
        ("a2", [Quote("Clinton", "Clinton")]),
        ("a3", [Quote("Bill Clinton", "Bill Clinton")] * 2),
    ]

    def ingest(database, version):
        for key, quotes in articles:
            article, parsed, claims = make_quoted_article(key, quotes)
            store.store_article(database, article, parsed, claims, version, MODEL_VERSION)
        run_end_of_run_stages(database)

    with store.open_db(tmp_path / "fresh.db") as fresh, store.open_db(tmp_path / "replaced.db") as replaced:
        ingest(fresh, EXTRACTOR_VERSION)
        ingest(replaced, "older-extractor")
        ingest(replaced, EXTRACTOR_VERSION)  # every article replaced, in the same order
        assert _speaker_state(replaced) == _speaker_state(fresh)
        assert persons(fresh)["Clinton"]["ambiguous"] == 1, "10 of 12 claims: not prominent"
        assert_counts_consistent(fresh)
        assert_counts_consistent(replaced)
