import { describe, expect, it } from 'vitest';
import { api } from '../../../shared/api.ts';
import { classifyQuery } from '../../../renderer/components/find-member/search-query.ts';
import {
  RECENT_MAX,
  recentMembers,
  rememberMember,
  withRecent,
  type MemberSummary,
} from '../../../renderer/components/find-member/recent-members.ts';

describe('classifyQuery', () => {
  it('is empty for blank text', () => {
    expect(classifyQuery('')).toEqual({ kind: 'empty' });
    expect(classifyQuery('   ')).toEqual({ kind: 'empty' });
  });

  it('needs 3 digits of a phone number or 2 letters of a name', () => {
    expect(classifyQuery('01').kind).toBe('tooShort');
    expect(classifyQuery('+4').kind).toBe('tooShort');
    expect(classifyQuery('(-)').kind).toBe('tooShort');
    expect(classifyQuery('A').kind).toBe('tooShort');
    expect(classifyQuery(' a ').kind).toBe('tooShort');
  });

  it('reads digits as a phone prefix, a leading + included', () => {
    expect(classifyQuery('015')).toEqual({ kind: 'digits', search: { phonePrefix: '015' }, card: null });
    expect(classifyQuery(' +49 151 ')).toEqual({ kind: 'digits', search: { phonePrefix: '+49 151' }, card: null });
  });

  it('also tries a run of digits long enough to be a card, without its spaces', () => {
    expect(classifyQuery('2900 1234 5678 9')).toEqual({
      kind: 'digits',
      search: { phonePrefix: '2900 1234 5678 9' },
      card: '2900123456789',
    });
    expect(classifyQuery('+491511234567')).toMatchObject({ card: null });
    expect(classifyQuery('(030) 1234567')).toMatchObject({ card: null });
  });

  it('looks a card longer than any phone number up as a card only', () => {
    const long = '2900123456789012345678';
    expect(classifyQuery(long)).toEqual({ kind: 'digits', search: null, card: long });
  });

  it('reads anything with letters as a name prefix', () => {
    expect(classifyQuery('  Anna M ')).toEqual({ kind: 'name', search: { namePrefix: 'Anna M' } });
    expect(classifyQuery('Jürgen')).toEqual({ kind: 'name', search: { namePrefix: 'Jürgen' } });
    const long = 'x'.repeat(100);
    expect(classifyQuery(long)).toEqual({ kind: 'name', search: { namePrefix: 'x'.repeat(80) } });
  });

  it('only ever produces inputs member.search accepts', () => {
    for (const text of [
      '015',
      '+49 151',
      '2900 1234 5678 9',
      '(030) 123',
      'Anna',
      'O’Brien',
      'x'.repeat(100),
      '12345678901234567890',
      '1-2-3',
    ]) {
      const q = classifyQuery(text);
      if ((q.kind === 'digits' || q.kind === 'name') && q.search) {
        expect(api['member.search'].input.safeParse(q.search).success, text).toBe(true);
      }
      if (q.kind === 'digits' && q.card) expect(api['member.byCard'].input.safeParse({ card: q.card }).success).toBe(true);
    }
  });
});

describe('recent members', () => {
  const member = (n: number): MemberSummary => ({
    id: `m${n}`,
    name: `Member ${n}`,
    cardHint: null,
    phone: null,
    tier: 'base',
    tierLabel: 'Base',
    status: 'active',
    balance: n,
  });

  it('puts the latest first without duplicates, keeping at most 10', () => {
    let list: MemberSummary[] = [];
    for (let i = 1; i <= 12; i++) list = withRecent(list, member(i));
    expect(list.map((m) => m.id)).toEqual(['m12', 'm11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3']);
    expect(RECENT_MAX).toBe(10);
    list = withRecent(list, { ...member(5), balance: 99 });
    expect(list[0]).toEqual({ ...member(5), balance: 99 });
    expect(list.filter((m) => m.id === 'm5')).toHaveLength(1);
    expect(list).toHaveLength(10);
  });

  it('keeps one list per signed-in session', () => {
    const first = { id: 's1' };
    const second = { id: 's1' }; // the same person signing in again is a new session
    rememberMember(first, member(1));
    rememberMember(first, member(2));
    expect(recentMembers(first).map((m) => m.id)).toEqual(['m2', 'm1']);
    expect(recentMembers(second)).toEqual([]);
  });
});
