import { describe, expect, test } from 'vitest';
import { Turnstile } from '../../../server/apply/turnstile.ts';

const stored = (seq: number) => () => Promise.resolve(seq);
const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  return done;
};

describe('turnstile', () => {
  test('the batch that follows what is stored goes at once; a later one waits until its predecessor holds the lock', async () => {
    const gate = new Turnstile(10_000);
    expect(await settled(gate.enter('t1', 1, stored(0)))).toBe(true);
    const second = gate.enter('t1', 501, stored(0));
    expect(await settled(second)).toBe(false);
    gate.locked('t1', 500);
    expect(await settled(second)).toBe(true);
    // Another terminal is not held up by this one.
    expect(await settled(gate.enter('t2', 1, stored(0)))).toBe(true);
  });

  test('a failed batch lets every waiting batch go and forgets what it knew', async () => {
    const gate = new Turnstile(10_000);
    await gate.enter('t1', 1, stored(0));
    gate.locked('t1', 500);
    const third = gate.enter('t1', 1001, stored(0));
    expect(await settled(third)).toBe(false);
    gate.failed('t1');
    expect(await settled(third)).toBe(true);
    // Unknown again: the stored value is read, and a batch that follows it goes.
    expect(await settled(gate.enter('t1', 501, stored(500)))).toBe(true);
  });

  test('with several server processes: a batch this process thinks early goes at once when the database shows its predecessor applied', async () => {
    const gate = new Turnstile(10_000);
    await gate.enter('t1', 1, stored(0));
    gate.locked('t1', 500);
    // Batches 501–1000 and 1001–1500 went through another process; this one remembers 500.
    let reads = 0;
    const started = Date.now();
    await gate.enter('t1', 1501, () => Promise.resolve(++reads && 1500));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(reads).toBe(1);
    // What the database showed is remembered: a resend of that batch goes without asking again.
    expect(await settled(gate.enter('t1', 1501, () => Promise.reject(new Error('asked again'))))).toBe(true);
  });

  test("while a batch waits, the database is asked again: the wait ends soon after another process's predecessor commits", async () => {
    const gate = new Turnstile(10_000, 5);
    await gate.enter('t1', 1, stored(0));
    gate.locked('t1', 500);
    let applied = 500; // the other process has not committed 501–1000 yet
    let reads = 0;
    const waiting = gate.enter('t1', 1001, () => Promise.resolve((reads++, applied)));
    expect(await settled(waiting)).toBe(false);
    applied = 1000;
    const committed = Date.now();
    await waiting;
    expect(Date.now() - committed).toBeLessThan(1_000);
    expect(reads).toBeGreaterThan(1);
  });

  test('a predecessor that never comes holds a batch up for the grace period at most', async () => {
    const gate = new Turnstile(50);
    const started = Date.now();
    await gate.enter('t1', 1001, stored(0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
