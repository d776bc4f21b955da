import { useEffect, useRef, useState } from 'react';
import type { Quote } from '../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from './api-context.tsx';
import { saleInput, type CheckoutState } from './checkout-state.ts';

/**
 * The sale priced by the backend after every change: the newest answer wins,
 * an older one arriving late is dropped, and the last good quote stays on
 * screen meanwhile (no flicker, no layout jump).
 */
export function usePreview(state: CheckoutState): { quote: Quote | null; error: string | null } {
  const { client } = useApi();
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const input = state.lines.length === 0 ? null : JSON.stringify(saleInput(state));
  useEffect(() => {
    const ticket = ++latest.current;
    if (input === null) {
      setQuote(null);
      setError(null);
      return;
    }
    client.call('sale.preview', JSON.parse(input) as ReturnType<typeof saleInput>).then(
      (q) => {
        if (ticket !== latest.current) return;
        setQuote(q);
        setError(null);
      },
      (e: unknown) => {
        if (ticket !== latest.current) return;
        setError(e instanceof ApiError ? e.message : String(e));
      },
    );
  }, [client, input]);
  return { quote, error };
}
