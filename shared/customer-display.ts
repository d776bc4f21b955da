import { z } from 'zod';

/**
 * What the customer-facing display shows: the basket and its figures, the
 * points the sale earns, the balance after it and the member's tier. Nothing
 * personal beyond the member's first name: no surname, card, phone, e-mail or
 * id. The backend builds it (main/backend/customer-display/) and pushes it to
 * every screen as the `customerDisplay` event; the display page only renders.
 */
const minor = z.number().int().safe();
const points = z.number().int().safe();
/** A programme label and its translations by language code (as in terminal.info's labels). */
const labelled = z.object({ label: z.string(), labels: z.record(z.string(), z.string()).optional() });

export const customerDisplayStateSchema = z.object({
  /** Increases with every state the backend publishes: a display drops an older one that arrives late. */
  seq: z.number().int(),
  /** idle: waiting for the next customer; basket: a sale being rung up; paid: the sale just completed. */
  phase: z.enum(['idle', 'basket', 'paid']),
  format: z.object({ locale: z.string(), currency: z.string(), timeZone: z.string() }),
  /** `tierLabel` is the programme's default label; `tier` (the id) is worded by the display through `labels`. */
  member: z.object({ firstName: z.string(), tier: z.string().optional(), tierLabel: z.string(), points }).nullable(),
  /** `category`: a keyed amount's category id (its description is that id), worded by the display through `labels`. */
  lines: z.array(z.object({ description: z.string(), category: z.string().optional(), quantity: z.number().int(), amountMinor: minor })),
  totalMinor: minor,
  discountMinor: minor,
  payableMinor: minor,
  /** Points this sale earns (or earned, once paid). */
  earnPoints: points,
  /** Points spent on this sale. */
  redeemPoints: points,
  balanceAfter: points.nullable(),
  tierAfterLabel: z.string().nullable(),
  tierAfter: z.string().nullable().optional(),
  /**
   * The programme's tier and category labels with their translations: the display has no session,
   * so it words tiers and keyed lines in its language from these (nothing personal in them).
   */
  labels: z.object({ tiers: z.record(z.string(), labelled), categories: z.record(z.string(), labelled) }).optional(),
});
export type CustomerDisplayState = z.infer<typeof customerDisplayStateSchema>;

/** The display's state between sales. */
export function idleDisplayState(seq: number, format: CustomerDisplayState['format']): CustomerDisplayState {
  return {
    seq,
    phase: 'idle',
    format,
    member: null,
    lines: [],
    totalMinor: 0,
    discountMinor: 0,
    payableMinor: 0,
    earnPoints: 0,
    redeemPoints: 0,
    balanceAfter: null,
    tierAfterLabel: null,
  };
}
