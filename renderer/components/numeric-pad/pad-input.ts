/**
 * What one key of the numeric pad does to its value: pure, shared by the on-screen buttons and the
 * physical keyboard, so both behave the same.
 */

export type PadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'decimal' | 'backspace' | 'clear';

export interface PadRules {
  /** The most characters the value may hold (a PIN's 8 digits, an amount's 9). */
  maxLength?: number;
  /** The decimal separator to offer (',' or '.'); none for PINs and quantities. */
  decimalSeparator?: string;
  /** The most digits after the separator (2 for cents). */
  maxDecimals?: number;
}

/** The value after pressing `key`; unchanged when the key would break the rules. */
export function applyPadKey(value: string, key: PadKey, rules: PadRules = {}): string {
  if (key === 'clear') return '';
  if (key === 'backspace') return value.slice(0, -1);
  const max = rules.maxLength ?? Infinity;
  if (value.length >= max) return value;
  const sep = rules.decimalSeparator;
  if (key === 'decimal') {
    if (!sep || value.includes(sep)) return value;
    return (value === '' ? '0' : value) + sep;
  }
  if (sep && value.includes(sep)) {
    const decimals = value.length - value.indexOf(sep) - 1;
    if (decimals >= (rules.maxDecimals ?? Infinity)) return value;
  }
  return value + key;
}

/**
 * The pad key a physical key stands for, or 'enter'; null for any other key. Both decimal
 * separators map to 'decimal' (a German keyboard's numpad types ',', an English one '.').
 */
export function padKeyFor(key: string): PadKey | 'enter' | null {
  if (/^[0-9]$/.test(key)) return key as PadKey;
  if (key === 'Backspace') return 'backspace';
  if (key === 'Delete' || key === 'Escape') return 'clear';
  if (key === 'Enter') return 'enter';
  if (key === ',' || key === '.') return 'decimal';
  return null;
}
