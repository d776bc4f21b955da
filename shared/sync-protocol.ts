import { z } from 'zod';
import { programConfigSchema } from './program.ts';
import { uuidSchema } from './ids.ts';

/**
 * The sync protocol between a terminal and a central loyalty server, version 2
 * (routes still under `/v1/`: version 2 changed how requests are signed, not a
 * route or a body a version-1 terminal sends, so the paths stay and a fleet
 * can update in waves; see docs/sync-protocol.md, "Protocol version 2"). JSON over HTTP. This file is the contract: the
 * reference server (server/) validates every request with these schemas, the
 * terminal's sync client is typed from them, and server/openapi.json embeds
 * their JSON Schema (a test keeps the two equal). Another loyalty back end can
 * implement the same protocol from the OpenAPI document alone.
 *
 * Units: times are integer milliseconds since the Unix epoch (UTC); money is
 * integer minor units; points are integers. Ids the terminal makes (events,
 * members, sales, holds …) are UUIDs in canonical lower-case form.
 *
 * Authentication: `POST /v1/pair` is authenticated by its one-time code; every
 * other route by the terminal's Ed25519 signature of the request (version 2),
 * or, during the transition window only, by the HMAC signature of version 1
 * (see shared/sync-auth.ts).
 * Objects are open for additions: a receiver ignores fields it does not know,
 * so new optional fields never need a new version.
 */

export const SYNC_PROTOCOL_VERSION = 2;

// ---- limits ------------------------------------------------------------------

/** The terminal's default number of events per push. */
export const DEFAULT_PUSH_BATCH = 500;
/** The most events one push may carry; more is a VALIDATION error. */
export const MAX_PUSH_BATCH = 1000;
/** Largest request body the server reads; more answers 413 PAYLOAD_TOO_LARGE. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Largest body of POST /v1/pair (a code, a name and a key); more answers 413 before any of it is read. */
export const MAX_PAIR_BODY_BYTES = 4 * 1024;
/** Largest body of the small requests (holds, hold releases, member tokens); more answers 413. */
export const MAX_SMALL_BODY_BYTES = 16 * 1024;
export const DEFAULT_PULL_LIMIT = 1000;
export const MAX_PULL_LIMIT = 5000;
/** How far a request's timestamp may differ from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
export const MAX_HOLD_TTL_MS = 10 * 60_000;
export const DEFAULT_HOLD_TTL_MS = 2 * 60_000;

// ---- building blocks -----------------------------------------------------------

/** Milliseconds since the Unix epoch. */
export const timestampSchema = z.number().int().min(0).max(8.64e15);
/**
 * Bounds on every integer a till sends: far above any real figure, far below
 * 2^53, so no sum the server or a till makes of them can lose precision.
 */
export const MAX_POINTS = 1_000_000_000;
export const MAX_MINOR = 1_000_000_000_000;
const pointsSchema = z.number().int().min(-MAX_POINTS).max(MAX_POINTS);
const minorSchema = z.number().int().min(-MAX_MINOR).max(MAX_MINOR);
const idSchema = z.string().min(1).max(64);
const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'expected base64url without padding');

// ---- errors --------------------------------------------------------------------

/**
 * Stable error codes of the sync protocol (switch on them; never renamed).
 * - VALIDATION (400): malformed JSON, wrong types (`details.issues` lists them), bad cursor.
 * - UNAUTHENTICATED (401): see AUTH_FAILURE_REASONS in `details.reason`.
 * - NOT_FOUND (404): unknown route, member or hold.
 * - SEQUENCE_GAP (409): the first new event is not appliedSeq + 1 (`details.expectedSeq`).
 * - SEQUENCE_CONFLICT (409): a sequence number at or below appliedSeq carries an id the
 *   server never applied: the terminal reused a number (e.g. restored from a backup).
 * - INSUFFICIENT_POINTS (409): a hold asks for more than is available (no figure: the balance is not revealed).
 * - MEMBER_BLOCKED (409): a hold or token for a blocked member.
 * - RATE_LIMITED (429): too many requests for now — from one address (`details.limitedBy`
 *   'address', or 'pairing' for POST /v1/pair), from one terminal ('terminal'), or too many
 *   holds or member tokens; `Retry-After` (seconds) and `details.retryAfterSeconds` say when
 *   to try again. Nothing was applied; a terminal waits at least that long before retrying.
 * - HOLD_TOO_LARGE (409): a hold asks for more points than one hold may reserve
 *   (the programme's holds.maxPoints, in `details.maxPoints`).
 * - CONFLICT (409): an id reused with different content (a hold id for another member).
 * - QUERY_TOO_SHORT (400): an online member search with fewer than MEMBER_SEARCH_MIN_DIGITS digits of a
 *   phone or MEMBER_SEARCH_MIN_LETTERS letters in a word of a name (`details.minDigits`, `details.minLetters`).
 * - PAYLOAD_TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415), INTERNAL (500, no details).
 */
export const SYNC_ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'SEQUENCE_GAP',
  'SEQUENCE_CONFLICT',
  'INSUFFICIENT_POINTS',
  'MEMBER_BLOCKED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL',
  'RATE_LIMITED',
  'HOLD_TOO_LARGE',
  'QUERY_TOO_SHORT',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/** Every non-2xx answer has this body. Never a stack trace. */
export const syncErrorSchema = z.object({
  code: z.enum(SYNC_ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type SyncError = z.infer<typeof syncErrorSchema>;

/**
 * Why a request was refused with 401 (`details.reason`). A terminal shows
 * `clock_skew` as "check this terminal's clock" and `revoked`/`unknown_terminal`
 * as "pair this terminal again"; the others are retried with a fresh signature.
 * `protocol_retired`: an HMAC (version 1) signature after the server's transition
 * window; the terminal must be paired again. `device_key_registered`: an HMAC
 * signature from a terminal that has registered an Ed25519 device key (from then
 * on only that key signs for it).
 */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'malformed',
  'unknown_terminal',
  'revoked',
  'bad_signature',
  'clock_skew',
  'replay',
  'pairing_code_invalid',
  'pairing_code_expired',
  'pairing_code_used',
  'protocol_retired',
  'device_key_registered',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

// ---- keys ----------------------------------------------------------------------

/** An Ed25519 public key for verifying member QR tokens (shared/member-token.ts) offline. */
export const publicKeySchema = z.object({
  /** The key id written into each token, 0–255. */
  kid: z.number().int().min(0).max(255),
  /** The raw 32-byte public key, base64url without padding (43 characters). */
  publicKey: base64url.length(43),
  /** A revoked key's tokens must be refused. */
  revoked: z.boolean(),
});
export type PublicKeyRecord = z.infer<typeof publicKeySchema>;

// ---- POST /v1/pair -------------------------------------------------------------

export const pairRequestSchema = z.object({
  /** The one-time code an administrator made (`npm run server -- pairing-code`); case, spaces and dashes do not matter. */
  code: z.string().min(1).max(40),
  /** A label for the administrator's list of terminals (never personal data). */
  terminalName: z.string().trim().min(1).max(80),
  /**
   * The terminal's Ed25519 device public key: the raw 32 bytes, base64url (43
   * characters). The terminal keeps the private key; the server stores only this
   * and verifies LT2-ED25519 signatures with it. Absent: a version-1 terminal,
   * given an HMAC secret instead (only during the transition window).
   */
  publicKey: base64url.length(43).optional(),
});
export type PairRequest = z.infer<typeof pairRequestSchema>;

export const storeSchema = z.object({
  id: idSchema,
  name: z.string(),
  /** IANA time zone of the store. */
  timeZone: z.string(),
  /** ISO 4217 currency code. */
  currency: z.string(),
});
export type StoreRecord = z.infer<typeof storeSchema>;

export const pairResponseSchema = z.object({
  terminalId: uuidSchema,
  /**
   * Version 1 only (the request had no publicKey): 32 random bytes, base64url.
   * Shown once: keep it in the terminal's protected configuration, never in a
   * log. Requests are signed with sha256(secret) (see shared/sync-auth.ts).
   * Absent when the terminal paired with a device public key.
   */
  secret: base64url.length(43).optional(),
  storeId: idSchema,
  store: storeSchema,
  serverTime: timestampSchema,
  publicKeys: z.array(publicKeySchema),
});
export type PairResponse = z.infer<typeof pairResponseSchema>;

// ---- POST /v1/device-key -------------------------------------------------------

/**
 * A terminal paired with an HMAC secret (version 1) registers its Ed25519
 * device public key, signed with that secret. The server stores the key and
 * forgets the HMAC key in one transaction: from then on only the device key
 * signs for this terminal. Sending the same key again (signed with it, after
 * the terminal lost the answer) is answered the same; another key is a CONFLICT.
 */
export const deviceKeyRequestSchema = z.object({
  /** The raw 32-byte Ed25519 public key, base64url (43 characters). */
  publicKey: base64url.length(43),
});
export type DeviceKeyRequest = z.infer<typeof deviceKeyRequestSchema>;

export const deviceKeyResponseSchema = z.object({
  terminalId: uuidSchema,
  /** The key the server now verifies this terminal's requests with. */
  publicKey: base64url.length(43),
  /** The protocol version the terminal now signs with (always 2). */
  protocolVersion: z.literal(2),
  registeredAt: timestampSchema,
});
export type DeviceKeyResponse = z.infer<typeof deviceKeyResponseSchema>;

// ---- events (POST /v1/events) --------------------------------------------------

export const LEDGER_KINDS = ['earn', 'redeem', 'bonus', 'reverse', 'adjust'] as const;

/**
 * One change to one member's points, as the terminal computed it with the
 * programme version it had. The server derives its own figures (it re-prices
 * sales, bounds adjustments) and applies these entries only where they agree. `earn` and `bonus` are positive, `redeem`
 * negative, `reverse` and `adjust` either.
 */
export const ledgerEntrySchema = z
  .object({
    memberId: uuidSchema,
    kind: z.enum(LEDGER_KINDS),
    /** Non-zero: positive credits, negative debits. */
    points: pointsSchema.refine((p) => p !== 0, 'points must not be 0'),
    /** Change to the member's tier-qualifying points (negative when a sale is reversed). */
    qualifying: pointsSchema.default(0),
    /** For a positive entry: when those points expire; absent or null = the server's programme decides (expiry.months after the event). */
    expiresAt: timestampSchema.nullable().optional(),
    /** Short explanation for people (a rule label); never personal data. */
    reason: z.string().max(200).optional(),
  })
  .refine((e) => !((e.kind === 'earn' || e.kind === 'bonus') && e.points < 0), {
    message: 'earn and bonus entries are positive',
    path: ['points'],
  })
  .refine((e) => !(e.kind === 'redeem' && e.points > 0), { message: 'redeem entries are negative', path: ['points'] });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

const ledger = z.array(ledgerEntrySchema).max(100);

export const memberEnrolledSchema = z.object({
  memberId: uuidSchema,
  cardNumber: z.string().min(1).max(64).nullable().optional(),
  name: z.string().trim().min(1).max(120),
  phone: z.string().max(40).nullable().optional(),
  email: z.string().max(254).nullable().optional(),
  /** YYYY-MM-DD. */
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  consentMarketing: z.boolean(),
  /** The referring member's id. */
  referredBy: uuidSchema.nullable().optional(),
  storeId: idSchema,
  enrolledAt: timestampSchema,
  staffId: idSchema,
  /** Enrolment and referral bonuses. */
  ledger: ledger.default([]),
});

/**
 * One line of a sale as the terminal priced it: what a refund at any till of
 * the store needs (the server checks refunds against these, and returns them
 * to another till of the store that refunds the sale).
 */
export const saleLineRecordSchema = z.object({
  lineNo: z.number().int().min(1).max(10_000),
  /** The product's SKU, or null for a keyed amount (then `category` says what it was). */
  sku: idSchema.nullable(),
  category: z.string().max(200),
  /** The product's name as printed on the receipt (never personal data). */
  description: z.string().max(1000).optional(),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPriceMinor: minorSchema.optional(),
  amountMinor: minorSchema.optional(),
  discountMinor: minorSchema.optional(),
  paidMinor: minorSchema,
  earnPoints: pointsSchema,
  redeemedPoints: pointsSchema,
});
export type SaleLineRecord = z.infer<typeof saleLineRecordSchema>;

/** A priced line (the engine's, with the receipt's description where there is one) as a sale event carries it. */
export function saleLineRecord(
  l: Omit<SaleLineRecord, 'description' | 'unitPriceMinor' | 'amountMinor' | 'discountMinor'> & {
    description?: string | undefined;
    unitPriceMinor: number;
    amountMinor: number;
    discountMinor: number;
  },
): SaleLineRecord {
  return {
    lineNo: l.lineNo,
    sku: l.sku,
    category: l.category,
    ...(l.description !== undefined && { description: l.description }),
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    amountMinor: l.amountMinor,
    discountMinor: l.discountMinor,
    paidMinor: l.paidMinor,
    earnPoints: l.earnPoints,
    redeemedPoints: l.redeemedPoints,
  };
}

/** A line (or part of one) a refund gave back. */
export const refundedLineSchema = z.object({
  lineNo: z.number().int().min(1).max(10_000),
  quantity: z.number().int().min(1).max(1_000_000),
});

export const saleCommittedSchema = z.object({
  saleId: uuidSchema,
  memberId: uuidSchema.nullable(),
  storeId: idSchema,
  staffId: idSchema,
  createdAt: timestampSchema,
  totalMinor: minorSchema,
  paidMinor: minorSchema,
  pointsEarned: pointsSchema,
  pointsRedeemed: pointsSchema,
  /** The online hold this sale's redemption used: the server posts it in the same transaction. */
  holdId: uuidSchema.nullable().optional(),
  rewardId: idSchema.nullable().optional(),
  /** The programme version the terminal priced the sale with. */
  programVersion: z.number().int().min(1).optional(),
  /**
   * The sale's lines. The server re-prices the sale from them with the programme version above
   * (docs/sync-protocol.md, "How the server checks a till"). Terminals before protocol 2 sent none:
   * their sales cannot be refunded at another till and their points are bounded and flagged `unverified`.
   */
  lines: z.array(saleLineRecordSchema).max(500).optional(),
  /** What the terminal knew of the member when it priced the sale; the server checks each against its own knowledge. */
  memberFacts: z
    .object({
      tier: z.string().max(64),
      purchaseCount: z.number().int().min(0).max(MAX_POINTS),
    })
    .optional(),
  ledger,
});

export const saleVoidedSchema = z.object({
  saleId: uuidSchema,
  memberId: uuidSchema.nullable(),
  storeId: idSchema,
  staffId: idSchema,
  voidedAt: timestampSchema,
  ledger,
});

export const saleRefundedSchema = z.object({
  refundId: uuidSchema,
  saleId: uuidSchema,
  memberId: uuidSchema.nullable(),
  storeId: idSchema,
  staffId: idSchema,
  createdAt: timestampSchema,
  refundedMinor: minorSchema.optional(),
  /**
   * The lines refunded. The server checks them against the sale's lines and what any till
   * refunded before; a refund beyond that applies none of its points (flag refund_exceeds_sale).
   * Absent from older terminals: the refund is applied unchecked.
   */
  lines: z.array(refundedLineSchema).max(500).optional(),
  ledger,
});

export const pointsAdjustedSchema = z.object({
  adjustmentId: uuidSchema,
  memberId: uuidSchema,
  points: pointsSchema.refine((p) => p !== 0, 'points must not be 0'),
  reason: z.string().min(1).max(200),
  staffId: idSchema,
  storeId: idSchema.optional(),
  createdAt: timestampSchema.optional(),
  ledger,
});

const envelope = {
  /** Made by the terminal and saved with the change, before the first send: the idempotency key, forever. */
  id: uuidSchema,
  /** Per-terminal sequence number: 1, 2, 3 … with no gap, in commit order. */
  seq: z.number().int().min(1).safe(),
  /** When the terminal committed the change. */
  createdAt: timestampSchema,
};

export const syncEventSchema = z.discriminatedUnion('kind', [
  z.object({ ...envelope, kind: z.literal('member.enrolled'), payload: memberEnrolledSchema }),
  z.object({ ...envelope, kind: z.literal('sale.committed'), payload: saleCommittedSchema }),
  z.object({ ...envelope, kind: z.literal('sale.voided'), payload: saleVoidedSchema }),
  z.object({ ...envelope, kind: z.literal('sale.refunded'), payload: saleRefundedSchema }),
  z.object({ ...envelope, kind: z.literal('points.adjusted'), payload: pointsAdjustedSchema }),
]);
/** An event as parsed (defaults filled in). */
export type SyncEvent = z.infer<typeof syncEventSchema>;
/** An event as a terminal may write it (defaulted fields optional). */
export type SyncEventInput = z.input<typeof syncEventSchema>;
export type SyncEventKind = SyncEvent['kind'];

/**
 * Events in ascending, contiguous `seq` order. The batch may start with events
 * the server already applied (a retry): they come back as `duplicate`.
 */
export const pushRequestSchema = z.object({
  events: z.array(syncEventSchema).min(1).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/**
 * Why the server flagged an event for review, held it or refused it (listed by the server's
 * `flags` and `held` commands). Applied in full unless the kind says otherwise:
 * - overdraft: a redemption or adjustment took the member's balance below zero
 *   (another terminal spent the same points meanwhile);
 * - blocked_member_earn: points were earned by a member blocked meanwhile;
 * - duplicate_enrolment: another member has the same phone or email, or the card belongs to another member;
 * - refund_exceeds_sale: a refund gave back more of a sale's lines than were left to refund (another till
 *   refunded them already): none of its points were applied; its money and goods are recorded;
 * - refund_expired_points: a refund took back earned points that had expired by then (the refund policy
 *   leaves those alone): the server took back only what had not expired.
 * The server's checks of a till (docs/sync-protocol.md, "How the server checks a till"):
 * - points_repriced: the server's figure differs from the till's; the server's was applied (details: both);
 * - keyed_earn_capped: points on keyed amounts above the programme's bound: the bound was applied;
 * - unverified: a sale from a terminal on protocol 1 (no lines to re-price): its points were bounded;
 * - over_limit: above a bound of the programme (`bounds`): held for a person (status `held`);
 * - awaiting_sale: a void or refund of a sale the server does not hold yet: held, judged when it arrives;
 * - wrong_store: the event names another store than the terminal's;
 * - staff_not_allowed: its staff is unknown, inactive, of another store, or lacks the role;
 * - event_id_taken: another terminal sent this event id first: refused, nothing applied;
 * - hold_not_owned: the sale names a hold another terminal placed: not posted (the redemption is judged as offline);
 * - invalid_sale: the server cannot price the sale as sent (a line's amount, a redemption the programme does not allow).
 */
export const FLAG_KINDS = [
  'overdraft',
  'blocked_member_earn',
  'duplicate_enrolment',
  'refund_exceeds_sale',
  'refund_expired_points',
  'points_repriced',
  'keyed_earn_capped',
  'unverified',
  'over_limit',
  'awaiting_sale',
  'wrong_store',
  'staff_not_allowed',
  'event_id_taken',
  'hold_not_owned',
  'invalid_sale',
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/**
 * - applied: applied as sent; applied_with_adjustment: applied as the server derived or bounded it (`reasons`);
 * - duplicate: applied before (by id, or seq ≤ appliedSeq), nothing done again, with the reasons of its first answer;
 * - held: recorded, its points not applied until a person approves (server command `approve`); a sale's
 *   redemption (the customer had the discount) is applied;
 * - refused: recorded, nothing applied (`reasons` say why). The terminal marks both sent and shows them.
 */
export const EVENT_STATUSES = ['applied', 'duplicate', 'applied_with_adjustment', 'held', 'refused'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const eventResultSchema = z.object({
  id: uuidSchema,
  seq: z.number().int(),
  status: z.enum(EVENT_STATUSES),
  reasons: z.array(z.enum(FLAG_KINDS)).optional(),
});
export type EventResult = z.infer<typeof eventResultSchema>;

export const pushResponseSchema = z.object({
  /** One per event sent, in the same order. */
  results: z.array(eventResultSchema),
  /** The highest seq of this terminal the server has applied: mark every event up to it sent. */
  appliedSeq: z.number().int().min(0),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

// ---- GET /v1/changes ---------------------------------------------------------

export const changesQuerySchema = z.object({
  /** Opaque; absent (or empty) = from the beginning. Resume with the last `nextCursor` committed. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
});
export type ChangesQuery = z.infer<typeof changesQuerySchema>;

/** A member's personal data: sent only to the tills of the member's store scope (programme `privacy`, docs/privacy.md). */
export const memberPersonalSchema = z.object({
  name: z.string().min(1),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  birthDate: z.string().nullable(),
  consentMarketing: z.boolean(),
});
export type MemberPersonal = z.infer<typeof memberPersonalSchema>;

/**
 * Every member of the chain reaches every till with what identifying and pricing
 * offline need; `personal` only when the member is in the till's store scope.
 */
/** The most purchases a member record counts: beyond it, only "not the first" and the recent times matter. */
export const PURCHASE_COUNT_SENT_MAX = 1000;

/**
 * The member's purchases the server holds, at every till (server/apply/member-purchases.ts): how many
 * (capped), and the times of the newest inside the current programme's nth-purchase window, newest
 * first, at most its n. For the nth-purchase and referral bonuses priced offline.
 */
export const memberPurchasesSchema = z.object({
  count: z.number().int().min(0).max(1_000_000),
  recent: z.array(timestampSchema).max(100),
});
export type MemberPurchases = z.infer<typeof memberPurchasesSchema>;

export const memberRecordSchema = z.object({
  id: uuidSchema,
  status: z.enum(['active', 'blocked']),
  /** Tier id of the current programme ('' while the server has no programme). */
  tier: z.string(),
  /** Authoritative balance; negative = a debt that new points pay off first. */
  balance: pointsSchema,
  /** Live point lots (remaining > 0), the earliest expiry first; expiresAt null = never. */
  lots: z.array(z.object({ remaining: pointsSchema, expiresAt: timestampSchema.nullable() })),
  cards: z.array(z.string()),
  enrolledStore: z.string(),
  enrolledAt: timestampSchema,
  /** Month and day of birth ('MM-DD', never the year) for the birthday bonus; null when unknown or erased. */
  birthday: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/)
    .nullable(),
  /** Name, phone, e-mail, birth date and consent: null outside the till's store scope, or erased (the till drops what it held). */
  personal: memberPersonalSchema.nullable(),
  /** Absent from an older server: the till knows only its own sales. */
  purchases: memberPurchasesSchema.optional(),
  updatedAt: timestampSchema,
});
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const productRecordSchema = z.object({
  sku: idSchema,
  name: z.string(),
  category: z.string(),
  priceMinor: minorSchema,
  barcodes: z.array(z.string()),
  active: z.boolean(),
});
export type ProductRecord = z.infer<typeof productRecordSchema>;

export const staffRecordSchema = z.object({
  id: idSchema,
  name: z.string(),
  role: z.enum(['cashier', 'manager', 'admin']),
  /** scrypt hash in the terminal's format (main/backend/staff/pin-hash.ts). */
  pinHash: z.string(),
  active: z.boolean(),
});
export type StaffRecord = z.infer<typeof staffRecordSchema>;

export const programRecordSchema = z.object({
  version: z.number().int().min(1),
  config: programConfigSchema,
});

export const revokedTokenSchema = z.object({
  /** The token id (12 hex characters) of a withdrawn member QR token. */
  tokenId: z.string().regex(/^[0-9a-f]{12}$/),
  memberId: uuidSchema,
});

/**
 * Everything that changed after `cursor`, at most `limit` records in all, in
 * the server's change order. Apply the page and store `nextCursor` in the same
 * local transaction; ask again while `more` is true. A record appears once per
 * page at its latest state (a later page may repeat it if it changed again).
 */
export const pullResponseSchema = z.object({
  members: z.array(memberRecordSchema),
  programs: z.array(programRecordSchema),
  products: z.array(productRecordSchema),
  staff: z.array(staffRecordSchema),
  /** Staff that changed and no longer work at this till's store (moved, or an assignment withdrawn): the till deletes them. */
  staffRemoved: z.array(idSchema).default([]),
  publicKeys: z.array(publicKeySchema),
  revokedTokens: z.array(revokedTokenSchema),
  nextCursor: z.string(),
  more: z.boolean(),
  /**
   * This terminal's appliedSeq read in the same snapshot as the page: the
   * balances above include exactly this terminal's events up to it.
   */
  terminalAppliedSeq: z.number().int().min(0),
  serverTime: timestampSchema,
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

// ---- holds -----------------------------------------------------------------------

export const holdRequestSchema = z.object({
  /** Made by the terminal; placing the same hold again returns the first answer. */
  holdId: uuidSchema,
  memberId: uuidSchema,
  points: z.number().int().min(1).safe(),
  ttlMs: z.number().int().min(1000).max(MAX_HOLD_TTL_MS).default(DEFAULT_HOLD_TTL_MS),
});
export type HoldRequest = z.infer<typeof holdRequestSchema>;

export const HOLD_STATUSES = ['active', 'posted', 'released', 'expired'] as const;

export const holdResponseSchema = z.object({
  holdId: uuidSchema,
  status: z.enum(HOLD_STATUSES),
  points: z.number().int(),
  /** The server may cut the requested ttl (the programme's holds.maxTtlSeconds): this is the hold's real end. */
  expiresAt: timestampSchema,
  // No balance and no `available`: a till learns whether the points were reserved, never how many the member has.
});
export type HoldResponse = z.infer<typeof holdResponseSchema>;

// ---- GET /v1/sales/:saleId and GET /v1/members/:memberId/sales -------------------

/**
 * A sale of the requesting terminal's store, as the server holds it: for a
 * refund at another till of the store. A sale of another store is answered
 * 404, as an unknown one.
 */
export const saleRecordSchema = z.object({
  saleId: uuidSchema,
  /** The till that made the sale. */
  terminalId: uuidSchema,
  storeId: idSchema,
  memberId: uuidSchema.nullable(),
  staffId: idSchema,
  createdAt: timestampSchema,
  totalMinor: minorSchema,
  paidMinor: minorSchema,
  pointsEarned: pointsSchema,
  pointsRedeemed: pointsSchema,
  programVersion: z.number().int().min(1).nullable(),
  status: z.enum(['completed', 'voided']),
  /** When the points the sale earned expire (null: never, or nothing earned). */
  earnExpiresAt: timestampSchema.nullable(),
  /** Null: the till sent no lines (an older terminal); such a sale cannot be refunded at another till. */
  lines: z.array(saleLineRecordSchema.extend({ refundedQuantity: z.number().int().min(0) })).nullable(),
});
export type SaleRecord = z.infer<typeof saleRecordSchema>;

export const saleResponseSchema = z.object({ sale: saleRecordSchema });

export const memberSalesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only sales made before this time (paging back). */
  before: z.coerce.number().int().min(0).max(8.64e15).optional(),
});

/** The member's sales at the requesting terminal's store, the newest first (every till, the requesting one included). */
export const memberSalesResponseSchema = z.object({ sales: z.array(saleRecordSchema) });
export type MemberSalesResponse = z.infer<typeof memberSalesResponseSchema>;

// ---- online member look-up: search and full history (least data on every till) ------

/** The most members one online search answers; `capped` says there were more (type more). */
export const MEMBER_SEARCH_MAX_RESULTS = 5;
/** The fewest digits a phone search and the fewest letters of the longest word a name search take (else QUERY_TOO_SHORT). */
export const MEMBER_SEARCH_MIN_DIGITS = 4;
export const MEMBER_SEARCH_MIN_LETTERS = 3;

/**
 * GET /v1/members/search. `q` is a phone in any format (only digits and + ( ) - . space:
 * compared by its digits, as a prefix) or words of a name (each a prefix of a word of the
 * name, in any order, case and accents ignored). `country`: the till's phone country (ISO
 * 3166 alpha-2), so a national number ("0151 01…") is also read as its international digits.
 * Personal: the server never logs or records `q`.
 */
export const memberSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(80),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type MemberSearchQuery = z.infer<typeof memberSearchQuerySchema>;

/** A member found online: enough to recognise and pick them, never their e-mail or birth date, the phone masked. */
export const memberSearchHitSchema = z.object({
  id: uuidSchema,
  /** null: erased (no personal data left). */
  name: z.string().nullable(),
  /** The phone's last two digits only ("••• ••• •47"); null without a phone. */
  phoneMasked: z.string().nullable(),
  tier: z.string(),
  status: z.enum(['active', 'blocked']),
  /** The last four digits of the member's newest card. */
  cardHint: z.string().nullable(),
  /** The name of the store the member enrolled at (null: a store the server no longer knows). */
  enrolledStoreName: z.string().nullable(),
  /** The member is in the requesting till's store scope (enrolled, assigned or seen there): that till holds their personal data. */
  inStore: z.boolean(),
});
export type MemberSearchHit = z.infer<typeof memberSearchHitSchema>;

export const memberSearchResponseSchema = z.object({
  /** How `q` was read. */
  kind: z.enum(['phone', 'name']),
  members: z.array(memberSearchHitSchema).max(MEMBER_SEARCH_MAX_RESULTS),
  capped: z.boolean(),
});
export type MemberSearchResponse = z.infer<typeof memberSearchResponseSchema>;

/** Where a history entry came from, as a till may show it (never a reason a person typed). */
export const HISTORY_CATEGORIES = ['sale', 'void', 'refund', 'adjustment', 'enrolment', 'expiry', 'other'] as const;
export type HistoryCategory = (typeof HISTORY_CATEGORIES)[number];

/** GET /v1/members/:memberId/history: `before` is the previous page's `nextBefore` (opaque). */
export const memberHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z
    .string()
    .regex(/^\d{1,16}\.\d{1,19}$/, 'a cursor from nextBefore')
    .optional(),
});
export type MemberHistoryQuery = z.infer<typeof memberHistoryQuerySchema>;

export const memberHistoryEntrySchema = z.object({
  id: z.string(),
  kind: z.enum([...LEDGER_KINDS, 'expire']),
  points: z.number().int(),
  createdAt: timestampSchema,
  /** The store whose till recorded it; null for the server's own entries (expiry). */
  storeName: z.string().nullable(),
  category: z.enum(HISTORY_CATEGORIES),
  /** The programme's label (a bonus rule, a reward); null for an adjustment (its reason is a person's words). */
  label: z.string().nullable(),
});
export type MemberHistoryEntry = z.infer<typeof memberHistoryEntrySchema>;

/** The member's whole ledger on the server, the newest first; `nextBefore` null on the last page. */
export const memberHistoryResponseSchema = z.object({
  entries: z.array(memberHistoryEntrySchema).max(100),
  nextBefore: z.string().nullable(),
});
export type MemberHistoryResponse = z.infer<typeof memberHistoryResponseSchema>;

// ---- member tokens -------------------------------------------------------------

export const memberTokenRequestSchema = z.object({
  memberId: uuidSchema,
  /**
   * Requested lifetime; absent or null = the programme's tokens.lifetimeDays (two years
   * by default), and a longer one is cut to it: every token expires.
   */
  ttlMs: z
    .number()
    .int()
    .min(60_000)
    .max(10 * 365 * 86_400_000)
    .nullable()
    .optional(),
});

export const memberTokenResponseSchema = z.object({
  /** The QR text, "LT1." + base32 (shared/member-token.ts). Personal: never log it. */
  token: z.string(),
  keyId: z.number().int().min(0).max(255),
  tokenId: z.string(),
  issuedAt: timestampSchema,
  /** Always set by this server (nullable for servers that issued never-expiring tokens). */
  expiresAt: timestampSchema.nullable(),
});
export type MemberTokenResponse = z.infer<typeof memberTokenResponseSchema>;
