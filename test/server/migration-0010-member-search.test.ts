/**
 * Server migration 0010 (the online member search): the words of existing names are indexed,
 * the trigger keeps them as names are enrolled, changed and erased, and on PostgreSQL with a
 * chain-sized members table the search's reads are index ranges (no scan of members or words).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Db } from '../../server/store/db.ts';
import { loadMigrations, migrate } from '../../server/store/migrations.ts';
import { openPglite } from '../../server/store/pglite.ts';
import { openTestDb, usePostgresCluster } from './harness.ts';

usePostgresCluster();

const opened: Db[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
});

const insertMember = (db: Db, id: string, name: string, phone: string | null) =>
  db.query(
    `INSERT INTO members (id, status, name, phone, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
     VALUES ($1, 'active', $2, $3, 'berlin-1', 1, 'silver', 0, 1, 1)`,
    [id, name, phone],
  );

const wordsOf = async (db: Db, id: string) =>
  (await db.query<{ word: string }>('SELECT word FROM member_name_words WHERE member_id = $1 ORDER BY word', [id])).map((r) => r.word);

it('indexes the words of existing names and keeps them as names change', async () => {
  const db = await openPglite(undefined);
  opened.push(db);
  const all = loadMigrations();
  const at = all.findIndex((m) => m.name === 'member-search');
  expect(at).toBe(9);
  await migrate(db, all.slice(0, at));
  const [zoe, erased, placeholder] = [randomUUID(), randomUUID(), randomUUID()];
  await insertMember(db, zoe, 'Zoé  Marchand-Lévy', '+33 6 12 34 56 78');
  await insertMember(db, erased, '', null);
  await db.query("INSERT INTO members (id, status, enrolled_at, created_at, updated_at) VALUES ($1, 'pending_enrolment', 1, 1, 1)", [
    placeholder,
  ]);

  await migrate(db, all.slice(0, at + 1));

  expect(await wordsOf(db, zoe)).toEqual(['levy', 'marchand', 'zoe']);
  expect(await wordsOf(db, erased)).toEqual([]);
  expect(await wordsOf(db, placeholder)).toEqual([]);
  expect(await db.query("SELECT regexp_replace(phone, '[^0-9]', '', 'g') AS digits FROM members WHERE id = $1", [zoe])).toEqual([
    { digits: '33612345678' },
  ]);

  // A new member, a renamed one, an erased one: the trigger follows.
  const jurgen = randomUUID();
  await insertMember(db, jurgen, "Jürgen O'Brien", null);
  expect(await wordsOf(db, jurgen)).toEqual(['brien', 'jurgen', 'o']);
  await db.query("UPDATE members SET name = 'Jürgen Müller' WHERE id = $1", [jurgen]);
  expect(await wordsOf(db, jurgen)).toEqual(['jurgen', 'muller']);
  await db.query("UPDATE members SET status = 'blocked' WHERE id = $1", [jurgen]);
  expect(await wordsOf(db, jurgen)).toEqual(['jurgen', 'muller']);
  await db.query("UPDATE members SET name = '', phone = NULL WHERE id = $1", [zoe]);
  expect(await wordsOf(db, zoe)).toEqual([]);
  // A placeholder filled in by its enrolment gets its words.
  await db.query("UPDATE members SET status = 'active', name = 'Ana Lima' WHERE id = $1", [placeholder]);
  expect(await wordsOf(db, placeholder)).toEqual(['ana', 'lima']);
});

it('searches a chain-sized members table through its indexes on PostgreSQL', async () => {
  const { db } = await openTestDb('postgres');
  opened.push(db);
  // 60,000 members: phones stored both ways (digits, and as typed), names from a few hundred words.
  await db.query(
    `INSERT INTO members (id, status, name, phone, enrolled_store, enrolled_at, tier, balance, created_at, updated_at)
     SELECT gen_random_uuid(), 'active',
            'Name' || (i % 500) || ' Family' || (i % 997) || ' x' || i,
            CASE WHEN i % 2 = 0 THEN '49151' || lpad(i::text, 8, '0') ELSE '+49 151 ' || lpad(i::text, 8, '0') END,
            'store-' || (i % 50), 1, 'silver', 0, 1, 1
       FROM generate_series(1, 60000) AS i`,
  );
  await db.exec('ANALYZE members; ANALYZE member_name_words');
  const plan = async (sql: string, params: unknown[]) =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).map((r) => r['QUERY PLAN']).join('\n');

  const phonePlan = await plan(
    `SELECT m.id FROM members m
      WHERE m.phone IS NOT NULL AND (regexp_replace(m.phone, '[^0-9]', '', 'g') COLLATE "C") >= $1
        AND (regexp_replace(m.phone, '[^0-9]', '', 'g') COLLATE "C") < $2 AND m.status <> 'pending_enrolment'
      ORDER BY (regexp_replace(m.phone, '[^0-9]', '', 'g') COLLATE "C") LIMIT $3`,
    ['4915100012', '4915100012:', 6],
  );
  expect(phonePlan).toMatch(/Index Scan using members_phone_digits on members/);
  expect(phonePlan).not.toMatch(/Seq Scan/);

  const namePlan = await plan(
    `SELECT m.id FROM members m
      WHERE m.id IN (SELECT w.member_id FROM member_name_words w WHERE w.word >= $1 AND w.word < $2
                       AND EXISTS (SELECT 1 FROM member_name_words o WHERE o.member_id = w.member_id AND o.word >= $3 AND o.word < $4)
                     LIMIT $5)
        AND m.status <> 'pending_enrolment'
      ORDER BY m.name, m.id LIMIT $6`,
    ['family99', 'family9:', 'name4', 'name5', 40, 6],
  );
  expect(namePlan).toMatch(/Index (Only )?Scan using member_name_words_pkey on member_name_words w/);
  expect(namePlan).not.toMatch(/Seq Scan/);
  expect(namePlan).toMatch(/Index Scan using members_pkey on members/);
}, 120_000);
