/**
 * Fuzz: 100,000+ random and mutated scans through parseScan. Seeded PRNG, so a
 * failure names the seed and case that reproduce it. Checks: nothing throws,
 * every result is one of the union's kinds with well-formed fields, no mutated
 * token is ever accepted as anyone but its genuine member, and refusal log
 * fields never echo the scanned text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from '../../../main/backend/scanning/check-digit.ts';
import { MAX_SCAN_LENGTH, parseScan, type ParseScanContext } from '../../../main/backend/scanning/parse-scan.ts';
import { PARSED_SCAN_KINDS, SCAN_REJECTION_CODES, type ParsedScan } from '../../../shared/scan-result.ts';
import type { ScanEvent } from '../../../shared/scan.ts';
import { CARD, CARD_RANGES, DAY, ISSUED, keyring, makeKey, MEMBER_ID, NOW, tokenFor } from '../../fixtures/member-tokens.ts';
import { prng } from '../../../shared/prng.ts';

const SEED = 0x5ca11ed;
const CASES = 120_000;

const server = makeKey(1);
const rotated = makeKey(2);
const stranger = makeKey(1);
const GS = '\x1d';

const TOKENS = [
  tokenFor(server),
  tokenFor(rotated, { cardNumber: null, tokenId: '0000000000aa' }),
  tokenFor(server, { cardNumber: 'CARD-000001', expiresAt: null, tokenId: '0000000000bb' }),
  tokenFor(server, { expiresAt: ISSUED + 1000, tokenId: '0000000000cc' }), // expired
  tokenFor(stranger), // forged
];
/** Tokens that may verify: 'bb' is revoked, 'cc' expired, the stranger's forged. */
const GENUINE_TOKEN_IDS = new Set(['a1b2c3d4e5f6', '0000000000aa']);
const CODES = ['4006381333931', '96385074', '036000291452', '04252614', '10614141000415', '5449000000996', CARD, '2950000000013'];
const GS1 = [
  `]C1010950600013435217251231${GS}10LOT7${GS}21SN1`,
  '0109506000134352310300075010B',
  `${GS}0100000096385074`,
  '(01)09506000134352(17)251231',
];
const SYMBOLOGIES = [undefined, ']Q1', ']E0', ']E4', ']C1', ']e0', ']Q3', ']d2', ']C0', 'junk', ''];
const SOURCES = ['serial', 'wedge', 'camera'] as const;

function fuzzCase(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const randomChars = (n: number, from: number, span: number) =>
    Array.from({ length: n }, () => String.fromCharCode(from + int(span))).join('');
  const r = rand();
  if (r < 0.12) {
    // Raw serial noise decoded as the adapter would (latin1-ish bytes, invalid UTF-8 as U+FFFD).
    return Array.from({ length: int(64) }, () => (rand() < 0.05 ? '\uFFFD' : String.fromCharCode(int(256)))).join('');
  }
  if (r < 0.2) return randomChars(int(80), 0x20, 95);
  if (r < 0.28) return randomChars(int(30), 0x30, 10);
  if (r < 0.3) return 'LT' + randomChars(int(3), 0x30, 10) + '.' + randomChars(int(200), 0x41, 58);
  if (r < 0.31) return randomChars(MAX_SCAN_LENGTH - 2 + int(5), 0x30, 10);
  if (r < 0.32)
    return String.fromCodePoint(...Array.from({ length: int(20) }, () => int(0x10ffff)).filter((c) => c < 0xd800 || c > 0xdfff));
  const base = r < 0.62 ? pick(TOKENS) : r < 0.85 ? pick(CODES) : pick(GS1);
  return mutate(base, rand, int, pick);
}

function mutate(text: string, rand: () => number, int: (n: number) => number, pick: <T>(xs: readonly T[]) => T): string {
  let out = text;
  for (let m = 1 + int(3); m > 0; m--) {
    const at = int(out.length + 1);
    switch (int(8)) {
      case 0: // flip one bit of one character
        if (out.length > 0)
          out =
            out.slice(0, at) +
            String.fromCharCode((out.charCodeAt(Math.min(at, out.length - 1)) ^ (1 << int(7))) & 0x7f) +
            out.slice(at + 1);
        break;
      case 1:
        out = out.slice(0, at); // truncate
        break;
      case 2:
        out = out.slice(0, at) + pick(['0', '9', 'A', 'z', GS, '\r', '\n', '\u0000', ' ', '=', ']', '(', ')', '\uFFFD']) + out.slice(at); // insert
        break;
      case 3:
        out = out.slice(0, at) + out.slice(at + 1 + int(4)); // delete
        break;
      case 4:
        out = rand() < 0.5 ? out.toLowerCase() : out.toUpperCase();
        break;
      case 5:
        out = out + out.slice(0, int(out.length)); // duplicated tail (scanner repeat)
        break;
      case 6:
        out = pick([']Q1', ']C1', ']E0', ']d2', '\r\n', GS]) + out;
        break;
      default:
        if (out.length > 1) {
          const i = int(out.length - 1);
          out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2); // swap neighbours
        }
    }
  }
  return out;
}

function checkResult(result: ParsedScan, text: string): void {
  if (!PARSED_SCAN_KINDS.includes(result.kind)) throw new Error(`unknown kind ${String(result.kind)}`);
  switch (result.kind) {
    case 'member-token':
      // A mutation may only survive by being a harmless respelling (case, AIM prefix, whitespace) of a genuine token.
      if (result.memberId !== MEMBER_ID || !GENUINE_TOKEN_IDS.has(result.tokenId))
        throw new Error(`accepted a token that was never issued: ${result.tokenId}`);
      break;
    case 'card':
      if (
        !/^\d+$/.test(result.cardNumber) ||
        !CARD_RANGES.some((r) => result.cardNumber.startsWith(r.prefix) && result.cardNumber.length === r.length)
      ) {
        throw new Error('card outside the ranges');
      }
      break;
    case 'product':
      if (!/^\d{14}$/.test(result.gtin) || !hasValidCheckDigit(result.gtin, 'gs1') || result.barcodes.length === 0)
        throw new Error(`bad product ${result.gtin}`);
      break;
    case 'rejected': {
      if (!SCAN_REJECTION_CODES.includes(result.code)) throw new Error(`unknown code ${result.code}`);
      if (typeof result.reason !== 'string' || result.reason.length === 0) throw new Error('rejection without a reason');
      for (const value of Object.values(result.log))
        if (typeof value !== 'string' && typeof value !== 'number') throw new Error('log field not a scalar');
      const core = text.replace(/^(\][A-Za-z][0-9A-Za-z])?[ \t\r\n]*|[ \t\r\n]+$/g, '');
      if (core.length >= 8 && JSON.stringify(result.log).includes(core)) throw new Error('log echoes the scan');
      break;
    }
  }
}

describe('parseScan fuzz', () => {
  it(`${CASES} random and mutated scans: never throws, always a typed result`, () => {
    const rand = prng(SEED);
    const ctx: ParseScanContext = {
      keys: keyring(server, rotated),
      now: NOW,
      cardRanges: CARD_RANGES,
      isRevoked: (tokenId) => tokenId === '0000000000bb',
    };
    const kinds = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const text = fuzzCase(rand);
      const symbology = SYMBOLOGIES[Math.floor(rand() * SYMBOLOGIES.length)];
      const event: ScanEvent = { source: SOURCES[i % 3]!, text, at: NOW + i, ...(symbology === undefined ? {} : { symbology }) };
      let result: ParsedScan;
      try {
        result = parseScan(event, { ...ctx, now: NOW + (i % 7) * DAY * 10 });
        checkResult(result, text);
      } catch (error) {
        throw new Error(`seed ${SEED} case ${i} ${JSON.stringify(event)}: ${String(error)}`, { cause: error });
      }
      const key = result.kind === 'rejected' ? `rejected:${result.code}` : result.kind;
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
    }
    const ms = performance.now() - started;
    console.log(`parseScan fuzz: ${CASES} cases in ${ms.toFixed(0)} ms`, Object.fromEntries([...kinds].sort()));
    // The mix must reach every branch, or the fuzz proves little.
    for (const kind of [
      'member-token',
      'card',
      'product',
      'rejected:BAD_TOKEN',
      'rejected:BAD_CHECK_DIGIT',
      'rejected:GARBAGE',
      'rejected:UNKNOWN_FORMAT',
      'rejected:TOO_LONG',
      'rejected:EMPTY',
      'rejected:BAD_PRODUCT_CODE',
    ]) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
  });

  it('any string of any code units, with any symbology (fast-check)', () => {
    const ctx: ParseScanContext = { keys: keyring(server), now: NOW, cardRanges: CARD_RANGES };
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
        (text, symbology) => {
          const result = parseScan({ source: 'wedge', text, at: NOW, ...(symbology === undefined ? {} : { symbology }) }, ctx);
          checkResult(result, text);
        },
      ),
      { numRuns: 5_000, seed: SEED },
    );
  });
});
