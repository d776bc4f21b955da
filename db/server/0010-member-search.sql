-- The online member search (GET /v1/members/search): a till holds personal data only for its
-- store's members, so a member of another store is found on the server, by phone or by name.

-- The words of a name as the search compares them: accents stripped (NFKD, combining marks
-- removed), lower-case, split at anything not a letter or digit. "Élodie Müller-Schön" →
-- {elodie, muller, schon}. The till's offline search reads names the same way (store/members.ts nameKey).
CREATE FUNCTION member_name_words(name TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(DISTINCT w), '{}')
    FROM regexp_split_to_table(lower(regexp_replace(normalize(name, NFKD), '[\u0300-\u036f]', '', 'g')), '[^[:alnum:]]+') AS w
   WHERE w <> ''
$$;

-- One row per word of each member's name, kept by the trigger below: a word prefix is a range
-- of this primary key (byte order, "C"), so "mul" finds "Jürgen Müller" without reading other rows.
-- An erased member (name '') and a placeholder awaiting its enrolment have no words.
CREATE TABLE member_name_words (
  word       TEXT COLLATE "C" NOT NULL,
  member_id  UUID NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  PRIMARY KEY (word, member_id)
);
CREATE INDEX member_name_words_member ON member_name_words(member_id);

CREATE FUNCTION member_name_words_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM member_name_words WHERE member_id = NEW.id;
  END IF;
  INSERT INTO member_name_words (word, member_id)
    SELECT w, NEW.id FROM unnest(member_name_words(NEW.name)) AS w;
  RETURN NULL;
END
$$;
CREATE TRIGGER members_name_words_insert AFTER INSERT ON members
  FOR EACH ROW EXECUTE FUNCTION member_name_words_keep();
CREATE TRIGGER members_name_words_update AFTER UPDATE OF name ON members
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION member_name_words_keep();

INSERT INTO member_name_words (word, member_id)
  SELECT w, m.id FROM members m, unnest(member_name_words(m.name)) AS w;

-- A phone by the prefix of its digits, however it was stored ("+49 151 0100 0003" from an
-- import, "4915101000003" from a till's enrolment): a range of this index, byte order.
CREATE INDEX members_phone_digits ON members ((regexp_replace(phone, '[^0-9]', '', 'g') COLLATE "C")) WHERE phone IS NOT NULL;
