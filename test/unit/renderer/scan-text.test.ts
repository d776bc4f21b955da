import { describe, expect, it } from 'vitest';
import { SCAN_REJECTION_CODES } from '../../../shared/scan-result.ts';
import { scanRejectionText } from '../../../renderer/components/screens-common/scan-text.ts';
import { translate, type Language } from '../../../renderer/i18n/translate.ts';

const t = (language: Language) => (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
  translate(language, key, vars);
const rejected = (code: string, tokenReason?: string) => ({
  kind: 'rejected' as const,
  code,
  reason: 'The English words of the backend, for logs.',
  ...(tokenReason === undefined ? {} : { tokenReason }),
});

describe('a refused scan in the cashier’s language', () => {
  it('every rejection code has its own words in English and German, never the backend’s English reason', () => {
    for (const code of SCAN_REJECTION_CODES) {
      const en = scanRejectionText(rejected(code), t('en'));
      const de = scanRejectionText(rejected(code), t('de'));
      expect(en).toMatch(/^✗ \S/);
      expect(de).toMatch(/^✗ \S/);
      expect(de).not.toBe(en);
      expect(`${en} ${de}`).not.toContain('for logs');
    }
    expect(scanRejectionText(rejected('UNKNOWN_FORMAT'), t('en'))).toContain('not a member code, card or product barcode');
  });

  it('a member QR code says why (expired, withdrawn, not genuine), and what to do', () => {
    expect(scanRejectionText(rejected('BAD_TOKEN', 'expired'), t('de'))).toContain('abgelaufen');
    expect(scanRejectionText(rejected('BAD_TOKEN', 'revoked'), t('de'))).toContain('zurückgezogen');
    expect(scanRejectionText(rejected('BAD_TOKEN', 'bad-signature'), t('en'))).toContain('not genuine');
    // A reason this screen does not know yet: the code's general words.
    expect(scanRejectionText(rejected('BAD_TOKEN', 'malformed'), t('de'))).toBe(scanRejectionText(rejected('BAD_TOKEN'), t('de')));
  });

  it('a code from a newer backend is worded as an unreadable scan', () => {
    expect(scanRejectionText(rejected('SOMETHING_NEW'), t('de'))).toBe(scanRejectionText(rejected('GARBAGE'), t('de')));
  });
});
