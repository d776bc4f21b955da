import type { ProgramLabels } from '../../../shared/api.ts';
import { ruleId } from '../../../shared/loyalty/earn-rules.ts';
import type { LabelTranslations, ProgramConfig } from '../../../shared/program.ts';

type Labelled = { label: string; labels?: LabelTranslations | undefined };

/** Every label of the programme by id, with its translations, for the screens to pick their language from. */
export function programLabels(program: ProgramConfig): ProgramLabels {
  const byId = <T extends Labelled>(items: readonly T[], id: (item: T) => string) =>
    Object.fromEntries(items.map((item) => [id(item), item.labels ? { label: item.label, labels: item.labels } : { label: item.label }]));
  return {
    categories: byId(program.categories ?? [], (c) => c.id),
    tiers: byId(program.tiers.levels, (t) => t.id),
    rewards: byId(program.rewards, (r) => r.id),
    promotions: byId(program.earn.promotions, (p) => p.id),
    rules: byId(program.earn.rules, ruleId),
  };
}
