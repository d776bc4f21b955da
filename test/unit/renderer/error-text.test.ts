import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';
import { ApiError } from '../../../renderer/api/client.ts';
import { ERROR_MESSAGES, errorText } from '../../../renderer/components/screens-common/error-text.ts';
import { de } from '../../../renderer/i18n/de.ts';
import { en } from '../../../renderer/i18n/en.ts';
import { LANGUAGES, translate, type Language } from '../../../renderer/i18n/translate.ts';

const BACKEND_WORDS = 'English words from the backend, for the log';
const fail = (code: ErrorCode, details?: Record<string, unknown>) =>
  new ApiError({ code, message: BACKEND_WORDS, ...(details && { details }) });
const t = (language: Language) => (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
  translate(language, key, vars);
const store = { locale: 'de-DE', currency: 'EUR', timeZone: 'Europe/Berlin' };

describe('backend errors are worded by the screens, in the cashier’s language', () => {
  it('every error code has its own message in every language, never the backend’s English', () => {
    for (const code of ERROR_CODES) {
      const key = ERROR_MESSAGES[code];
      expect(key, code).toBeDefined();
      for (const language of Object.keys(LANGUAGES) as Language[]) {
        const text = errorText(fail(code), t(language));
        expect(text, `${code} in ${language}`).not.toBe(BACKEND_WORDS);
        expect(text.trim().length, `${code} in ${language}`).toBeGreaterThan(10);
        expect(text, `${code} in ${language}`).not.toMatch(/\{\w+\}/);
      }
      expect(de[key], `${code}: the German message is the English one`).not.toBe(en[key]);
    }
  });

  it('says the figures the details carry: the offline allowance left, points available, attempts left, the lock’s end', () => {
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { reason: 'member_daily_cap', capRemaining: 1500 }), t('de'), store)).toBe(
      de['error.offlineMemberCap'].replace('{remaining}', '1.500'),
    );
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { reason: 'terminal_daily_cap', capRemaining: 200 }), t('en'), store)).toContain(
      '200 points left',
    );
    expect(errorText(fail('INSUFFICIENT_POINTS', { available: 1234 }), t('de'), store)).toBe('Nicht genug Punkte: 1.234 sind verfügbar.');
    expect(errorText(fail('UNAUTHENTICATED', { attemptsLeft: 2 }), t('de'), store)).toContain('Noch 2 Versuche');
    const until = Date.UTC(2026, 2, 14, 13, 5); // 14:05 in Berlin
    expect(errorText(fail('LOCKED_OUT', { until }), t('de'), store)).toContain('gesperrt bis 14:05 Uhr');
    expect(errorText(fail('FORBIDDEN', { role: 'manager' }), t('de'), store)).toBe('Dafür ist die Rolle Marktleitung nötig.');
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { min: 100, max: 2000, step: 50 }), t('de'), store)).toBe(
      'Einlösbar sind 100 bis 2.000 Punkte, in Schritten von 50.',
    );
  });

  it('a redemption for a member found by search, too many points in one hold, and a server asking to wait, in words', () => {
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { reason: 'presence_required', overrideAllowed: true }), t('de'), store)).toBe(
      de['error.presenceRequired'],
    );
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { reason: 'presence_required' }), t('en'), store)).toMatch(
      /scan their card or QR code/,
    );
    expect(errorText(fail('REDEMPTION_NOT_ALLOWED', { reason: 'hold_too_large', max: 2000 }), t('de'), store)).toBe(
      de['error.holdTooLarge'],
    );
    expect(errorText(fail('RATE_LIMITED', { retryAfterSeconds: 20 }), t('de'), store)).toBe(de['error.code.RATE_LIMITED']);
    // A member's QR codes for today are used up: not "try again shortly".
    expect(errorText(fail('RATE_LIMITED', { limitedBy: 'member', retryAfterSeconds: 80_000 }), t('en'), store)).toMatch(/tomorrow/);
    expect(errorText(fail('RATE_LIMITED', { limitedBy: 'member' }), t('de'), store)).toBe(de['error.rateLimitedMember']);
    // The server's "not enough points" names no figure: neither does the screen.
    expect(errorText(fail('INSUFFICIENT_POINTS', { source: 'server' }), t('en'), store)).toBe(en['error.code.INSUFFICIENT_POINTS']);
  });

  it('a failure that is not the backend’s answer is a plain “try again”', () => {
    expect(errorText(new Error('socket closed'), t('de'))).toBe(de['error.generic']);
  });
});
