import { z } from 'zod';
import { uuidSchema } from './ids.ts';
import { FLAG_KINDS } from './sync-protocol.ts';
import { customerDisplayStateSchema, type CustomerDisplayState } from './customer-display.ts';
import { printOutcomeSchema, printerStatusSchema, RECEIPT_LANGUAGES, receiptSchema } from './receipt.ts';

/**
 * The backend's API, defined once: each method's input and output schema and
 * the least role allowed to call it (null = no session needed). The backend's
 * handler map and the renderer's client are both typed from this object, and
 * every message is validated against it at the boundary.
 */

export const ROLES = ['cashier', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const uuid = uuidSchema;
const points = z.number().int().safe();
const minor = z.number().int().safe();
const text = (max: number) => z.string().trim().min(1).max(max);

const pinSchema = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');
export const staffSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) });

export const explanationSchema = z.object({
  rule: z.string(),
  label: z.string(),
  points,
  detail: z.string().optional(),
  /** The figures behind label and detail, for the screens to word in their language (shared/loyalty/types.ts). */
  params: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});
export type Explanation = z.infer<typeof explanationSchema>;

/** A programme label and its translations by language code. */
const labelledSchema = z.object({ label: z.string(), labels: z.record(z.string(), z.string()).optional() });
/**
 * Every label the programme gives, by id: categories, tiers, rewards, promotions, and earn rules by
 * their explanation id ('rule:<sku or category>').
 */
export const programLabelsSchema = z.object({
  categories: z.record(z.string(), labelledSchema),
  tiers: z.record(z.string(), labelledSchema),
  rewards: z.record(z.string(), labelledSchema),
  promotions: z.record(z.string(), labelledSchema),
  rules: z.record(z.string(), labelledSchema),
});
export type ProgramLabels = z.infer<typeof programLabelsSchema>;

export const memberSchema = z.object({
  id: z.string(),
  /** null: this till holds no personal data of the member (outside its store's scope, or erased): show `cardHint`. */
  name: z.string().nullable(),
  /** The last four digits of the member's newest card, for a member shown without a name. */
  cardHint: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  birthDate: z.string().nullable(),
  status: z.enum(['active', 'blocked']),
  tier: z.string(),
  tierLabel: z.string(),
  cards: z.array(z.string()),
  enrolledAt: z.number(),
  enrolledStore: z.string(),
  consentMarketing: z.boolean(),
  balance: points,
  available: points,
  debt: points,
  expiringIn30Days: points,
  birthdayThisMonth: z.boolean(),
  /** The part of `balance` the central server has acknowledged (balance − pendingPoints). */
  confirmedPoints: points,
  /** Net points of this member's local events the server has not acknowledged yet. */
  pendingPoints: points,
});
export type Member = z.infer<typeof memberSchema>;

/** A member in a list (search results, duplicates): `phone` as a person writes it ("+49 151 01000003"), `tierLabel` for the screen. */
export const memberSummarySchema = memberSchema.pick({
  id: true,
  name: true,
  cardHint: true,
  phone: true,
  tier: true,
  tierLabel: true,
  status: true,
  balance: true,
});
export type MemberSummary = z.infer<typeof memberSummarySchema>;

/** A basket line: a catalogue product (sku or barcode) or an amount keyed with a category. */
export const basketLineInput = z.union([
  z.object({ sku: text(64), quantity: z.number().int().min(1).max(9999).default(1) }),
  z.object({ barcode: text(64), quantity: z.number().int().min(1).max(9999).default(1) }),
  z.object({ category: text(64), amountMinor: minor.min(0).max(100_000_000), description: text(80).optional() }),
]);

export const redemptionInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('points'), points: points.min(1) }),
  z.object({ kind: z.literal('reward'), rewardId: text(64) }),
]);

const saleInput = z.object({
  memberId: z.string().min(1).max(64).nullable(),
  lines: z.array(basketLineInput).min(1).max(500),
  redemption: redemptionInput.nullable().default(null),
});

export const pricedLineSchema = z.object({
  lineNo: z.number().int(),
  sku: z.string().nullable(),
  description: z.string(),
  category: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: minor,
  amountMinor: minor,
  discountMinor: minor,
  paidMinor: minor,
  earnPoints: points,
  redeemedPoints: points,
});

export const redemptionLimitsSchema = z.object({
  allowed: z.boolean(),
  reason: z.string().optional(),
  reasonCode: z.string().optional(),
  minPoints: points,
  maxPoints: points,
  stepPoints: points,
  quick: z.array(points),
  /**
   * Present while a redemption would be judged offline (the terminal is paired and cannot reach
   * the central server): what today's offline caps leave (main/backend/sales/offline-policy.ts).
   * `quick` then offers only amounts up to `maxWithoutOverride`; more needs a manager's PIN.
   */
  offline: z.object({ remaining: points, limitedBy: z.enum(['member', 'terminal']), maxWithoutOverride: points }).optional(),
  /**
   * True when the programme requires the member present to redeem (redemption.requirePresence) and
   * no scan of their card or QR code at this till identified them in this sale (found by search):
   * any redemption then needs a manager's PIN (`override` of sale.commit). Absent otherwise.
   */
  presenceOverride: z.boolean().optional(),
});

export const bonusSchema = z.object({
  kind: z.enum(['birthday', 'nth_purchase', 'referral_referee', 'referral_referrer']),
  memberId: z.string(),
  points,
  explanation: explanationSchema,
});

export const quoteSchema = z.object({
  programVersion: z.number().int(),
  currency: z.string(),
  totalMinor: minor,
  discountMinor: minor,
  payableMinor: minor,
  lines: z.array(pricedLineSchema),
  earnPoints: points,
  earnExplanation: z.array(explanationSchema),
  bonuses: z.array(bonusSchema),
  redemption: z
    .object({
      kind: z.enum(['points', 'reward']),
      points,
      discountMinor: minor,
      rewardId: z.string().nullable(),
      issuesVoucher: z.boolean(),
      explanation: explanationSchema,
    })
    .nullable(),
  limits: redemptionLimitsSchema,
  balanceAfter: points.nullable(),
  tierAfter: z.string().nullable(),
});
export type Quote = z.infer<typeof quoteSchema>;

export const saleResultSchema = quoteSchema.extend({
  saleId: z.string(),
  memberId: z.string().nullable(),
  createdAt: z.number(),
  voucherCode: z.string().nullable(),
  pointsAwarded: points,
});
export type SaleResult = z.infer<typeof saleResultSchema>;

export const refundResultSchema = z.object({
  refundId: z.string(),
  saleId: z.string(),
  refundMinor: minor,
  pointsReversed: points,
  pointsRestored: points,
  balanceAfter: points.nullable(),
  debtAfter: points.nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number().int(),
      quantity: z.number().int(),
      reversedEarn: points,
      restoredRedeem: points,
      refundMinor: minor,
      /** Earned points of the line not taken back: they had expired (docs/programme.md, refunds and voids). */
      expiredEarn: points.default(0),
    }),
  ),
  /** Earned points not taken back because they had expired before the refund (pointsReversed is what was taken back). */
  pointsExpiredNotReversed: points.default(0),
  /** The sale was made at another till of this store (fetched from the central server). */
  atOtherTill: z.boolean().default(false),
});

export const voidResultSchema = z.object({
  saleId: z.string(),
  pointsReversed: points,
  pointsRestored: points,
  balanceAfter: points.nullable(),
  /** Points the sale gave that were not taken back because they had expired before the void. */
  pointsExpiredNotReversed: points.default(0),
});

export const ledgerEntrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['earn', 'redeem', 'bonus', 'reverse', 'adjust', 'expire', 'sync']),
  points,
  saleId: z.string().nullable(),
  reason: z.string(),
  createdAt: z.number(),
});

/** Why an online look-up gave nothing: offline (or too slow), not paired, a query too short, too many look-ups for now, a member the server does not know yet (enrolled here offline). */
export const LOOKUP_UNAVAILABLE = ['offline', 'not_paired', 'too_short', 'rate_limited', 'not_on_server'] as const;
export type LookupUnavailable = (typeof LOOKUP_UNAVAILABLE)[number];

/** A member found on the central server: enough to recognise and pick them, the phone masked. */
export const onlineMemberSchema = z.object({
  id: z.string(),
  /** null: erased on the server. */
  name: z.string().nullable(),
  /** Only the last two digits ("••• ••• •47"). */
  phoneMasked: z.string().nullable(),
  tier: z.string(),
  tierLabel: z.string(),
  status: z.enum(['active', 'blocked']),
  cardHint: z.string().nullable(),
  enrolledStoreName: z.string().nullable(),
  /** The member belongs to this till's store (enrolled, assigned or seen here). */
  inStore: z.boolean(),
  /** This till holds the member (ids, cards, points): false until the first pull brought them. */
  heldHere: z.boolean(),
});
export type OnlineMember = z.infer<typeof onlineMemberSchema>;

/** One line of a member's points history, from the server or this till. */
export const fullHistoryEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['earn', 'redeem', 'bonus', 'reverse', 'adjust', 'expire', 'sync']),
  points,
  createdAt: z.number(),
  /** The store whose till recorded it (server history; null on this till's or the server's own entries). */
  storeName: z.string().nullable(),
  /** What it came from (server history); null on this till's entries. */
  category: z.enum(['sale', 'void', 'refund', 'adjustment', 'enrolment', 'expiry', 'other']).nullable(),
  /** The programme's label, or this till's own reason; null for another store's adjustment. */
  label: z.string().nullable(),
  /** This till's entry of an event the server has not acknowledged yet (shown above the server's history). */
  pending: z.boolean().default(false),
});
export type FullHistoryEntry = z.infer<typeof fullHistoryEntrySchema>;

export const historySaleSchema = z.object({
  id: z.string(),
  createdAt: z.number(),
  status: z.enum(['completed', 'voided']),
  totalMinor: minor,
  paidMinor: minor,
  pointsEarned: points,
  pointsRedeemed: points,
  explanation: z.array(explanationSchema),
  lines: z.array(pricedLineSchema.extend({ refundedQuantity: z.number().int() })),
  /** Made at another till of this store (listed from the central server while online); refundable from here. */
  atOtherTill: z.boolean().default(false),
  /** Earned points its refunds and void did not take back because they had expired (known to this till). */
  pointsExpiredNotReversed: points.default(0),
});

export const endOfDaySchema = z.object({
  date: z.string(),
  timeZone: z.string(),
  currency: z.string(),
  sales: z.number().int(),
  salesWithMember: z.number().int(),
  voided: z.number().int(),
  revenueMinor: minor,
  discountMinor: minor,
  refundsMinor: minor,
  pointsIssued: points,
  pointsRedeemed: points,
  pointsReversed: points,
  pointsRestored: points,
  enrolments: z.number().int(),
  redemptionRate: z.number(),
  adjustments: z.number().int(),
  adjustmentPoints: points,
});

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A scan from any scanner, as the renderer (wedge, camera) or the serial adapter saw it. */
export const scanEventSchema = z.object({
  source: z.enum(['serial', 'wedge', 'camera']),
  symbology: z.string().max(3).optional(),
  // Long enough for garbage to reach the parser, which refuses it with a reason.
  text: z.string().max(8192),
  at: z.number().nonnegative(),
});

/** What a scan turned out to be, resolved against this terminal's data. */
export const scanOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), via: z.enum(['token', 'card']), member: memberSchema }),
  /** A valid programme card nobody holds yet: a blank pre-printed card, ready for enrolment. */
  z.object({ kind: z.literal('blank-card'), cardNumber: z.string() }),
  /** A genuine member token for a member this terminal has not received yet. */
  z.object({ kind: z.literal('unknown-member'), memberId: z.string() }),
  z.object({
    kind: z.literal('product'),
    barcode: z.string(),
    product: z.object({ sku: z.string(), name: z.string(), category: z.string(), priceMinor: minor, active: z.boolean() }),
  }),
  z.object({ kind: z.literal('unknown-product'), gtin: z.string() }),
  /** Refused before any lookup: a forged or expired token, a bad check digit, scanner garbage. */
  z.object({
    kind: z.literal('rejected'),
    /** Why, as a stable code (shared/scan-result.ts SCAN_REJECTION_CODES): the screens word it in their language. */
    code: z.string(),
    /** The same in English, for logs and older screens; never shown. */
    reason: z.string(),
    /** For a refused member QR code (BAD_TOKEN): expired, revoked, bad-signature, unknown-key, not-yet-valid, malformed… */
    tokenReason: z.string().optional(),
  }),
]);
export type ScanOutcome = z.infer<typeof scanOutcomeSchema>;

/** The terminal's link to the central server, for the status bar (pushed as `sync.status` on every change). */
export const syncStatusSchema = z.object({
  paired: z.boolean(),
  /** online = the last exchange succeeded; syncing = one is running; offline = the server cannot be reached; error = it refused (see reason). */
  state: z.enum(['online', 'offline', 'syncing', 'error']),
  reason: z.string().nullable(),
  queueLength: z.number().int(),
  oldestUnsentAgeMs: z.number().nullable(),
  lastSuccessAt: z.number().nullable(),
  /** The oldest unsent event is older than the configured limit (default 24 h). */
  alert: z.boolean(),
  /** Events the server applied with an adjustment (its figure or bound instead of the till's, or a flag for review). */
  flagged: z.number().int(),
  /** Events the server recorded but holds for a person at head office (their points not applied yet). */
  held: z.number().int(),
  /** Events the server recorded and refused (nothing applied). */
  refused: z.number().int(),
  /** Pulled records this terminal could not read and skipped (the rest of their page applied). */
  unreadable: z.object({ members: z.number().int(), products: z.number().int(), staff: z.number().int() }),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

/**
 * What a command writes, declared beside its schema: 'outbox' = the
 * terminal's database and an outbox event in the same transaction (the sync
 * engine pushes soon after one succeeds); 'local' = the terminal's database
 * only, or through a sync round; false = nothing: its handler is given a
 * store it can only read (main/backend/handler-types.ts).
 */
export type Writes = 'outbox' | 'local' | false;

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
  role: Role | null;
  writes: Writes;
}

export const api = {
  /**
   * Sign in with a PIN: by staff id (typed, or scanned from a staff card) or by the `pick` handle
   * of a name chosen from staff.list. A wrong PIN answers UNAUTHENTICATED with `attemptsLeft`;
   * a lockout answers LOCKED_OUT with `until` (epoch ms).
   */
  'staff.login': {
    input: z.union([
      z.object({ staffId: text(64), pin: pinSchema }),
      z.object({ pick: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), pin: pinSchema }),
    ]),
    output: z.object({ token: z.string(), staff: staffSchema }),
    role: null,
    writes: 'local',
  },
  /**
   * The terminal's active staff for the sign-in screen, before anyone signs in: display names
   * and roles only, each with a `pick` handle that stands for the staff member until the backend
   * restarts (no staff id, no lock state, nothing else).
   */
  'staff.list': {
    input: z.object({}),
    output: z.object({ staff: z.array(z.object({ pick: z.string(), name: z.string(), role: z.enum(ROLES) })) }),
    role: null,
    writes: false,
  },
  /** Staff locked out by wrong PINs now, for a manager to unlock (staff.unlock). */
  'staff.lockouts': {
    input: z.object({}),
    output: z.object({
      staff: z.array(z.object({ staffId: z.string(), pick: z.string(), name: z.string(), role: z.enum(ROLES), lockedUntil: z.number() })),
    }),
    role: 'manager',
    writes: false,
  },
  /** A manager ends a staff member's lockout and clears the wrong-PIN count (audited 'staff.unlocked'). */
  'staff.unlock': {
    input: z.object({ staffId: text(64) }),
    output: z.object({ staffId: z.string(), wasLocked: z.boolean() }),
    role: 'manager',
    writes: 'local',
  },
  'staff.logout': { input: z.object({}), output: z.object({ ok: z.literal(true) }), role: 'cashier', writes: false },
  'member.byCard': { input: z.object({ card: text(64) }), output: memberSchema, role: 'cashier', writes: false },
  'member.get': { input: z.object({ memberId: text(64) }), output: memberSchema, role: 'cashier', writes: false },
  'member.search': {
    input: z.union([
      z.object({ phonePrefix: z.string().regex(/^\+?[\d\s().-]{3,20}$/, 'at least 3 digits of a phone number') }),
      z.object({ namePrefix: text(80).refine((s) => s.length >= 2, 'at least 2 letters') }),
    ]),
    /** At most 20 members; `capped`: there were more (the screen says "showing the first 20"). */
    output: z.object({ members: z.array(memberSummarySchema), capped: z.boolean() }),
    role: 'cashier',
    writes: false,
  },
  /** Members with the same phone (any format) or e-mail as a customer about to be enrolled: the warning comes before creation. */
  'member.duplicates': {
    input: z.object({
      phone: z
        .string()
        .regex(/^\+?[\d\s().-]{6,20}$/, 'a phone number')
        .nullable()
        .default(null),
      email: z.email().max(200).nullable().default(null),
    }),
    output: z.object({ members: z.array(memberSummarySchema) }),
    role: 'manager',
    writes: false,
  },
  'member.enrol': {
    input: z.object({
      memberId: uuid,
      name: text(120),
      phone: z
        .string()
        .regex(/^\+?[\d\s().-]{6,20}$/, 'a phone number')
        .nullable()
        .default(null),
      email: z.email().max(200).nullable().default(null),
      birthDate: localDate.nullable().default(null),
      consentMarketing: z.boolean(),
      cardNumber: text(64).nullable().default(null),
      referrerCard: text(64).nullable().default(null),
    }),
    output: z.object({ member: memberSchema, duplicates: z.array(memberSummarySchema), bonusPoints: points }),
    role: 'manager',
    writes: 'outbox',
  },
  'member.history': {
    input: z.object({
      memberId: text(64),
      limit: z.number().int().min(1).max(200).default(50),
      beforeCreatedAt: z.number().int().optional(),
    }),
    output: z.object({
      sales: z.array(historySaleSchema),
      ledger: z.array(ledgerEntrySchema),
      /** The member's sales at other tills of this store could not be listed (offline, or the server did not answer in time). */
      otherTillsUnavailable: z.boolean().default(false),
    }),
    role: 'cashier',
    writes: false,
  },
  /**
   * The chain's members from the central server by phone or name (this till holds personal data
   * only for its store's members; member.search stays the instant offline search). Within a short
   * budget, failing soft: `unavailable` says why (offline, not paired, too short, too many searches).
   * At most 5 members, the phone masked; `heldHere`: this till holds the member (false until its
   * first pull brought them: picking one says so).
   */
  'member.searchOnline': {
    input: z.object({ query: z.string().trim().min(1).max(80) }),
    output: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('found'), members: z.array(onlineMemberSchema), capped: z.boolean() }),
      z.object({ outcome: z.literal('unavailable'), reason: z.enum(LOOKUP_UNAVAILABLE) }),
    ]),
    role: 'cashier',
    writes: false,
  },
  /**
   * A member's points history: the whole ledger from the central server when it answers
   * (`source: 'server'`, paged by `before`), else this till's own recent ledger (`source: 'till'`,
   * `unavailable` says why). Adjustment reasons a person typed elsewhere are not sent.
   */
  'member.fullHistory': {
    input: z.object({
      memberId: text(64),
      limit: z.number().int().min(1).max(100).default(30),
      before: z.string().max(40).optional(),
    }),
    output: z.object({
      source: z.enum(['server', 'till']),
      /** Why the server's history is not shown (source 'till'). */
      unavailable: z.enum(LOOKUP_UNAVAILABLE).nullable(),
      entries: z.array(fullHistoryEntrySchema),
      /** The next page's cursor (server only); null on the last page. */
      nextBefore: z.string().nullable(),
    }),
    role: 'cashier',
    writes: false,
  },
  'sale.preview': { input: saleInput, output: quoteSchema, role: 'cashier', writes: false },
  'sale.commit': {
    input: saleInput.extend({
      saleId: uuid,
      /** The online hold (redemption.hold) that reserved this sale's points; without one the offline caps apply. */
      holdId: uuid.nullable().default(null),
      /**
       * A manager's PIN allowing a redemption beyond the offline caps, or for a member found by
       * search rather than scanned (limits.presenceOverride); audited either way.
       */
      override: z
        .object({ staffId: text(64), pin: z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits') })
        .nullable()
        .default(null),
    }),
    output: saleResultSchema,
    role: 'cashier',
    writes: 'outbox',
  },
  'sale.void': { input: z.object({ saleId: uuid }), output: voidResultSchema, role: 'cashier', writes: 'outbox' },
  'sale.refund': {
    input: z.object({
      refundId: uuid,
      saleId: uuid,
      lines: z.array(z.object({ lineNo: z.number().int().min(1), quantity: z.number().int().min(1) })).min(1),
    }),
    output: refundResultSchema,
    role: 'manager',
    writes: 'outbox',
  },
  'points.adjust': {
    input: z.object({
      adjustmentId: uuid,
      memberId: text(64),
      points: points.refine((p) => p !== 0, 'points must not be 0'),
      reason: text(200).refine((s) => s.length >= 3, 'give a reason'),
    }),
    output: z.object({ balance: points }),
    role: 'manager',
    writes: 'outbox',
  },
  'report.endOfDay': { input: z.object({ date: localDate.optional() }), output: endOfDaySchema, role: 'manager', writes: false },
  /**
   * A signed member QR card from the central server (its key signs; terminals only verify),
   * as the token text and a printable SVG. Needs the server: a member enrolled here offline
   * is pushed first.
   */
  'member.issueToken': {
    input: z.object({ memberId: uuid }),
    output: z.object({
      token: z.string(),
      tokenId: z.string(),
      keyId: z.number().int(),
      issuedAt: z.number(),
      expiresAt: z.number().nullable(),
      svg: z.string(),
    }),
    role: 'manager',
    writes: 'local',
  },
  /** Serial ports on this machine for the settings screen; a stable /dev/serial/by-id path when there is one. */
  'scanner.ports': {
    input: z.object({}),
    output: z.object({
      ports: z.array(
        z.object({
          path: z.string(),
          stablePath: z.string().optional(),
          manufacturer: z.string().optional(),
          serialNumber: z.string().optional(),
          vendorId: z.string().optional(),
          productId: z.string().optional(),
        }),
      ),
    }),
    role: 'admin',
    writes: false,
  },
  /** The serial scanner as IT sets it up: its state with the reason, the last raw bytes it sent, the last diagnostic. */
  'scanner.status': {
    input: z.object({}),
    output: z.object({
      configured: z.boolean(),
      state: z
        .object({
          status: z.enum(['connected', 'waiting', 'error']),
          path: z.string(),
          since: z.number(),
          code: z.string().optional(),
          reason: z.string().optional(),
        })
        .nullable(),
      lastBytes: z.object({ at: z.number(), bytes: z.number().int(), hex: z.string(), printable: z.string() }).nullable(),
      lastDiagnostic: z.object({ code: z.string(), bytes: z.number().int(), at: z.number() }).nullable(),
    }),
    role: 'admin',
    writes: false,
  },
  /** The current pairing for Settings: the central server's address, the store and this terminal (null: not paired). No secret. */
  'terminal.pairing': {
    input: z.object({}),
    output: z.object({
      pairing: z
        .object({
          serverUrl: z.string(),
          storeId: z.string(),
          storeName: z.string().nullable(),
          terminalId: z.string(),
          terminalName: z.string().nullable(),
        })
        .nullable(),
    }),
    role: 'admin',
    writes: false,
  },
  /** Database and queue figures for the settings screen (counts and sizes only). */
  'terminal.stats': { input: z.object({}), output: z.record(z.string(), z.unknown()), role: 'admin', writes: false },
  /** The diagnostics bundle (logs, versions, configuration without secrets, statistics; personal data redacted) as a zip, base64. */
  'diagnostics.export': {
    input: z.object({}),
    output: z.object({ fileName: z.string(), zipBase64: z.string() }),
    role: 'admin',
    writes: false,
  },
  /** What every screen needs before anyone signs in: no personal data. */
  'terminal.info': {
    input: z.object({}),
    output: z.object({
      storeId: z.string(),
      /** The store's name for people (receipt settings, else the pairing); null when unknown. Never show storeId instead. */
      storeName: z.string().nullable(),
      currency: z.string(),
      timeZone: z.string(),
      /** BCP 47 locale for money and dates (the store's, not the UI language). */
      locale: z.string(),
      appVersion: z.string(),
      /** Demo data is loaded: the screens say so. */
      demo: z.boolean(),
      /** Categories a cashier can key an amount against. */
      categories: z.array(z.string()),
      rewards: z.array(
        z.object({ id: z.string(), label: z.string(), points, kind: z.enum(['product', 'voucher']), minTier: z.string().nullable() }),
      ),
      /** The programme's labels with their translations (shared/program.ts), for the screens' language (renderer/i18n/program-labels.ts). */
      labels: programLabelsSchema,
    }),
    role: null,
    writes: false,
  },
  /** Parse and resolve a scan; wedge and camera scans join the backend's scan stream here. */
  'scan.resolve': { input: scanEventSchema, output: scanOutcomeSchema, role: 'cashier', writes: false },
  // ---- sync with the central server (main/backend/sync/) ----
  /** Pair this terminal with a one-time code from the server's administrator. */
  'sync.pair': {
    input: z.object({
      serverUrl: z.url({ protocol: /^https?$/ }).max(300),
      code: text(40),
      terminalName: text(80).optional(),
      /** PEM of the CA that signed an on-premise server's certificate. */
      caPem: z.string().max(20_000).optional(),
    }),
    output: z.object({ terminalId: z.string(), storeId: z.string(), storeName: z.string() }),
    role: 'admin',
    writes: 'local',
  },
  'sync.status': { input: z.object({}), output: syncStatusSchema, role: 'cashier', writes: false },
  /** Whether the central server can be reached, before anyone signs in (the sign-in screen's banner): the link alone, no figures of the day. */
  'sync.link': {
    input: z.object({}),
    output: syncStatusSchema.pick({ paired: true, state: true, lastSuccessAt: true, queueLength: true }),
    role: null,
    writes: false,
  },
  /** Push and pull now (after a network fix, before closing the day). */
  'sync.now': { input: z.object({}), output: syncStatusSchema, role: 'manager', writes: 'local' },
  /**
   * Events the server applied with an adjustment (flagged for review, or its figure instead of the till's),
   * held for a person at head office, or refused; the newest first.
   */
  'sync.flags': {
    input: z.object({ limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      flags: z.array(
        z.object({
          seq: z.number().int(),
          id: z.string(),
          /** The event's kind (sale.committed, sale.voided, sale.refunded, member.enrolled, points.adjusted). */
          kind: z.string(),
          createdAt: z.number(),
          status: z.enum(['applied_with_adjustment', 'held', 'refused']),
          reasons: z.array(z.enum(FLAG_KINDS)),
          /** A sale's total (a void: the voided sale's), a refund's amount; null for other events. */
          amountMinor: z.number().int().nullable(),
          /** A manager's adjustment's points; null for other events. */
          points: z.number().int().nullable(),
        }),
      ),
    }),
    role: 'manager',
    writes: false,
  },
  /**
   * Reserve points on the server before a redemption. Online: `mode: 'online'`
   * and the sale names the hold. The server did not answer within the budget
   * (or the terminal is not paired): `mode: 'offline'`, judged by the offline caps.
   */
  'redemption.hold': {
    input: z.object({ holdId: uuid, memberId: text(64), points: points.min(1) }),
    output: z.discriminatedUnion('mode', [
      // No balance figure: the server answers only whether the points were reserved.
      z.object({ mode: z.literal('online'), holdId: z.string(), expiresAt: z.number() }),
      z.object({ mode: z.literal('offline'), allowed: z.boolean(), reason: z.string().nullable(), capRemaining: points.nullable() }),
    ]),
    role: 'cashier',
    writes: 'local',
  },
  /** Give back a hold of an abandoned sale (best effort; it expires on the server anyway). */
  'redemption.release': {
    input: z.object({ holdId: uuid }),
    output: z.object({ released: z.boolean() }),
    role: 'cashier',
    writes: 'local',
  },
  // ---- receipts, the receipt printer and the customer display (main/backend/receipts/, main/backend/customer-display/) ----
  /** A completed sale's receipt (shared/receipt.ts), for the screen and for printing. */
  'receipt.get': { input: z.object({ saleId: uuid }), output: receiptSchema, role: 'cashier', writes: false },
  /** Prints a sale's receipt on the configured printer; a printer problem is an outcome with its reason, never a failed sale. */
  'receipt.print': {
    input: z.object({ saleId: uuid, language: z.enum(RECEIPT_LANGUAGES) }),
    output: printOutcomeSchema,
    role: 'cashier',
    writes: false,
  },
  /** The receipt printer as configured (none = the system's print dialog). */
  'printer.status': { input: z.object({}), output: printerStatusSchema, role: 'cashier', writes: false },
  /** A test page on the configured printer, for IT in Settings. */
  'printer.test': { input: z.object({ language: z.enum(RECEIPT_LANGUAGES) }), output: printOutcomeSchema, role: 'admin', writes: false },
  /** The checkout's sale as the customer display shows it, pushed to every display as `customerDisplay`. */
  'display.show': {
    input: z.object({
      phase: z.enum(['idle', 'basket', 'paid']),
      memberId: z.string().min(1).max(64).nullable(),
      lines: z.array(basketLineInput).max(500),
      redemption: redemptionInput.nullable().default(null),
      /** The completed sale, for `paid`. */
      saleId: uuid.nullable().default(null),
    }),
    output: customerDisplayStateSchema,
    role: 'cashier',
    writes: false,
  },
  /** What the customer display shows now: a display opened (or reconnected) mid-sale starts from it. No session needed. */
  'display.current': { input: z.object({}), output: customerDisplayStateSchema, role: null, writes: false },
} as const satisfies Record<string, MethodSpec>;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type ParsedInput<M extends Method> = z.output<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

/** The envelope both transports (MessagePort, WebSocket) carry. */
export interface Request {
  id: number;
  method: string;
  input: unknown;
  token?: string | null;
}
export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

/**
 * What the backend pushes to the screens unasked, on the same channel as the
 * answers: a serial scan (the screen resolves it like a wedge or camera scan).
 */
export type BackendEvent =
  | { name: 'scan'; scan: z.infer<typeof scanEventSchema> }
  | { name: 'backend.restarted'; at: number }
  | { name: 'sync.status'; status: SyncStatus }
  | { name: 'customerDisplay'; state: CustomerDisplayState };
