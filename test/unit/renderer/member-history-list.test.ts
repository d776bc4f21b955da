/**
 * The member's history as the screen renders it (React, rendered to markup):
 * a sale made at another till of the store is marked as such, and a sale whose
 * refund left expired points alone says how many, in English and German.
 */
import { createElement, type ComponentType, type Context } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { HistorySale } from '../../../renderer/components/member-history/refund-selection.ts';

// The component and the i18n context are .tsx (tsconfig.web.json): loaded at run time so the Node typecheck does not compile them.
const HISTORY_LIST = '../../../renderer/components/member-history/HistoryList.tsx';
const I18N = '../../../renderer/i18n/i18n.tsx';
type Language = 'en' | 'de';
interface I18nModule {
  I18nContext: Context<unknown>;
  translate(language: Language, key: string, vars?: Record<string, string | number>): string;
}
type SalesHistoryProps = { sales: readonly HistorySale[]; onRefund: ((sale: HistorySale) => void) | null };

function sale(id: string, over: Partial<HistorySale>): HistorySale {
  return {
    id,
    createdAt: Date.UTC(2026, 3, 14, 10, 0),
    status: 'completed',
    totalMinor: 1200,
    paidMinor: 1200,
    pointsEarned: 12,
    pointsRedeemed: 0,
    explanation: [],
    lines: [
      {
        lineNo: 1,
        sku: null,
        description: 'Bakery',
        category: 'bakery',
        quantity: 1,
        unitPriceMinor: 1200,
        amountMinor: 1200,
        discountMinor: 0,
        paidMinor: 1200,
        earnPoints: 12,
        redeemedPoints: 0,
        refundedQuantity: 0,
      },
    ],
    atOtherTill: false,
    pointsExpiredNotReversed: 0,
    ...over,
  };
}

/** The markup of each sale's article, by sale id. */
async function render(language: Language, sales: HistorySale[]): Promise<Map<string, string>> {
  const { SalesHistory } = (await import(/* @vite-ignore */ HISTORY_LIST)) as { SalesHistory: ComponentType<SalesHistoryProps> };
  const { I18nContext, translate } = (await import(/* @vite-ignore */ I18N)) as I18nModule;
  const i18n = {
    language,
    setLanguage: () => undefined,
    t: (key: string, vars?: Record<string, string | number>) => translate(language, key, vars),
    format: { locale: language === 'de' ? 'de-DE' : 'en-GB', currency: 'EUR', timeZone: 'Europe/Paris' },
  };
  const html = renderToStaticMarkup(
    createElement(I18nContext.Provider, { value: i18n }, createElement(SalesHistory, { sales, onRefund: () => undefined })),
  );
  const articles = new Map<string, string>();
  for (const m of html.matchAll(/<article[^>]*data-sale-id="([^"]+)"[^>]*>[\s\S]*?<\/article>/g)) articles.set(m[1]!, m[0]);
  expect([...articles.keys()]).toEqual(sales.map((s) => s.id));
  return articles;
}

/** The text of the first element with this class in the markup, or null. */
function textOf(html: string, className: string): string | null {
  const m = new RegExp(`<[a-z]+[^>]* class="[^"]*\\b${className}\\b[^"]*"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m === null ? null : m[1]!.replace(/<[^>]+>/g, '').replace(/<!-- -->/g, '');
}

const here = sale('0196a0c0-0000-7000-8000-000000000001', {});
const elsewhere = sale('0196a0c0-0000-7000-8000-000000000002', { atOtherTill: true });
const expiredKept = sale('0196a0c0-0000-7000-8000-000000000003', {
  pointsExpiredNotReversed: 12,
  lines: [{ ...here.lines[0]!, refundedQuantity: 1 }],
});

describe('member history list', () => {
  it("marks another till's sale, offers to refund it, and leaves this till's sales unmarked", async () => {
    const articles = await render('en', [here, elsewhere]);
    const other = articles.get(elsewhere.id)!;
    expect(other).toContain('data-other-till="true"');
    expect(textOf(other, 'history-other-till')).toBe('Other till');
    expect(textOf(other, 'history-refund')).toBe('Refund…');
    const mine = articles.get(here.id)!;
    expect(mine).not.toContain('data-other-till');
    expect(textOf(mine, 'history-other-till')).toBeNull();
  });

  it('says how many earned points a refund did not take back because they had expired', async () => {
    const articles = await render('en', [expiredKept, here]);
    expect(textOf(articles.get(expiredKept.id)!, 'history-expired-kept')).toBe('12 earned points not taken back: they had expired.');
    expect(textOf(articles.get(here.id)!, 'history-expired-kept')).toBeNull();
  });

  it('says both in German', async () => {
    const articles = await render('de', [expiredKept, elsewhere]);
    expect(textOf(articles.get(expiredKept.id)!, 'history-expired-kept')).toBe(
      '12 gesammelte Punkte nicht zurückgebucht: Sie waren bereits verfallen.',
    );
    expect(textOf(articles.get(elsewhere.id)!, 'history-other-till')).toBe('Andere Kasse');
  });
});
