import { getCountries, parsePhoneNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { phoneSearchKeys } from '../../../shared/phone-keys.ts';
import { phoneKey } from '../store/members.ts';

/**
 * Phone numbers as the terminal stores and searches them: the digits of the international
 * number (E.164 without '+': "4915101000003"), read with libphonenumber-js for the store's
 * country, so "0151 0100 0003", "+49 151 01000003" and "0049 151 01000003" are one number.
 */

const COUNTRIES = new Set<string>(getCountries());

/**
 * The store's country for numbers typed without a country code: `override` (LT_PHONE_COUNTRY)
 * when given, else the region of the store's locale ("de-DE" → DE; "de" → DE by its likely
 * region). Undefined when neither names a country: numbers are then taken as international.
 */
export function phoneCountry(locale: string, override?: string): CountryCode | undefined {
  const fromOverride = override?.toUpperCase();
  if (fromOverride && COUNTRIES.has(fromOverride)) return fromOverride as CountryCode;
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return region && COUNTRIES.has(region) ? (region as CountryCode) : undefined;
  } catch {
    return undefined;
  }
}

/** The international number ("+4915101000003") for what was typed at enrolment; null when the library cannot read it as a possible number. */
export function internationalPhone(typed: string, country: CountryCode | undefined): string | null {
  const parsed = parsePhoneNumberFromString(typed, country);
  return parsed?.isPossible() ? parsed.number : null;
}

/** The number to store (its digits with the country code) for what was typed: the international reading, else the digits typed. */
export function storedPhone(typed: string, country: CountryCode | undefined): string {
  return phoneKey(internationalPhone(typed, country) ?? typed);
}

/** The stored-digit prefixes a typed phone may stand for (shared/phone-keys.ts: the server's online search reads them the same way). */
export { phoneSearchKeys };

/**
 * A stored number as a person writes it: national for the store's own country ("0151 01000003"),
 * international for others ("+33 6 12 34 56 78"); the digits as stored when the library cannot read them.
 */
export function displayPhone(stored: string | null, country: CountryCode | undefined): string | null {
  if (stored === null) return null;
  try {
    const parsed = parsePhoneNumber(`+${stored}`);
    return parsed.country !== undefined && parsed.country === country ? parsed.formatNational() : parsed.formatInternational();
  } catch {
    return stored;
  }
}
