import { describe, expect, it } from 'vitest';
import { applyPadKey, padKeyFor, type PadKey } from '../../../renderer/components/numeric-pad/pad-input.ts';

const type = (keys: PadKey[], rules = {}) => keys.reduce((value, key) => applyPadKey(value, key, rules), '');

describe('numeric pad input', () => {
  it('types digits, deletes the last one and clears', () => {
    expect(type(['1', '2', '3'])).toBe('123');
    expect(type(['1', '2', 'backspace', '4'])).toBe('14');
    expect(type(['1', '2', 'clear', '9'])).toBe('9');
    expect(type(['backspace'])).toBe('');
  });

  it('stops at the maximum length (a PIN of 8 digits)', () => {
    expect(type(['1', '2', '3', '4', '5', '6', '7', '8', '9'], { maxLength: 8 })).toBe('12345678');
  });

  it('takes no decimal separator unless one is offered', () => {
    expect(type(['1', 'decimal', '5'])).toBe('15');
  });

  it('takes one separator, starts with 0 and keeps two decimals for an amount', () => {
    const rules = { decimalSeparator: ',', maxDecimals: 2 };
    expect(type(['decimal', '5'], rules)).toBe('0,5');
    expect(type(['1', '2', 'decimal', '3', '4', '5', 'decimal'], rules)).toBe('12,34');
  });

  it('maps physical keys to pad keys', () => {
    expect(padKeyFor('7')).toBe('7');
    expect(padKeyFor('Backspace')).toBe('backspace');
    expect(padKeyFor('Escape')).toBe('clear');
    expect(padKeyFor('Delete')).toBe('clear');
    expect(padKeyFor('Enter')).toBe('enter');
    expect(padKeyFor(',')).toBe('decimal');
    expect(padKeyFor('.')).toBe('decimal');
    expect(padKeyFor('a')).toBeNull();
    expect(padKeyFor('F2')).toBeNull();
  });
});
