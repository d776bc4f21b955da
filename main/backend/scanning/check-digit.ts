/**
 * Mod-10 check digits. Both take the digits WITHOUT the check digit and return
 * the digit that completes them, counting weights from the right-hand end.
 */

/** GS1 (EAN, UPC, GTIN-14, SSCC): weights 3, 1, 3, … from the digit next to the check digit. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += (body.charCodeAt(i) - 48) * weight;
  return (10 - (sum % 10)) % 10;
}

/** Luhn (ISO/IEC 7812): every second digit from the check digit's neighbour doubled, digits of the product summed. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    const d = body.charCodeAt(i) - 48;
    sum += double ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is its correct check digit (digits only, at least two). */
export function hasValidCheckDigit(digits: string, scheme: 'gs1' | 'luhn'): boolean {
  if (digits.length < 2 || !/^\d+$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  const expected = scheme === 'gs1' ? gs1CheckDigit(body) : luhnCheckDigit(body);
  return digits.charCodeAt(digits.length - 1) - 48 === expected;
}
