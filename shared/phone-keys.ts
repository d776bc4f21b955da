import { AsYouType, type CountryCode } from 'libphonenumber-js/min';

/**
 * Phone search keys, shared by the till's offline search and the server's online one: the
 * stored-digit prefixes a typed phone (or the start of one) may stand for, most likely first.
 * Both store phones as digits ("4915101000003", or older records as typed, "0151 01000003"),
 * so a key is compared with the stored number's digits by prefix.
 */

/** The digits of a phone as typed or stored: "+49 (151) 0100-0003" → "49151010000003". */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/**
 * The number read for the store's country ("0151 01" → "4915101"), and the digits as typed: they may
 * already be international without a '+' ("49151…", as older versions asked for), or a number stored
 * as typed at enrolment by an older version or an import ("0151…"). "+49 151…" is its digits only.
 */
export function phoneSearchKeys(typed: string, country: CountryCode | undefined): string[] {
  const keys: string[] = [];
  if (typed.trim().startsWith('+')) keys.push(phoneDigits(typed));
  else {
    const reader = new AsYouType(country);
    reader.input(typed);
    const value = reader.getNumberValue();
    if (value) keys.push(value.slice(1));
    keys.push(phoneDigits(typed));
  }
  return [...new Set(keys.filter((k) => k.length > 0))];
}

/** What a person may be shown of a phone they may not read: its last two digits ("••• ••• •47"); null without a phone. */
export function maskedPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phoneDigits(phone);
  if (digits.length < 4) return '••• ••• •••';
  return `••• ••• •${digits.slice(-2)}`;
}
