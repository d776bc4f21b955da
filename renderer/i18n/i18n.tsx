import { createContext, useContext } from 'react';
import { de } from './de.ts';
import { en, type MessageKey } from './en.ts';
import type { StoreFormat } from './format.ts';

export type { MessageKey };
export const LANGUAGES = { en: 'English', de: 'Deutsch' } as const;
export type Language = keyof typeof LANGUAGES;

const catalogues: Record<Language, Record<MessageKey, string>> = { en, de };

/** A message with `{name}` placeholders filled in; an unknown placeholder stays visible rather than vanishing. */
export function translate(language: Language, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return catalogues[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The store's currency, locale and time zone for Intl. */
  format: StoreFormat;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside <I18nContext.Provider>');
  return value;
}

const LANGUAGE_KEY = 'loyalty-terminal.language';

export function savedLanguage(): Language {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved && saved in LANGUAGES) return saved as Language;
  return navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
}
