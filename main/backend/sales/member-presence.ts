/**
 * Which members a scan identified at this till, and for whom: a redemption
 * (points or a reward) needs the member in front of the till (the programme's
 * redemption.requirePresence), which the backend knows only from a scan of
 * their card or QR code, whichever scanner read it (scanning/handlers.ts
 * records it when scan.resolve names a member). A member found by search
 * needs a manager's PIN instead (sales/commit.ts).
 *
 * Kept per signed-in staff member, in memory: a reload of the screens keeps
 * it, a restart of the backend forgets it (everyone signs in again, and the
 * member is scanned again). A scan counts for PRESENCE_WINDOW_MS and for one
 * sale: the sale that commits for the member uses it up, so the next sale
 * needs its own scan.
 */

/** How long a scan counts as "the member is here" (a long basket, a queue at the till). */
export const PRESENCE_WINDOW_MS = 30 * 60_000;

export class MemberPresence {
  /** staff id → member id → when a scan last identified the member. */
  private readonly scans = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs = PRESENCE_WINDOW_MS) {}

  /** A scan by `staffId`'s session identified `memberId`. */
  record(staffId: string, memberId: string, now: number): void {
    let seen = this.scans.get(staffId);
    if (seen === undefined) {
      seen = new Map();
      this.scans.set(staffId, seen);
    }
    // Old scans go as new ones come: the map holds one queue's worth of members at most.
    for (const [id, at] of seen) if (now - at > this.windowMs) seen.delete(id);
    seen.set(memberId, now);
  }

  /** Whether a scan by this staff member identified the member within the window. */
  isPresent(staffId: string, memberId: string, now: number): boolean {
    const at = this.scans.get(staffId)?.get(memberId);
    return at !== undefined && now - at <= this.windowMs && at <= now;
  }

  /** The sale for the member is done: its scan counts no more. */
  consume(staffId: string, memberId: string): void {
    this.scans.get(staffId)?.delete(memberId);
  }
}
