import { de } from './de.ts';
import { en, type MessageKey } from './en.ts';

export type { MessageKey };
export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const;
export type Language = keyof typeof LANGUAGES;
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const catalogues: Record<Language, Record<MessageKey, string>> = { en, de };

/** A message with `{name}` placeholders filled in; an unknown placeholder stays visible rather than vanishing. */
export function translate(language: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return catalogues[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
