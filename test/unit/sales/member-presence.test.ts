import { describe, expect, it } from 'vitest';
import { MemberPresence, PRESENCE_WINDOW_MS } from '../../../main/backend/sales/member-presence.ts';

describe('MemberPresence: which members a scan identified, for whom', () => {
  it('a scan counts for the staff member who scanned, within the window, until a sale uses it', () => {
    const p = new MemberPresence();
    p.record('cashier-1', 'm1', 1_000);
    expect(p.isPresent('cashier-1', 'm1', 1_000 + PRESENCE_WINDOW_MS)).toBe(true);
    expect(p.isPresent('cashier-1', 'm1', 1_001 + PRESENCE_WINDOW_MS)).toBe(false);
    expect(p.isPresent('cashier-2', 'm1', 2_000)).toBe(false);
    expect(p.isPresent('cashier-1', 'm2', 2_000)).toBe(false);
    p.consume('cashier-1', 'm1');
    expect(p.isPresent('cashier-1', 'm1', 2_000)).toBe(false);
  });

  it('a scan "from the future" (a clock set back) does not count, and old scans are dropped as new ones come', () => {
    const p = new MemberPresence(60_000);
    p.record('c', 'm1', 100_000);
    expect(p.isPresent('c', 'm1', 50_000)).toBe(false);
    p.record('c', 'm2', 200_000);
    expect(p.isPresent('c', 'm1', 100_000)).toBe(false); // dropped when m2 was recorded
    expect(p.isPresent('c', 'm2', 200_000)).toBe(true);
  });
});
