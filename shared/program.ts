import { z } from 'zod';

/**
 * The loyalty programme configuration. Versioned: every change is a new
 * version, and a sale records the version it was priced with.
 *
 * Units: money is integer minor units of `currency` (cents for EUR); points
 * are integers; multipliers are decimals with at most two places (1.5 = x1.5).
 */

const id = z.string().min(1).max(64);
const multiplier = z
  .number()
  .min(0)
  .max(100)
  .refine((m) => Number.isInteger(Math.round(m * 100)) && Math.abs(m * 100 - Math.round(m * 100)) < 1e-9, {
    message: 'multiplier has at most two decimal places',
  });
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24h)');
const isoWeekday = z.number().int().min(1).max(7); // 1 = Monday … 7 = Sunday

/**
 * Translations of a label for the screens, by language code ("en", "de", "de-CH"):
 * `labels: { en: 'Bakery', de: 'Bäckerei' }`. Optional everywhere, so programmes
 * written before it still load; a language without an entry shows `label`.
 */
export const labelTranslationsSchema = z
  .record(z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language code such as en, de or de-CH'), z.string().min(1).max(80))
  .optional();

export const earnRuleSchema = z.object({
  /** Match by product sku, or by category (a product rule wins over a category rule). */
  match: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sku'), sku: id }),
    z.object({ kind: z.literal('category'), category: id }),
  ]),
  /** `exclude` earns nothing on matching lines (tobacco, gift cards). */
  effect: z.discriminatedUnion('kind', [z.object({ kind: z.literal('exclude') }), z.object({ kind: z.literal('multiplier'), multiplier })]),
  label: z.string().min(1).max(80),
  labels: labelTranslationsSchema,
});

export const promotionSchema = z
  .object({
    id,
    label: z.string().min(1).max(80),
    labels: labelTranslationsSchema,
    /** Store-local ISO weekdays the promotion runs on; absent = every day. */
    weekdays: z.array(isoWeekday).min(1).optional(),
    /** Inclusive store-local date window. */
    fromDate: localDate.optional(),
    toDate: localDate.optional(),
    /** Store-local time of day window [startTime, endTime). */
    startTime: localTime.optional(),
    endTime: localTime.optional(),
    /** Restrict to these categories; absent = every eligible line. */
    categories: z.array(id).min(1).optional(),
    /** Extra multiplier on base points (2 = double points), and/or fixed bonus points per sale. */
    multiplier: multiplier.optional(),
    bonusPoints: z.number().int().min(1).optional(),
  })
  .refine((p) => p.multiplier !== undefined || p.bonusPoints !== undefined, {
    message: 'a promotion needs a multiplier or bonusPoints',
  });

export const tierSchema = z.object({
  id,
  label: z.string().min(1).max(40),
  labels: labelTranslationsSchema,
  /** Qualifying points over the rolling window needed to hold this tier. */
  threshold: z.number().int().min(0),
  /** Earn multiplier on base points (1 = no extra). */
  multiplier,
});

export const rewardSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('product'),
    id,
    label: z.string().min(1).max(80),
    labels: labelTranslationsSchema,
    points: z.number().int().min(1),
    /** One unit of this sku in the basket becomes free. */
    sku: id,
    minTier: id.optional(),
  }),
  z.object({
    kind: z.literal('voucher'),
    id,
    label: z.string().min(1).max(80),
    labels: labelTranslationsSchema,
    points: z.number().int().min(1),
    minTier: id.optional(),
  }),
]);

/**
 * A block of pre-printed card numbers allocated to the programme. Every number
 * in it is `prefix` + serial + one check digit, `length` digits in all. Pick
 * prefixes in GS1's restricted-circulation space (02, 04, 20–29) so a card can
 * never be mistaken for a product barcode.
 */
export const cardRangeSchema = z
  .object({
    prefix: z.string().regex(/^\d{1,18}$/, 'prefix is 1 to 18 digits'),
    length: z.number().int().min(6).max(24),
    /** 'luhn' (ISO/IEC 7812, payment-card style) or 'mod10' (GS1/EAN weights 3 and 1). */
    checkDigit: z.enum(['luhn', 'mod10']),
  })
  .refine((r) => r.prefix.length < r.length - 1, { message: 'prefix must leave room for a serial and the check digit', path: ['prefix'] });

/** A product category's name on screen (keyed amounts, the basket); the id is what products and rules refer to. */
export const categorySchema = z.object({ id, label: z.string().min(1).max(80), labels: labelTranslationsSchema });

/**
 * Member QR tokens: every token expires (a terminal's requested lifetime is
 * capped at `lifetimeDays`), and terminals mint within two rates. Each field
 * has a default, so a programme written before these settings parses.
 */
export const tokenPolicySchema = z.object({
  lifetimeDays: z.number().int().min(1).max(3650).default(730),
  /** Tokens the terminals together may mint for one member in 24 hours (admin-issued tokens do not count). */
  perMemberPerDay: z.number().int().min(1).max(1000).default(5),
  /** Tokens one terminal may mint in an hour, for any members. */
  perTerminalPerHour: z.number().int().min(1).max(100_000).default(60),
});

/**
 * What the server grants a till without a person looking (docs/programme.md,
 * "Bounds"). Points the server derives (a re-priced sale) and points it cannot
 * (a manager's adjustment, earn on keyed amounts) are both bounded; above a
 * bound an event is held for approval (server command `approve`), never applied.
 */
export const boundsSchema = z.object({
  /** Points one sale may credit its member (earn and bonuses). */
  pointsPerSale: z.number().int().min(1).max(1_000_000_000).default(50_000),
  /** Points credited to one member in a store-local day, by all tills. */
  pointsPerMemberPerDay: z.number().int().min(1).max(1_000_000_000).default(100_000),
  /** Points one manager adjustment may add or take (either sign). */
  adjustmentPoints: z.number().int().min(1).max(1_000_000_000).default(5_000),
  /** Adjustment points (either sign, summed) one terminal may make in a store-local day. */
  adjustmentPointsPerTerminalPerDay: z.number().int().min(1).max(1_000_000_000).default(20_000),
  /** Points one sale may earn on keyed amounts (lines without a product the server knows); above it the bound is granted. */
  keyedEarnPerSale: z.number().int().min(0).max(1_000_000_000).default(5_000),
  /** A sale, adjustment or enrolment dated more days before it reaches the server is held (a clock set back, an outage beyond any real one). */
  maxEventAgeDays: z.number().int().min(1).max(3650).default(400),
});
export type Bounds = z.infer<typeof boundsSchema>;

/** The programme's bounds with every default filled in. */
export function boundsOf(config: Pick<ProgramConfig, 'bounds'>): Bounds {
  return boundsSchema.parse(config.bounds ?? {});
}

/** Online redemption holds (server/holds/holds.ts): size, lifetime and rate bounds. */
export const holdPolicySchema = z.object({
  /** The most points one hold may reserve. */
  maxPoints: z.number().int().min(1).default(100_000),
  /** A hold's lifetime is capped at this (the protocol's own cap is 10 minutes). */
  maxTtlSeconds: z.number().int().min(10).max(600).default(300),
  /** Holds one terminal may place in a minute (a replayed hold id does not count). */
  perTerminalPerMinute: z.number().int().min(1).max(10_000).default(30),
});

/** Redemption at the till. */
export const redemptionPolicySchema = z.object({
  /** Points or a reward are redeemed only for a member identified by a scan in the sale, or with a manager's PIN. */
  requirePresence: z.boolean().default(true),
});

/**
 * Whose personal data a till holds (docs/privacy.md). Every till holds every member's
 * identifying and pricing data (cards, status, tier, points, birthday month and day);
 * name, phone, e-mail, full birth date and consent only for the members in its store's
 * scope: `store` (enrolled there, seen there within `seenWithinDays`, or assigned to it),
 * `all` (every member) or `none` (no member: search goes to the server).
 */
export const privacyPolicySchema = z.object({
  personalDataScope: z.enum(['all', 'store', 'none']).default('store'),
  seenWithinDays: z.number().int().min(1).max(3650).default(365),
});

/** Staff PINs: managers and admins unlock overrides, refunds and adjustments, so their PINs are longer. */
export const pinPolicySchema = z.object({
  privilegedMinDigits: z.number().int().min(4).max(8).default(6),
});

export type TokenPolicy = z.output<typeof tokenPolicySchema>;
export type PrivacyPolicy = z.output<typeof privacyPolicySchema>;
export type PinPolicy = z.output<typeof pinPolicySchema>;
export type HoldPolicy = z.output<typeof holdPolicySchema>;
export type RedemptionPolicy = z.output<typeof redemptionPolicySchema>;

export const programConfigSchema = z
  .object({
    version: z.number().int().min(1),
    currency: z.string().regex(/^[A-Z]{3}$/),
    /** IANA zone of the store: promotion windows, birthdays and days are store-local. */
    timeZone: z.string().refine(isValidTimeZone, { message: 'unknown IANA time zone' }),
    earn: z.object({
      /** `points` per `perMinor` minor units paid (1 point per 100 cents). */
      points: z.number().int().min(0).max(1000),
      perMinor: z.number().int().min(1).max(1_000_000),
      /** Paid amount below which a sale earns nothing. */
      minSpendMinor: z.number().int().min(0),
      rules: z.array(earnRuleSchema),
      promotions: z.array(promotionSchema),
    }),
    tiers: z.object({
      /** Ordered from lowest to highest; the first must have threshold 0. */
      levels: z.array(tierSchema).min(1),
      windowMonths: z.number().int().min(1).max(60),
    }),
    bonuses: z.object({
      enrolment: z.number().int().min(0),
      birthday: z.number().int().min(0),
      nthPurchase: z
        .object({ n: z.number().int().min(2), withinDays: z.number().int().min(1), points: z.number().int().min(1) })
        .nullable(),
      referral: z.object({ referrer: z.number().int().min(0), referee: z.number().int().min(0) }).nullable(),
    }),
    redeem: z.object({
      /** `points` buy `valueMinor` of discount (100 points = 100 cents). */
      points: z.number().int().min(1),
      valueMinor: z.number().int().min(1),
      minPoints: z.number().int().min(1),
      stepPoints: z.number().int().min(1),
      /** Largest share of the basket total payable with points, in percent. */
      maxBasketPercent: z.number().int().min(1).max(100),
    }),
    rewards: z.array(rewardSchema),
    expiry: z.object({ months: z.number().int().min(1).max(120) }),
    /**
     * Pre-printed card ranges. Optional so configurations written before cards
     * existed stay valid; read it through cardRanges(), which treats absent as none.
     */
    cards: z.object({ ranges: z.array(cardRangeSchema).default([]) }).optional(),
    /** Names of the categories for the screens; optional (a category without one is shown by its id, made readable). */
    categories: z.array(categorySchema).optional(),
    /** Member QR tokens the server signs (docs/programme.md): read through tokenPolicy(), which fills the defaults. */
    tokens: tokenPolicySchema.optional(),
    /** Online redemption holds' bounds: read through holdPolicy(). */
    holds: holdPolicySchema.optional(),
    /** Who may redeem: read through redemptionPolicy(). */
    redemption: redemptionPolicySchema.optional(),
    /** What the server grants a till unchecked by a person: read through boundsOf(). */
    bounds: boundsSchema.partial().optional(),
    /** Whose personal data tills hold: read through privacyPolicy(). */
    privacy: privacyPolicySchema.partial().optional(),
    /** PIN lengths by role: read through pinPolicy(). */
    pins: pinPolicySchema.partial().optional(),
  })
  .superRefine((cfg, ctx) => {
    const levels = cfg.tiers.levels;
    if (levels[0] && levels[0].threshold !== 0) {
      ctx.addIssue({ code: 'custom', path: ['tiers', 'levels', 0, 'threshold'], message: 'the lowest tier must start at 0' });
    }
    for (let i = 1; i < levels.length; i++) {
      if (levels[i]!.threshold <= levels[i - 1]!.threshold) {
        ctx.addIssue({ code: 'custom', path: ['tiers', 'levels', i, 'threshold'], message: 'tier thresholds must increase' });
      }
    }
    const tierIds = new Set(levels.map((t) => t.id));
    if (tierIds.size !== levels.length) ctx.addIssue({ code: 'custom', path: ['tiers', 'levels'], message: 'tier ids must be unique' });
    cfg.rewards.forEach((r, i) => {
      if (r.minTier !== undefined && !tierIds.has(r.minTier)) {
        ctx.addIssue({ code: 'custom', path: ['rewards', i, 'minTier'], message: `unknown tier ${r.minTier}` });
      }
    });
    if (new Set(cfg.rewards.map((r) => r.id)).size !== cfg.rewards.length) {
      ctx.addIssue({ code: 'custom', path: ['rewards'], message: 'reward ids must be unique' });
    }
    if (cfg.categories && new Set(cfg.categories.map((c) => c.id)).size !== cfg.categories.length) {
      ctx.addIssue({ code: 'custom', path: ['categories'], message: 'category ids must be unique' });
    }
    if (cfg.redeem.minPoints % cfg.redeem.stepPoints !== 0) {
      ctx.addIssue({ code: 'custom', path: ['redeem', 'minPoints'], message: 'minPoints must be a multiple of stepPoints' });
    }
    // Overlapping ranges would make a scanned number's check-digit scheme ambiguous.
    const ranges = cfg.cards?.ranges ?? [];
    ranges.forEach((r, i) => {
      for (let j = 0; j < i; j++) {
        const other = ranges[j]!;
        if (other.length === r.length && (other.prefix.startsWith(r.prefix) || r.prefix.startsWith(other.prefix))) {
          ctx.addIssue({ code: 'custom', path: ['cards', 'ranges', i, 'prefix'], message: `card range overlaps range ${j}` });
        }
      }
    });
  });

export type ProgramConfig = z.infer<typeof programConfigSchema>;
export type EarnRule = z.infer<typeof earnRuleSchema>;
export type Promotion = z.infer<typeof promotionSchema>;
export type Tier = z.infer<typeof tierSchema>;
export type Reward = z.infer<typeof rewardSchema>;
export type CardRange = z.infer<typeof cardRangeSchema>;
export type Category = z.infer<typeof categorySchema>;
export type LabelTranslations = NonNullable<z.infer<typeof labelTranslationsSchema>>;

/**
 * A label in a language: the exact language ("de-CH"), then its base ("de"), then the default
 * `label`. Never the id.
 */
export function labelIn(item: { label: string; labels?: LabelTranslations | undefined }, language: string): string {
  const labels = item.labels;
  if (!labels) return item.label;
  return labels[language] ?? labels[language.split('-')[0]!] ?? item.label;
}

/** The member token settings, with the defaults filled in (also for no programme at all). */
export function tokenPolicy(config: Pick<ProgramConfig, 'tokens'> | null): TokenPolicy {
  return tokenPolicySchema.parse(config?.tokens ?? {});
}

/** The hold bounds, with the defaults filled in. */
export function holdPolicy(config: Pick<ProgramConfig, 'holds'> | null): HoldPolicy {
  return holdPolicySchema.parse(config?.holds ?? {});
}

/** The personal-data scope of tills, with the defaults filled in. */
export function privacyPolicy(config: Pick<ProgramConfig, 'privacy'> | null): PrivacyPolicy {
  return privacyPolicySchema.parse(config?.privacy ?? {});
}

/** The PIN rules, with the defaults filled in. */
export function pinPolicy(config: Pick<ProgramConfig, 'pins'> | null): PinPolicy {
  return pinPolicySchema.parse(config?.pins ?? {});
}

/** The redemption settings, with the defaults filled in. */
export function redemptionPolicy(config: Pick<ProgramConfig, 'redemption'> | null): RedemptionPolicy {
  return redemptionPolicySchema.parse(config?.redemption ?? {});
}

/** The programme's card ranges; none when the configuration predates them. */
export function cardRanges(config: Pick<ProgramConfig, 'cards'>): readonly CardRange[] {
  return config.cards?.ranges ?? [];
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
