import { createContext, useContext } from 'react';
import type { StoreFormat } from './format.ts';
import { LANGUAGES, type Language, type MessageKey } from './translate.ts';

// The catalogues and translate() live in translate.ts (no JSX), so pure modules and Node tests can use them.
export { LANGUAGES, translate, type Language, type MessageKey } from './translate.ts';

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
