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

  test('a predecessor that never comes holds a batch up for the grace period at most', async () => {
    const gate = new Turnstile(50);
    const started = Date.now();
    await gate.enter('t1', 1001, stored(0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
