"""Quote provenance across articles: clusters, first appearance, who cited whom."""

from __future__ import annotations

from conftest import Quote, store_quoted_article

from claims.store.provenance import rebuild_clusters
from claims.types import ANONYMOUS, ORGANIZATION, PERSON

PLEDGE = "Moscow would keep its air campaign going until every rebel stronghold near Idlib had fallen"


def araghchi(content: str, channel: str | None = None, kind: str | None = None) -> Quote:
    return Quote("Abbas Araghchi", "Abbas Araghchi", PERSON, channel=channel, channel_kind=kind, content=content)


def appearances(db):
    return list(db.query("SELECT * FROM cluster_appearances ORDER BY cluster_id, position"))


def test_same_quote_in_three_articles_is_one_cluster_in_date_order(db):
    # Stored out of date order: the cluster still starts with the earliest article.
    store_quoted_article(db, "late", [araghchi(PLEDGE)], published="2025-07-05", publisher="Daily Two")
    store_quoted_article(db, "early", [araghchi(PLEDGE, "Reuters", "news_agency")], published="2025-07-01",
                         publisher="Daily One")
    store_quoted_article(db, "middle", [araghchi(PLEDGE + " soon")], published="2025-07-03", publisher="Daily Three")
    stats = rebuild_clusters(db)
    assert stats["clusters"] == 1
    (cluster,) = db["quote_clusters"].rows
    assert (cluster["claim_count"], cluster["article_count"]) == (3, 3)
    assert (cluster["first_seen"], cluster["last_seen"]) == ("2025-07-01", "2025-07-05")
    rows = appearances(db)
    assert [r["published"] for r in rows] == ["2025-07-01", "2025-07-03", "2025-07-05"]
    assert rows[0]["claim_id"] == cluster["first_claim_id"]
    assert rows[0]["channel"] == "Reuters" and rows[0]["cites_claim_id"] is None
    assert all(r["cites_claim_id"] == rows[0]["claim_id"] for r in rows[1:])


def test_according_to_a_channel_cites_the_appearance_through_that_channel(db):
    store_quoted_article(db, "a1", [araghchi(PLEDGE)], published="2025-07-01")
    store_quoted_article(db, "a2", [araghchi(PLEDGE, "Reuters", "news_agency")], published="2025-07-02")
    reuters = Quote("Reuters", "Reuters", ORGANIZATION, channel="Reuters", channel_kind="news_agency", content=PLEDGE)
    store_quoted_article(db, "a3", [reuters], published="2025-07-03")
    rebuild_clusters(db)
    first, told_reuters, according = appearances(db)
    assert (told_reuters["cites_claim_id"], told_reuters["cites_via"]) == (first["claim_id"], "speaker")
    assert (according["cites_claim_id"], according["cites_via"]) == (told_reuters["claim_id"], "channel")


def test_a_fragment_of_a_longer_quote_joins_its_cluster(db):
    fragment = "every rebel stronghold near Idlib had fallen to the army"
    full = f"the government had promised that {fragment} before the winter began"
    store_quoted_article(db, "full", [araghchi(full)], published="2025-07-01")
    store_quoted_article(db, "part", [araghchi(fragment)], published="2025-07-02")
    rebuild_clusters(db)
    keys = {row["id"]: row["key"] for row in db.query("SELECT id, key FROM articles")}
    assert [keys[r["article_id"]] for r in appearances(db)] == ["full", "part"]
    assert appearances(db)[1]["similarity"] >= 92


def test_different_claims_sharing_words_stay_apart(db):
    store_quoted_article(db, "a1", [araghchi("the talks in Geneva had collapsed after the delegation walked out")])
    store_quoted_article(db, "a2", [araghchi("the talks in Geneva would resume once the delegation returned home")])
    store_quoted_article(db, "a3", [araghchi("no")])  # too short to cluster at all
    stats = rebuild_clusters(db)
    assert stats["clusters"] == 0
    assert db["cluster_claims"].count == 0


def test_repeats_within_one_article_are_not_a_cluster(db):
    store_quoted_article(db, "a1", [araghchi(PLEDGE), Quote("A senior official", None, ANONYMOUS, content=PLEDGE)])
    assert rebuild_clusters(db)["clusters"] == 0


def test_rebuild_follows_replaced_and_removed_articles(db):
    store_quoted_article(db, "a1", [araghchi(PLEDGE)], published="2025-07-01")
    store_quoted_article(db, "a2", [araghchi(PLEDGE)], published="2025-07-02")
    rebuild_clusters(db)
    assert db["quote_clusters"].count == 1
    # The first appearance's article is replaced with other content: its claims go, the cluster with them.
    store_quoted_article(db, "a1", [araghchi("the ceasefire held through the night in all of the northern towns")],
                         lead="Talks resumed on Tuesday.", published="2025-07-01")
    assert db["quote_clusters"].count == 0 and db["cluster_claims"].count == 0
    store_quoted_article(db, "a3", [araghchi(PLEDGE)], published="2025-07-03")
    rebuild_clusters(db)
    (cluster,) = db["quote_clusters"].rows
    assert (cluster["first_seen"], cluster["article_count"]) == ("2025-07-02", 2)


def test_jsonld_claim_names_its_author_and_first_appearance(db, db_path, tmp_path):
    import json

    from claims.export import export

    minister = Quote("Abbas Araghchi", "Abbas Araghchi", PERSON, role="Foreign Minister", affiliation="Iran",
                     content=PLEDGE)
    store_quoted_article(db, "first", [minister], published="2025-07-01", publisher="Daily One")
    store_quoted_article(db, "second", [minister], published="2025-07-04", publisher="Daily Two")
    rebuild_clusters(db)
    later = db.execute("SELECT claim_id FROM cluster_claims WHERE position = 2").fetchone()[0]
    out = tmp_path / "claim.jsonld"
    assert export(db_path, "jsonld", f"SELECT id FROM claims WHERE id = {later}", out) == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == "https://schema.org"
    (claim,) = document["@graph"]
    assert claim["@type"] == "Claim" and PLEDGE in claim["text"]
    assert claim["author"] == {"@type": "Person", "name": "Abbas Araghchi", "jobTitle": "Foreign Minister",
                               "affiliation": {"@type": "Organization", "name": "Iran"}}
    assert claim["appearance"]["publisher"]["name"] == "Daily Two"
    assert claim["firstAppearance"]["publisher"]["name"] == "Daily One"
    assert claim["firstAppearance"]["datePublished"] == "2025-07-01"
    assert claim["datePublished"] == "2025-07-04"
    assert claim["@id"].endswith(f"#claim-{later}")


def test_a_shared_fragment_does_not_chain_two_different_statements(db):
    fragment = "every rebel stronghold near Idlib had fallen to the army"
    store_quoted_article(db, "one", [araghchi(f"{fragment} before the winter began and the roads were closed")])
    store_quoted_article(db, "two", [araghchi(f"officials in the capital had told parliament twice that {fragment}")])
    store_quoted_article(db, "three", [araghchi(fragment)])
    rebuild_clusters(db)
    (cluster,) = db["quote_clusters"].rows  # the fragment joins one of them; the two statements stay apart
    assert cluster["article_count"] == 2


def test_load_gives_joined_frames_for_analysis(db, db_path):
    import claims

    store_quoted_article(db, "a1", [araghchi(PLEDGE)], published="2025-07-01", publisher="Daily One")
    store_quoted_article(db, "a2", [araghchi(PLEDGE), Quote("A senior official", None, ANONYMOUS)],
                         published="2025-07-02", publisher="Daily Two")
    rebuild_clusters(db)
    frames = claims.load(str(db_path))
    assert set(frames) == {"claims", "speakers", "channels", "quote_clusters"}
    per_type = frames["claims"].pivot_table(index="publisher", columns="speaker_type", values="id",
                                            aggfunc="count", fill_value=0)
    assert per_type.loc["Daily Two", "anonymous_person"] == 1
    assert per_type.loc["Daily One", "person"] == 1
    trail = frames["quote_clusters"]
    assert list(trail["position"]) == [1, 2] and list(trail["publisher"]) == ["Daily One", "Daily Two"]


def test_no_comment_formulas_are_not_quotes(db):
    store_quoted_article(db, "a1", [araghchi("not respond to a request for comment on Monday evening")])
    store_quoted_article(db, "a2", [araghchi("not respond to a request for comment on Monday evening")])
    assert rebuild_clusters(db)["clusters"] == 0
