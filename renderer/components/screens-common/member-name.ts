import type { Translate } from '../../i18n/translate.ts';

/**
 * A member's name as every screen shows it: the name when this till holds it, else the last
 * digits of the member's card ("Member ••1234"): a till holds personal data only for its store's
 * members (docs/privacy.md), and an id is never shown to people.
 */
export function memberName(member: { name: string | null; cardHint: string | null }, t: Translate): string {
  if (member.name !== null && member.name !== '') return member.name;
  return member.cardHint === null ? t('member.unnamedNoCard') : t('member.unnamed', { hint: member.cardHint });
}
