import { describe, expect, it } from 'vitest';
import { createReadDedup, READ_DEDUP_WINDOW_MS } from '../../../renderer/scanning/read-dedup.ts';

const card = { text: '2900000000017', format: 'EAN_13' };
const qr = { text: 'LT1.member-token', format: 'QR_CODE' };

describe('read dedup', () => {
  it('reports a code held in front of the camera once per 2 s window', () => {
    const dedup = createReadDedup();
    expect(READ_DEDUP_WINDOW_MS).toBe(2_000);
    // 30 frames a second for 1.9 s: one report.
    const reported = Array.from({ length: 58 }, (_, i) => dedup.accept(card, 1_000 + i * 33)).filter(Boolean);
    expect(reported).toHaveLength(1);
    expect(dedup.accept(card, 1_000 + 1_999)).toBe(false);
    expect(dedup.accept(card, 1_000 + 2_000)).toBe(true);
  });

  it('keeps different codes apart, and the same text in another symbology apart', () => {
    const dedup = createReadDedup();
    expect(dedup.accept(card, 0)).toBe(true);
    expect(dedup.accept(qr, 10)).toBe(true);
    expect(dedup.accept({ ...card, format: 'CODE_128' }, 20)).toBe(true);
    expect(dedup.accept(card, 30)).toBe(false);
    expect(dedup.accept(qr, 40)).toBe(false);
  });

  it('does not silence a code for longer than the window when the clock steps back', () => {
    const dedup = createReadDedup();
    expect(dedup.accept(card, 10_000)).toBe(true);
    expect(dedup.accept(card, 5_000)).toBe(true);
    expect(dedup.accept(card, 6_000)).toBe(false);
  });

  it('remembers only recent reads, however long the camera runs', () => {
    const dedup = createReadDedup();
    for (let i = 0; i < 10_000; i++) dedup.accept({ text: `code ${i}`, format: 'CODE_128' }, i * 100);
    // 2 s at one new code per 100 ms.
    expect(dedup.size()).toBeLessThanOrEqual(20);
  });

  it('takes a custom window', () => {
    const dedup = createReadDedup(500);
    expect(dedup.accept(card, 0)).toBe(true);
    expect(dedup.accept(card, 499)).toBe(false);
    expect(dedup.accept(card, 500)).toBe(true);
  });
});
