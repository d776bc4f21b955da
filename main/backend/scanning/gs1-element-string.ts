/**
 * GS1 element strings (GS1-128, GS1 DataBar, GS1 QR/DataMatrix) as scanners
 * transmit them: application identifiers (AIs) and values run together, a
 * variable-length value ended by FNC1, which arrives as ASCII 29 (GS). Also the
 * printed human-readable form "(01)09506000134352(17)251231".
 *
 * Only AIs in the table below are understood: an unknown AI's length cannot be
 * known, so the rest of the string could not be split safely and it is refused.
 */
import { hasValidCheckDigit } from './check-digit.ts';

export const GS = '\x1d';

export type Gs1Refusal = 'malformed' | 'unknown-ai' | 'bad-check-digit' | 'bad-date';

export type ParsedElementString =
  { ok: true; ai: Record<string, string> } | { ok: false; reason: Gs1Refusal; message: string; detail: string };

interface AiSpec {
  /** Number of digits of the AI itself. */
  digits: number;
  /** Exact value length, or the maximum when `variable`. */
  length: number;
  variable: boolean;
  numeric: boolean;
  check?: 'gs1' | 'date';
}

const fixedN = (digits: number, length: number, check?: 'gs1' | 'date'): AiSpec => ({
  digits,
  length,
  variable: false,
  numeric: true,
  check,
});
const varN = (digits: number, length: number): AiSpec => ({ digits, length, variable: true, numeric: true });
const varX = (digits: number, length: number): AiSpec => ({ digits, length, variable: true, numeric: false });

/** Keyed by the AI's first two digits; a function where the AI is longer. The common AIs of retail, logistics and weights. */
const AI_TABLE: Record<string, AiSpec | ((ai3: string) => AiSpec | undefined)> = {
  '00': fixedN(2, 18, 'gs1'), // SSCC
  '01': fixedN(2, 14, 'gs1'), // GTIN
  '02': fixedN(2, 14, 'gs1'), // GTIN of contained items
  '10': varX(2, 20), // batch or lot
  '11': fixedN(2, 6, 'date'), // production date
  '12': fixedN(2, 6, 'date'), // due date
  '13': fixedN(2, 6, 'date'), // packaging date
  '15': fixedN(2, 6, 'date'), // best before
  '16': fixedN(2, 6, 'date'), // sell by
  '17': fixedN(2, 6, 'date'), // expiry
  '20': fixedN(2, 2), // variant
  '21': varX(2, 20), // serial number
  '22': varX(2, 20), // consumer product variant
  '24': (ai) => (ai === '240' || ai === '241' ? varX(3, 30) : undefined),
  '25': (ai) => (ai === '250' || ai === '251' ? varX(3, 30) : ai === '254' ? varX(3, 20) : undefined),
  '30': varN(2, 8), // variable count
  '37': varN(2, 8), // count of trade items
  // 31nn–36nn: measures (weights, lengths, volumes); the fourth digit is the decimal point position.
  '31': () => fixedN(4, 6),
  '32': () => fixedN(4, 6),
  '33': () => fixedN(4, 6),
  '34': () => fixedN(4, 6),
  '35': () => fixedN(4, 6),
  '36': () => fixedN(4, 6),
  // 390n/392n amount payable, 391n/393n with an ISO currency code in front.
  '39': (ai) => (ai === '390' || ai === '392' ? varN(4, 15) : ai === '391' || ai === '393' ? varN(4, 18) : undefined),
  '40': (ai) => (ai === '400' || ai === '401' || ai === '403' ? varX(3, 30) : ai === '402' ? fixedN(3, 17, 'gs1') : undefined),
  '41': (ai) => (ai <= '417' ? fixedN(3, 13, 'gs1') : undefined), // GLNs
  '42': (ai) =>
    ai === '420' ? varX(3, 20) : ai === '421' ? varX(3, 12) : ai === '422' || ai === '424' || ai === '426' ? fixedN(3, 3) : undefined,
  '70': (ai) => (ai === '700' ? fixedN(4, 10) : undefined), // only 7003, checked below
  '80': (ai) => (ai === '800' ? fixedN(4, 6) : undefined), // only 8005, checked below
  '90': varX(2, 30), // mutually agreed
  '91': varX(2, 90), // 91–99: company internal
  '92': varX(2, 90),
  '93': varX(2, 90),
  '94': varX(2, 90),
  '95': varX(2, 90),
  '96': varX(2, 90),
  '97': varX(2, 90),
  '98': varX(2, 90),
  '99': varX(2, 90),
};
const FOUR_DIGIT_EXACT = new Set(['7003', '8005']);

/** The spec for the AI that starts `text` at `at`, with the AI string; undefined when unknown. */
function lookupAi(text: string, at: number): { ai: string; spec: AiSpec } | undefined {
  const entry = AI_TABLE[text.slice(at, at + 2)];
  const spec = typeof entry === 'function' ? entry(text.slice(at, at + 3)) : entry;
  if (spec === undefined) return undefined;
  const ai = text.slice(at, at + spec.digits);
  if (ai.length !== spec.digits || !/^\d+$/.test(ai)) return undefined;
  if (spec.digits === 4 && (ai.startsWith('70') || ai.startsWith('80')) && !FOUR_DIGIT_EXACT.has(ai)) return undefined;
  return { ai, spec };
}

/** Parses raw element-string data (AIM prefix already removed). A leading or trailing GS is tolerated. */
export function parseElementString(data: string): ParsedElementString {
  const ai: Record<string, string> = {};
  let at = data.startsWith(GS) ? 1 : 0;
  if (at >= data.length) return refuse('malformed', 'empty element string');
  while (at < data.length) {
    const found = lookupAi(data, at);
    if (!found) return refuse('unknown-ai', `unknown application identifier at position ${at}`);
    const start = at + found.ai.length;
    let end: number;
    if (found.spec.variable) {
      const gs = data.indexOf(GS, start);
      end = gs < 0 ? data.length : gs;
    } else {
      end = start + found.spec.length;
      if (end > data.length) return refuse('malformed', `AI (${found.ai}) is cut short`);
    }
    const problem = addElement(ai, found.ai, found.spec, data.slice(start, end));
    if (problem) return problem;
    at = end < data.length && data[end] === GS ? end + 1 : end;
  }
  return { ok: true, ai };
}

/** Parses the human-readable form "(01)…(10)…"; spaces between elements are allowed. */
export function parseHumanReadable(text: string): ParsedElementString {
  const compact = text.replace(/\)\s+/g, ')').replace(/\s+\(/g, '(');
  if (!/^(\(\d{2,4}\)[^()]+)+$/.test(compact)) return refuse('malformed', 'not in the (AI)value form');
  const ai: Record<string, string> = {};
  for (const [, id, value] of compact.matchAll(/\((\d{2,4})\)([^()]+)/g)) {
    const found = lookupAi(id!, 0);
    if (!found || found.ai !== id) return refuse('unknown-ai', `unknown application identifier (${id})`);
    const problem = addElement(ai, found.ai, found.spec, value!);
    if (problem) return problem;
  }
  return { ok: true, ai };
}

function addElement(into: Record<string, string>, ai: string, spec: AiSpec, value: string): ParsedElementString | undefined {
  if (value.length === 0 || (spec.variable ? value.length > spec.length : value.length !== spec.length)) {
    return refuse('malformed', `AI (${ai}) has ${value.length} characters`);
  }
  // GS1 character set 82 is printable ASCII without space and a few symbols; printable ASCII is close enough to refuse noise.
  if (spec.numeric ? !/^\d+$/.test(value) : !/^[\x21-\x7e]+$/.test(value))
    return refuse('malformed', `AI (${ai}) has characters it may not hold`);
  if (spec.check === 'gs1' && !hasValidCheckDigit(value, 'gs1')) return refuse('bad-check-digit', `AI (${ai}) check digit`);
  if (spec.check === 'date' && !isGs1Date(value)) return refuse('bad-date', `AI (${ai}) is not a YYMMDD date`);
  if (into[ai] !== undefined && into[ai] !== value) return refuse('malformed', `AI (${ai}) appears twice with different values`);
  into[ai] = value;
  return undefined;
}

/** YYMMDD; DD 00 means "end of the month", as GS1 allows. */
function isGs1Date(value: string): boolean {
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  return month >= 1 && month <= 12 && day <= 31;
}

function refuse(reason: Gs1Refusal, detail: string): ParsedElementString {
  const message =
    reason === 'bad-check-digit'
      ? 'The barcode did not read correctly (check digit). Scan it again.'
      : reason === 'bad-date'
        ? 'The barcode carries an impossible date. Scan it again.'
        : 'This GS1 barcode could not be read. Scan it again or type the product in.';
  return { ok: false, reason, message, detail };
}
