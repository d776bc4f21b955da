-- Member search by any word of the name, by prefix, accent- and case-blind
-- ("Müller", "muller", "Koch D"): an FTS5 index over members.name.
--
-- External content: the index holds only the words and the members' rowids; the
-- names stay in members. The triggers keep it in step with every insert, rename
-- and delete, whichever path wrote the row (enrolment, pull). A later migration
-- that rebuilds the members table (new rowids) must rebuild this index too:
-- INSERT INTO members_name_fts (members_name_fts) VALUES ('rebuild').
--
-- unicode61 with remove_diacritics 2 folds case and accents (ü → u, é → e) and
-- splits at spaces, hyphens and apostrophes ("Koch-Müller" → koch, muller).
-- prefix '2 3' keeps prefix indexes of 2 and 3 letters: a short prefix is one
-- read, not a merge of every word it starts.
CREATE VIRTUAL TABLE members_name_fts USING fts5(
  name,
  content = 'members',
  content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

INSERT INTO members_name_fts (members_name_fts) VALUES ('rebuild');

CREATE TRIGGER members_name_fts_insert AFTER INSERT ON members BEGIN
  INSERT INTO members_name_fts (rowid, name) VALUES (new.rowid, new.name);
END;

CREATE TRIGGER members_name_fts_delete AFTER DELETE ON members BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;

CREATE TRIGGER members_name_fts_rename AFTER UPDATE OF name ON members WHEN new.name IS NOT old.name BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
  INSERT INTO members_name_fts (rowid, name) VALUES (new.rowid, new.name);
END;
