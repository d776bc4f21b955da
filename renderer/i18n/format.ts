/**
 * Money, points and dates through Intl, in the store's currency, locale and
 * time zone (not the browser's): a receipt reads the same on every terminal.
 */
export interface StoreFormat {
  locale: string;
  currency: string;
  timeZone: string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

export function formatMoney(minor: number, f: StoreFormat): string {
  const nf = cached(`m|${f.locale}|${f.currency}`, () => new Intl.NumberFormat(f.locale, { style: 'currency', currency: f.currency }));
  const digits = nf.resolvedOptions().maximumFractionDigits ?? 2;
  return nf.format(minor / 10 ** digits);
}

/** Minor units per major unit of the currency (100 for EUR, 1 for JPY). */
export function minorPerMajor(f: StoreFormat): number {
  const nf = cached(`m|${f.locale}|${f.currency}`, () => new Intl.NumberFormat(f.locale, { style: 'currency', currency: f.currency }));
  return 10 ** (nf.resolvedOptions().maximumFractionDigits ?? 2);
}

/**
 * An amount a person typed ("12,50", "12.5", "1 234,00", "1.234") in minor
 * units, or null when it is not an amount. Either separator may be the decimal
 * point: the last one is, when at most the currency's digits follow it;
 * otherwise separators group thousands.
 */
export function parseMoney(text: string, f: StoreFormat): number | null {
  const cleaned = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!/^\d+([.,]\d+)*$/.test(cleaned)) return null;
  const per = minorPerMajor(f);
  const decimals = Math.round(Math.log10(per));
  const parts = cleaned.split(/[.,]/);
  const separators = cleaned.replace(/\d/g, '');
  let fraction = '';
  if (parts.length > 1 && parts.at(-1)!.length <= decimals) {
    fraction = parts.pop()!;
    // "12,345,6": the same mark cannot both group thousands and start the decimals.
    if (separators.slice(0, -1).includes(separators.at(-1)!)) return null;
  }
  const [head, ...groups] = parts;
  if (groups.some((g) => g.length !== 3)) return null;
  const minor = Number(head! + groups.join('')) * per + Number(fraction.padEnd(decimals, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

export function formatPoints(points: number, f: Pick<StoreFormat, 'locale'>): string {
  return cached(`p|${f.locale}`, () => new Intl.NumberFormat(f.locale, { maximumFractionDigits: 0 })).format(points);
}

export function formatDateTime(ms: number, f: StoreFormat): string {
  return cached(
    `dt|${f.locale}|${f.timeZone}`,
    () => new Intl.DateTimeFormat(f.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: f.timeZone }),
  ).format(ms);
}
