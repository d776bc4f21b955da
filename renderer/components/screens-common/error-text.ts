import { ApiError } from '../../api/client.ts';
import type { I18n } from '../../i18n/i18n.tsx';

/** A failed call in plain words: the backend's own message, or a generic "try again". */
export function errorText(error: unknown, t: I18n['t']): string {
  return error instanceof ApiError ? error.message : t('error.generic');
}

/** Whether a failure is the backend's answer with this code. */
export function isApiError(error: unknown, code: string): error is ApiError {
  return error instanceof ApiError && error.payload.code === code;
}
