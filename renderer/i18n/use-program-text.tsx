import { useContext, useMemo } from 'react';
import type { ProgramLabels } from '../../shared/api.ts';
import { SessionContext } from '../app/session.tsx';
import { programText, type ProgramText, type Words } from './program-labels.ts';

const NO_LABELS: ProgramLabels = { categories: {}, tiers: {}, rewards: {}, promotions: {}, rules: {} };

/**
 * The programme's words (categories, tiers, rewards, explanations) in the screen's language, for
 * the signed-in screens; outside a session only the engine's own words and readable ids.
 */
export function useProgramText(i18n: Words): ProgramText {
  const labels = useContext(SessionContext)?.info.labels ?? NO_LABELS;
  return useMemo(() => programText(labels, i18n), [labels, i18n]);
}
