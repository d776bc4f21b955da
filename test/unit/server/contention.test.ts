import { describe, expect, test } from 'vitest';
import { contentionCounts, onContention, retryOnContention, type ContentionEvent } from '../../../server/store/contention.ts';

const pgError = (code: string) => Object.assign(new Error('from PostgreSQL'), { code });

describe('deadlocks and serialisation failures are retried inside the server', () => {
  test('a deadlock, then a serialisation failure, then success: the caller gets the result, each is counted and reported', async () => {
    const before = contentionCounts();
    const events: ContentionEvent[] = [];
    const stop = onContention((e) => events.push(e));
    let attempts = 0;
    const result = await retryOnContention('push', async () => {
      attempts++;
      if (attempts === 1) throw pgError('40P01');
      if (attempts === 2) throw pgError('40001');
      return 'applied';
    });
    stop();
    expect(result).toBe('applied');
    expect(attempts).toBe(3);
    const after = contentionCounts();
    expect({
      deadlocks: after.deadlocks - before.deadlocks,
      serializationFailures: after.serializationFailures - before.serializationFailures,
      retries: after.retries - before.retries,
      exhausted: after.exhausted - before.exhausted,
    }).toEqual({ deadlocks: 1, serializationFailures: 1, retries: 2, exhausted: 0 });
    expect(events.map((e) => [e.kind, e.code, e.transaction, e.attempt])).toEqual([
      ['deadlock', '40P01', 'push', 1],
      ['serialization', '40001', 'push', 2],
    ]);
    for (const e of events) expect(e.retryInMs).toBeGreaterThan(0);
  });

  test('bounded: after the last attempt the error reaches the caller, counted as exhausted', async () => {
    const before = contentionCounts();
    let attempts = 0;
    await expect(
      retryOnContention(
        'hold',
        async () => {
          attempts++;
          throw pgError('40P01');
        },
        3,
      ),
    ).rejects.toMatchObject({ code: '40P01' });
    expect(attempts).toBe(3);
    const after = contentionCounts();
    expect({ retries: after.retries - before.retries, exhausted: after.exhausted - before.exhausted }).toEqual({
      retries: 2,
      exhausted: 1,
    });
  });

  test('any other error is not retried', async () => {
    let attempts = 0;
    await expect(
      retryOnContention('push', async () => {
        attempts++;
        throw pgError('23505');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(1);
  });
});
