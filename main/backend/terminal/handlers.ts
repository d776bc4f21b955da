import type { Handlers } from '../handler-types.ts';
import { currentProgram } from '../store/program.ts';
import { productCategories } from '../store/products.ts';

export const terminalHandlers = {
  'terminal.info': (_input, ctx) => {
    const program = currentProgram(ctx.store.db);
    const ruleCategories = program.earn.rules.flatMap((r) => (r.match.kind === 'category' ? [r.match.category] : []));
    const categories = [...new Set([...productCategories(ctx.store.db), ...ruleCategories])].sort();
    return {
      storeId: ctx.storeId,
      currency: program.currency,
      timeZone: program.timeZone,
      locale: ctx.terminal.locale,
      appVersion: ctx.terminal.appVersion,
      demo: ctx.terminal.demo,
      categories,
      rewards: program.rewards.map((r) => ({ id: r.id, label: r.label, points: r.points, kind: r.kind, minTier: r.minTier ?? null })),
    };
  },
} satisfies Partial<Handlers>;
