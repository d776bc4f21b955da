import { describe, expect, it } from 'vitest';
import { programLabels } from '../../../main/backend/terminal/program-labels.ts';
import { demoProgram as demoStoreProgram } from '../../../main/demo/demo-data.ts';
import { computeEarn } from '../../../shared/loyalty/earn.ts';
import { pointsToMinor } from '../../../shared/loyalty/redeem.ts';
import { priceSale } from '../../../shared/loyalty/sale.ts';
import { labelIn, programConfigSchema } from '../../../shared/program.ts';
import { translate, type Language } from '../../../renderer/i18n/translate.ts';
import { programText, readableId } from '../../../renderer/i18n/program-labels.ts';
import { demoProgram } from '../../fixtures/program.ts';

/** Intl puts a no-break space before the € sign: compared here as a plain space. */
const plain = (x: { label: string; detail: string | null }) => ({
  label: x.label.replace(/\u00a0/g, ' '),
  detail: x.detail?.replace(/\u00a0/g, ' ') ?? null,
});

const words = (language: Language) =>
  programText(programLabels(demoProgram), {
    language,
    t: (key, vars) => translate(language, key, vars),
    format: { locale: 'de-DE', currency: 'EUR', timeZone: 'Europe/Paris' },
  });

describe('programme labels in the screen’s language', () => {
  it('a programme without translations still loads, and shows its default label', () => {
    const bare = structuredClone(demoProgram) as Record<string, unknown> & typeof demoProgram;
    for (const tier of bare.tiers.levels) delete tier.labels;
    delete bare.categories;
    const parsed = programConfigSchema.parse(bare);
    expect(labelIn(parsed.tiers.levels[1]!, 'de')).toBe('Silver');
    expect(labelIn(demoProgram.tiers.levels[1]!, 'de-AT')).toBe('Silber');
  });

  it('tiers, categories, rewards in German; an id nobody named is made readable, never shown raw', () => {
    const de = words('de');
    expect(de.tier('silver')).toBe('Silber');
    expect(de.category('tobacco')).toBe('Tabakwaren');
    expect(de.reward('free-coffee')).toBe('Gratis-Kaffee');
    expect(de.category('pet-food')).toBe('Pet food');
    expect(readableId('gift_card')).toBe('Gift card');
    expect(words('en').tier('silver')).toBe('Silver');
  });

  it('the demo store names every category its products and rules use, in English and German', () => {
    const program = demoStoreProgram();
    const named = new Map((program.categories ?? []).map((c) => [c.id, c]));
    for (const id of ['bakery', 'coffee', 'deli', 'drinks', 'flowers', 'gift-card', 'organic', 'sweets', 'tobacco']) {
      expect(named.get(id)?.labels?.de, id).toBeTruthy();
      expect(named.get(id)?.labels?.en, id).toBeTruthy();
    }
  });

  it('the engine’s explanation is worded in German from its figures, with German numbers', () => {
    const r = computeEarn({
      program: demoProgram,
      now: Date.UTC(2025, 2, 19, 9), // Wednesday 19 March 2025, 10:00 in Paris: the spring fair
      tier: 'silver',
      lines: [
        { lineNo: 1, sku: null, category: 'organic', paidMinor: 1250 },
        { lineNo: 2, sku: null, category: 'tobacco', paidMinor: 800 },
      ],
    });
    const lines = r.explanation.map((e) => plain(words('de').explanation(e)));
    expect(lines).toEqual([
      { label: 'Keine Punkte auf Tabakwaren', detail: 'ausgenommen 8,00 € (Position 2)' },
      { label: '1 P. je 1,00 €', detail: 'auf 12,50 €' },
      { label: 'Bio doppelte Punkte', detail: '×2 auf 12,50 €' },
      { label: 'Frühlingsmarkt-Bonus', detail: '+50 Bonus' },
      { label: 'Stufe Silber', detail: '×1,25 auf 12,50 €' },
    ]);
  });

  it('a points redemption and a reward are worded too', () => {
    const member = {
      id: 'm',
      status: 'active' as const,
      tier: 'bronze',
      birthday: null,
      enrolledAt: 0,
      referredBy: null,
      birthdayBonusYear: null,
      purchaseCount: 3,
      recentPurchaseTimes: [],
      balance: 5000,
      available: 5000,
    };
    const line = { lineNo: 1, sku: null, category: 'grocery', quantity: 1, unitPriceMinor: 3000, amountMinor: 3000 };
    const q = priceSale({ program: demoProgram, now: 0, lines: [line], member, redemption: { kind: 'points', points: 1000 } });
    expect(plain(words('de').explanation(q.redemption!.explanation))).toEqual({ label: 'Punkte eingelöst', detail: 'Rabatt 10,00 €' });

    // A voucher takes nothing off today: it is worth what its points would take off (the receipt's pointsToMinor figure).
    const gold = { ...member, tier: 'gold' };
    const v = priceSale({ program: demoProgram, now: 0, lines: [line], member: gold, redemption: { kind: 'reward', rewardId: 'spa-day' } });
    expect(v.redemption).toMatchObject({ discountMinor: 0, issuesVoucher: true });
    expect(v.redemption!.explanation.params?.valueMinor).toBe(pointsToMinor(demoProgram, 5000));
    expect(plain(words('de').explanation(v.redemption!.explanation))).toEqual({
      label: 'Gutschein Wellnesstag',
      detail: 'Gutschein im Wert von 50,00 €, wird beim Bezahlen ausgegeben',
    });
    expect(plain(words('en').explanation(v.redemption!.explanation)).detail).toBe('voucher worth 50,00 €, issued at payment');
  });
});
