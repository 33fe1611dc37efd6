-- The claims database: articles, their sentences, and the claims attributed in them.
--
-- This file is the only definition of the schema: claims.store.open_db() applies it to a new
-- database file, and the tests build their databases from it. Offsets are character offsets
-- (Unicode code points, as in Python and SQLite's substr()) into articles.text, half-open [start, end).
-- Bump PRAGMA user_version (and claims.store.SCHEMA_VERSION) on any change, and teach
-- claims.store.open_db() to upgrade the previous version: new columns go at the end of their
-- table (as ALTER TABLE ADD COLUMN puts them), new tables and indexes are copied from here, and
-- every view is dropped and made again from here (views hold no data).
--
-- Version 2: speakers.surname, speakers.ambiguous, claims.speaker_name, the speaker_merges table
-- and the speaker_roles view (one speaker across articles; see claims.store.speakers).
-- Version 3: quote provenance (quote_clusters, cluster_claims, the cluster_appearances view; see
-- claims.store.provenance) and the anonymous_sources view.
-- Version 4: the anonymous_sources view selects speaker_type 'anonymous_person' (version 3 looked
-- for 'anonymous', which no claim has, so the view was always empty), and words a source that is
-- a relative pronoun ("who") by the phrase it stands for.
-- Version 5: articles.notes (what the reader or the parser had to do to the input); an article's
-- key is its given id, else its URL, else its text's hash (never the path it was read from); the
-- meta row 'end_of_run_owed' says the speaker reconcile and the quote clusters must run again.
-- Version 6: the claims_readable view (the claims a person reads: few columns, codes in words).
-- Version 7: indexes on speakers (name) and channels (name), which the pages filter by.
-- Version 8: the speaker_role_summary and anonymous_source_summary tables, the rows of the
-- speaker_roles and anonymous_sources views kept by the end of every ingest run
-- (claims.store.optimize_db), which the published pages list: each view aggregates every claim
-- (a second on a million claims), the tables answer in milliseconds; the claims indexes on speaker_id,
-- channel_id and speaker_type also hold the reading order (an index whose definition changed is
-- made again on upgrade), and idx_claims_speaker_history what speaker_history counts;
-- cluster_appearances gains channel_id (its channel links to its page).

BEGIN;

PRAGMA user_version = 8;

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES
    ('schema_version', '8'),
    ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- Article.key: given id, else URL, else sha256: of the text
    -- source: where it was read from when last stored (path, path:line, <stdin>): provenance, not identity
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    external_id TEXT,
    title TEXT,
    url TEXT,
    published TEXT,                      -- ISO date when known
    publisher TEXT,
    author TEXT,
    site_name TEXT,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    comment_count INTEGER,
    text TEXT NOT NULL,
    body_start INTEGER NOT NULL,
    body_end INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    decoding TEXT NOT NULL,
    model_version TEXT,
    extractor_version TEXT,
    ingested_at TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notes)),  -- JSON list: inputs cut, characters removed
    CHECK (0 <= body_start AND body_start <= body_end)
);
CREATE INDEX idx_articles_publisher ON articles (publisher);
CREATE INDEX idx_articles_published ON articles (published);

CREATE TABLE sentences (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence_index INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,                  -- articles.text[start:end]
    UNIQUE (article_id, sentence_index),
    CHECK (0 <= start AND start <= "end")
);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- see claims.store.speaker_keys and claims.store.speakers
    name TEXT NOT NULL,
    speaker_type TEXT NOT NULL,          -- claims.types speaker types, checked by claims.store
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    claim_count INTEGER NOT NULL DEFAULT 0,  -- kept by the claims_count_* triggers
    surname TEXT,                        -- persons: surname as compared by claims.store.speakers rule (b)
    ambiguous INTEGER NOT NULL DEFAULT 0 CHECK (ambiguous IN (0, 1))  -- surname-only, several matches
);
CREATE INDEX idx_speakers_speaker_type ON speakers (speaker_type);
CREATE INDEX idx_speakers_claim_count ON speakers (claim_count);
CREATE INDEX idx_speakers_surname ON speakers (surname);
-- Pages filter by name (claims_readable?speaker=...): 191 ms -> 7 ms on a million claims.
CREATE INDEX idx_speakers_name ON speakers (name);

-- Manual decisions about speakers, by stable keys, applied again whenever an article is stored.
CREATE TABLE speaker_merges (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    from_key TEXT NOT NULL,              -- merge: the key merged away; split: the key split from
    into_key TEXT NOT NULL,              -- merge: the key merged into; split: the new speaker's key
    alias TEXT,                          -- split: the source text or name that was split off
    note TEXT,
    decided_at TEXT NOT NULL,
    CHECK ((kind = 'split') = (alias IS NOT NULL))
);
CREATE INDEX idx_speaker_merges_from_key ON speaker_merges (from_key);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- normalized name
    name TEXT NOT NULL,
    kind TEXT,
    claim_count INTEGER NOT NULL DEFAULT 0  -- kept by the claims_count_* triggers
);
CREATE INDEX idx_channels_kind ON channels (kind);
CREATE INDEX idx_channels_name ON channels (name);

CREATE TABLE claims (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence_id INTEGER NOT NULL REFERENCES sentences (id) ON DELETE CASCADE,
    sentence_index INTEGER NOT NULL,
    attribution_index INTEGER,
    claim_type TEXT NOT NULL,            -- claims.types claim types, checked by claims.store
    text TEXT NOT NULL,                  -- articles.text[content_start:content_end]
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    content_spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(content_spans)),
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    cue_spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cue_spans)),
    cue_class TEXT,
    cue_lemma TEXT,
    source_text TEXT,
    source_start INTEGER,
    source_end INTEGER,
    source_spans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(source_spans)),
    speaker_id INTEGER NOT NULL REFERENCES speakers (id),
    speaker_type TEXT NOT NULL,
    role TEXT,
    affiliation TEXT,
    channel_id INTEGER REFERENCES channels (id),
    channel_kind TEXT,
    location TEXT,
    time TEXT,
    hedged INTEGER NOT NULL DEFAULT 0 CHECK (hedged IN (0, 1)),
    confidence REAL CHECK (confidence IS NULL OR (0 <= confidence AND confidence <= 1)),
    extractor_version TEXT,
    model_version TEXT,
    speaker_name TEXT,                   -- the speaker's name as the extractor gave it (collapsed spaces)
    CHECK (0 <= content_start AND content_start <= content_end)
);
-- Reading order within an article; also the index for the article_id foreign key.
CREATE INDEX idx_claims_reading_order ON claims (article_id, sentence_index, content_start);
CREATE INDEX idx_claims_sentence_id ON claims (sentence_id);
-- A speaker's, a channel's or a speaker type's claims in reading order, from the index alone: the
-- canned queries page through them (100 ids sorted from the index, then joined), 0.3 s -> 3 ms for
-- a speaker of 35,000 claims on a million (version 8; before, these were on the first column only).
CREATE INDEX idx_claims_speaker_id ON claims (speaker_id, article_id, sentence_index, content_start);
CREATE INDEX idx_claims_channel_id ON claims (channel_id, article_id, sentence_index, content_start);
CREATE INDEX idx_claims_speaker_type ON claims (speaker_type, article_id, sentence_index, content_start);
-- What speaker_history counts, per speaker and article, from the index alone (version 8): 0.22 -> 0.05 s
-- CPU for the 275 speakers matching "Trump" (79,000 claims) on a million claims.
CREATE INDEX idx_claims_speaker_history ON claims (speaker_id, article_id, role, affiliation, channel_id, channel_kind);
CREATE INDEX idx_claims_claim_type ON claims (claim_type);

CREATE TABLE ingest_errors (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    line INTEGER,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX idx_ingest_errors_kind ON ingest_errors (kind);

-- Cached NLP output (a ParsedArticle as JSON), so extraction can rerun without re-parsing.
CREATE TABLE annotations (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    saved_at TEXT NOT NULL
);

-- Speaker and channel claim counts, kept correct for every write path (cascading deletes too).
CREATE TRIGGER claims_count_ai AFTER INSERT ON claims BEGIN
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = new.speaker_id;
    UPDATE channels SET claim_count = claim_count + 1 WHERE id = new.channel_id;
END;
CREATE TRIGGER claims_count_ad AFTER DELETE ON claims BEGIN
    UPDATE speakers SET claim_count = claim_count - 1 WHERE id = old.speaker_id;
    UPDATE channels SET claim_count = claim_count - 1 WHERE id = old.channel_id;
END;
CREATE TRIGGER claims_count_au AFTER UPDATE OF speaker_id, channel_id ON claims BEGIN
    UPDATE speakers SET claim_count = claim_count - 1 WHERE id = old.speaker_id;
    UPDATE channels SET claim_count = claim_count - 1 WHERE id = old.channel_id;
    UPDATE speakers SET claim_count = claim_count + 1 WHERE id = new.speaker_id;
    UPDATE channels SET claim_count = claim_count + 1 WHERE id = new.channel_id;
END;

-- Quote provenance (claims.store.provenance, recomputed after every ingest): one row per quote or claim
-- that appears, the same or nearly so, in two or more articles.
CREATE TABLE quote_clusters (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,                  -- the first appearance's claim text
    first_claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    first_article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    first_seen TEXT,                     -- publication date of the first appearance, when known
    last_seen TEXT,
    first_speaker_id INTEGER REFERENCES speakers (id) ON DELETE SET NULL,
    first_channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,
    claim_count INTEGER NOT NULL,
    article_count INTEGER NOT NULL
);
CREATE INDEX idx_quote_clusters_article_count ON quote_clusters (article_count);
CREATE INDEX idx_quote_clusters_first_claim_id ON quote_clusters (first_claim_id);
CREATE INDEX idx_quote_clusters_first_article_id ON quote_clusters (first_article_id);
CREATE INDEX idx_quote_clusters_first_speaker_id ON quote_clusters (first_speaker_id);
CREATE INDEX idx_quote_clusters_first_channel_id ON quote_clusters (first_channel_id);

-- Each appearance of a clustered claim, in order, with the earlier appearance it most likely came from.
CREATE TABLE cluster_claims (
    claim_id INTEGER PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL REFERENCES quote_clusters (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,           -- 1 = first appearance (article date, then storage order)
    similarity REAL NOT NULL,            -- best rapidfuzz match score (0..100) with another appearance
    cites_claim_id INTEGER REFERENCES claims (id) ON DELETE SET NULL,
    cites_via TEXT                       -- channel, speaker or first appearance (claims.store.provenance.cites)
);
CREATE INDEX idx_cluster_claims_cluster ON cluster_claims (cluster_id, position);
CREATE INDEX idx_cluster_claims_cites_claim_id ON cluster_claims (cites_claim_id);

-- Full-text search: external-content FTS5 tables, declared the way sqlite-utils' enable_fts()
-- does (content=[table], triggers <table>_ai/_ad/_au) so sqlite-utils and Datasette detect them.
CREATE VIRTUAL TABLE claims_fts USING fts5 (
    text, source_text,
    content=[claims], content_rowid=[id]
);
CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, text, source_text) VALUES (new.id, new.text, new.source_text);
END;
CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, source_text)
        VALUES ('delete', old.id, old.text, old.source_text);
END;
CREATE TRIGGER claims_au AFTER UPDATE OF text, source_text ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, text, source_text)
        VALUES ('delete', old.id, old.text, old.source_text);
    INSERT INTO claims_fts (rowid, text, source_text) VALUES (new.id, new.text, new.source_text);
END;

CREATE VIRTUAL TABLE speakers_fts USING fts5 (
    name, aliases,
    content=[speakers], content_rowid=[id]
);
CREATE TRIGGER speakers_ai AFTER INSERT ON speakers BEGIN
    INSERT INTO speakers_fts (rowid, name, aliases) VALUES (new.id, new.name, new.aliases);
END;
CREATE TRIGGER speakers_ad AFTER DELETE ON speakers BEGIN
    INSERT INTO speakers_fts (speakers_fts, rowid, name, aliases)
        VALUES ('delete', old.id, old.name, old.aliases);
END;
-- Only name and aliases: claim_count changes on every claim and must not churn the index.
CREATE TRIGGER speakers_au AFTER UPDATE OF name, aliases ON speakers BEGIN
    INSERT INTO speakers_fts (speakers_fts, rowid, name, aliases)
        VALUES ('delete', old.id, old.name, old.aliases);
    INSERT INTO speakers_fts (rowid, name, aliases) VALUES (new.id, new.name, new.aliases);
END;

-- One row per claim with names instead of ids, in reading order. Its column order is the
-- documented export order (claims.export.COLUMNS).
CREATE VIEW claims_view AS
SELECT
    c.id AS id,
    sp.name AS speaker,
    c.speaker_type AS speaker_type,
    c.claim_type AS claim_type,
    c.text AS claim,
    c.cue AS cue,
    ch.name AS channel,
    c.role AS role,
    c.affiliation AS affiliation,
    c.channel_kind AS channel_kind,
    c.source_text AS source_text,
    c.cue_class AS cue_class,
    c.hedged AS hedged,
    c.confidence AS confidence,
    c.location AS location,
    c.time AS time,
    a.published AS published,
    a.publisher AS publisher,
    a.title AS article_title,
    a.url AS url,
    s.text AS sentence,
    c.sentence_index AS sentence_index,
    c.attribution_index AS attribution_index,
    c.content_start AS content_start,
    c.content_end AS content_end,
    c.article_id AS article_id,
    c.speaker_id AS speaker_id,
    c.channel_id AS channel_id,
    c.sentence_id AS sentence_id,
    a.key AS article_key
FROM claims AS c
JOIN articles AS a ON a.id = c.article_id
JOIN sentences AS s ON s.id = c.sentence_id
JOIN speakers AS sp ON sp.id = c.speaker_id
LEFT JOIN channels AS ch ON ch.id = c.channel_id
ORDER BY c.article_id, c.sentence_index, c.content_start, c.id;

-- The claims as a fact-checker reads them, in reading order: the claim, who said it and how, when and
-- where, and the ids the published pages link to. Codes are in words, the same words as the reading
-- pages' (claims.reading.SPEAKER_TYPES and CLAIM_TYPES; a test checks); a code without a word has its
-- underscores made spaces. claims_view keeps every column for SQL, export and claims.load().
CREATE VIEW claims_readable AS
SELECT
    c.text AS claim,
    sp.name AS speaker,
    CASE c.speaker_type
        WHEN 'person' THEN 'person'
        WHEN 'organization' THEN 'organization'
        WHEN 'country' THEN 'country or government'
        WHEN 'anonymous_person' THEN 'anonymous person'
        WHEN 'unnamed_reports' THEN 'unnamed reports'
        WHEN 'publication' THEN 'the publication itself'
        WHEN 'unknown' THEN 'unknown'
        ELSE replace(c.speaker_type, '_', ' ')
    END AS speaker_type,
    c.role AS role,
    ch.name AS channel,
    c.cue AS cue,
    CASE c.claim_type
        WHEN 'direct' THEN 'direct quotation'
        WHEN 'indirect' THEN 'reported speech'
        WHEN 'mixed' THEN 'reported speech with a quoted part'
        WHEN 'narrator' THEN 'the article''s own voice'
        ELSE replace(c.claim_type, '_', ' ')
    END AS type,
    CASE WHEN c.hedged THEN 'yes' ELSE 'no' END AS hedged,
    a.published AS date,
    coalesce(a.publisher, a.site_name) AS outlet,
    c.id AS claim_id,
    c.speaker_id AS speaker_id,
    c.article_id AS article_id
FROM claims AS c
JOIN articles AS a ON a.id = c.article_id
JOIN speakers AS sp ON sp.id = c.speaker_id
LEFT JOIN channels AS ch ON ch.id = c.channel_id
ORDER BY c.article_id, c.sentence_index, c.content_start, c.id;

-- The roles and affiliations each speaker was given, with when (article dates) and how often.
CREATE VIEW speaker_roles AS
SELECT
    c.speaker_id AS speaker_id,
    sp.name AS speaker,
    c.role AS role,
    c.affiliation AS affiliation,
    min(a.published) AS first_seen,
    max(a.published) AS last_seen,
    count(*) AS claim_count,
    count(DISTINCT c.article_id) AS articles
FROM claims AS c
JOIN articles AS a ON a.id = c.article_id
JOIN speakers AS sp ON sp.id = c.speaker_id
WHERE c.role IS NOT NULL OR c.affiliation IS NOT NULL
GROUP BY c.speaker_id, c.role, c.affiliation
ORDER BY sp.name, c.speaker_id, first_seen, c.role, c.affiliation;

-- Every appearance of every quote cluster, in order: when, where, who, through what, citing whom.
CREATE VIEW cluster_appearances AS
SELECT
    cc.cluster_id AS cluster_id,
    cc.position AS position,
    a.published AS published,
    a.publisher AS publisher,
    a.title AS article_title,
    sp.name AS speaker,
    ch.name AS channel,
    c.text AS claim,
    cc.similarity AS similarity,
    cc.cites_claim_id AS cites_claim_id,
    cc.cites_via AS cites_via,
    cc.claim_id AS claim_id,
    c.article_id AS article_id,
    c.speaker_id AS speaker_id,
    c.channel_id AS channel_id
FROM cluster_claims AS cc
JOIN claims AS c ON c.id = cc.claim_id
JOIN articles AS a ON a.id = c.article_id
JOIN speakers AS sp ON sp.id = c.speaker_id
LEFT JOIN channels AS ch ON ch.id = c.channel_id
ORDER BY cc.cluster_id, cc.position;

-- Anonymous sources per outlet: how often each publisher leans on unnamed officials and sources.
CREATE VIEW anonymous_sources AS
SELECT
    coalesce(a.publisher, a.site_name, '(unknown publisher)') AS publisher,
    coalesce(c.affiliation, '') AS affiliation,
    -- "officials, who said": the wording is the phrase the relative pronoun stands for (its role).
    CASE WHEN lower(c.source_text) IN ('who', 'which', 'that') AND c.role IS NOT NULL
         THEN c.role ELSE c.source_text END AS source_text,
    count(*) AS claim_count,
    count(DISTINCT c.article_id) AS articles,
    min(a.published) AS first_seen,
    max(a.published) AS last_seen
FROM claims AS c
JOIN articles AS a ON a.id = c.article_id
WHERE c.speaker_type = 'anonymous_person'
GROUP BY 1, 2, 3
ORDER BY claim_count DESC, publisher, source_text;

-- The rows of speaker_roles and anonymous_sources as of the last completed ingest run, in the views'
-- order (rowid), refreshed by claims.store.optimize_db at the end of every run. The views are live
-- and exact; these are what the published pages list, fast at any size.
CREATE TABLE speaker_role_summary (
    speaker_id INTEGER,
    speaker TEXT,
    role TEXT,
    affiliation TEXT,
    first_seen TEXT,
    last_seen TEXT,
    claim_count INTEGER,
    articles INTEGER
);
CREATE INDEX idx_speaker_role_summary_speaker_id ON speaker_role_summary (speaker_id);

CREATE TABLE anonymous_source_summary (
    publisher TEXT,
    affiliation TEXT,
    source_text TEXT,
    claim_count INTEGER,
    articles INTEGER,
    first_seen TEXT,
    last_seen TEXT
);

COMMIT;
