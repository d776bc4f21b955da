-- Least data on every till (docs/privacy.md). Every member of the chain is held with
-- what identifying and pricing need; name, phone, e-mail, full birth date and consent
-- only for the members in this till's store scope. A member without them has
-- name = '' (and name_key = '', phone, email and birth_date NULL).

-- Month and day of birth for the birthday bonus, held for every member (never the year).
ALTER TABLE members ADD COLUMN birthday TEXT CHECK (birthday IS NULL OR birthday GLOB '[0-1][0-9]-[0-3][0-9]');
UPDATE members SET birthday = substr(birth_date, 6, 5) WHERE birth_date IS NOT NULL;

-- No query reads it (names are searched through members_name_fts); at millions of members it was a tenth of the file.
DROP INDEX members_name_key;

-- Only held names are indexed: a member without personal data costs the name index nothing.
DROP TRIGGER members_name_fts_insert;
DROP TRIGGER members_name_fts_delete;
DROP TRIGGER members_name_fts_rename;
CREATE TRIGGER members_name_fts_insert AFTER INSERT ON members WHEN new.name <> '' BEGIN
  INSERT INTO members_name_fts (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER members_name_fts_delete AFTER DELETE ON members WHEN old.name <> '' BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER members_name_fts_rename AFTER UPDATE OF name ON members WHEN new.name IS NOT old.name BEGIN
  INSERT INTO members_name_fts (members_name_fts, rowid, name) SELECT 'delete', old.rowid, old.name WHERE old.name <> '';
  INSERT INTO members_name_fts (rowid, name) SELECT new.rowid, new.name WHERE new.name <> '';
END;
