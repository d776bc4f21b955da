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

/** The store locale's numeric date layout: its parts in order and its separator ("de-DE": day.month.year). */
export function dateLayout(locale: string): { order: ('day' | 'month' | 'year')[]; separator: string } {
  const parts = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).formatToParts(
    Date.UTC(2033, 10, 22),
  );
  const order = parts.flatMap((p) => (p.type === 'day' || p.type === 'month' || p.type === 'year' ? [p.type] : []));
  const separator = parts.find((p) => p.type === 'literal')?.value ?? '/';
  return { order: order.length === 3 ? order : ['year', 'month', 'day'], separator };
}

/** A calendar date (YYYY-MM-DD) as the store writes it with digits ("14.03.2026" in de-DE, "14/03/2026" in en-GB). */
export function formatCalendarDate(isoDate: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const { order, separator } = dateLayout(locale);
  const value = { year: m[1]!, month: m[2]!, day: m[3]! };
  return order.map((part) => value[part]).join(separator);
}

/**
 * A date typed in the store's layout ("14.3.2026", "14.03.26" is refused: the year has 4 digits)
 * as YYYY-MM-DD, or null when it is not a real calendar date. Any of . / - or a space separates.
 */
export function parseCalendarDate(text: string, locale: string): string | null {
  const fields = text.trim().split(/\s*[./\-\s]\s*/);
  if (fields.length !== 3 || fields.some((f) => !/^\d+$/.test(f))) return null;
  const { order } = dateLayout(locale);
  const value: Record<string, string> = {};
  order.forEach((part, i) => (value[part] = fields[i]!));
  if (value.year!.length !== 4 || value.month!.length > 2 || value.day!.length > 2) return null;
  const [y, mo, d] = [Number(value.year), Number(value.month), Number(value.day)];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${value.year}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A time zone's name for people in `language` ("Mitteleuropäische Zeit", "Central European Time"),
 * not its IANA id; the id itself only where the platform has no name for it.
 */
export function timeZoneName(timeZone: string, language: string, at: number = Date.now()): string {
  try {
    const parts = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'longGeneric' }).formatToParts(at);
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone; // an id this platform does not know
  }
}
