import { useCallback, useEffect, useRef, useState } from 'react';
import type { Quote } from '../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { errorText } from '../components/screens-common/error-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useApi } from './api-context.tsx';
import { saleInput, type CheckoutState } from './checkout-state.ts';

/** Why the requested redemption cannot be used, as the backend said it (code and figures, worded by the screen). */
export interface RedemptionProblem {
  code: string;
  /** The engine's figures: min, max, step, available, capMinor (when it gave them). */
  details: Record<string, unknown>;
  /** The backend's English message, for logs: never shown (redemption-words.ts words the code and figures). */
  message: string;
}

export interface Preview {
  /** The backend's latest price of the basket (without the redemption when that was refused). */
  quote: Quote | null;
  /** The basket itself could not be priced (say, a product no longer in the catalogue), in the screen's language. */
  error: string | null;
  /** The requested points or reward were refused: the quote then has no discount, and Complete waits. */
  redemptionProblem: RedemptionProblem | null;
  /** Resolves once the quote answers the basket as it is now. */
  settled(): Promise<void>;
}

const REDEMPTION_CODES = new Set(['REDEMPTION_NOT_ALLOWED', 'INSUFFICIENT_POINTS', 'MEMBER_BLOCKED', 'VALIDATION']);

/**
 * The sale priced by the backend after every change, and again whenever `revision` moves (a sync,
 * a refreshed member): the newest answer wins, an older one arriving late is dropped, and the last
 * good quote stays on screen meanwhile (no flicker, no layout jump). A refused redemption is priced
 * again without it, so no discount is ever shown that the backend did not grant.
 */
export function usePreview(state: CheckoutState, revision = 0): Preview {
  const { client } = useApi();
  const { t, format } = useI18n();
  const [quote, setQuote] = useState<Quote | null>(null);
  // The failure itself, worded at render: a change of language words it again.
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [redemptionProblem, setRedemptionProblem] = useState<RedemptionProblem | null>(null);
  const [answered, setAnswered] = useState(0);
  const latest = useRef(0);
  const waiters = useRef<Array<() => void>>([]);
  const input = state.lines.length === 0 ? null : JSON.stringify(saleInput(state));

  useEffect(() => {
    const ticket = ++latest.current;
    const done = () => setAnswered(ticket);
    if (input === null) {
      setQuote(null);
      setFailure(null);
      setRedemptionProblem(null);
      done();
      return;
    }
    const request = JSON.parse(input) as ReturnType<typeof saleInput>;
    void (async () => {
      try {
        const q = await client.call('sale.preview', request);
        if (ticket !== latest.current) return;
        setQuote(q);
        setFailure(null);
        setRedemptionProblem(null);
      } catch (e) {
        if (ticket !== latest.current) return;
        const refused = e instanceof ApiError && request.redemption && REDEMPTION_CODES.has(e.payload.code);
        if (!refused) {
          setFailure({ error: e });
        } else {
          setRedemptionProblem({ code: e.payload.code, details: e.payload.details ?? {}, message: e.message });
          try {
            const bare = await client.call('sale.preview', { ...request, redemption: null });
            if (ticket !== latest.current) return;
            setQuote(bare);
            setFailure(null);
          } catch (again) {
            if (ticket !== latest.current) return;
            setQuote(null);
            setFailure({ error: again });
          }
        }
      }
      if (ticket === latest.current) done();
    })();
  }, [client, input, revision]);

  // Waiters wake after the render that shows the answer, so they read the screen's figures, not older ones.
  useEffect(() => {
    if (answered !== latest.current) return;
    const w = waiters.current;
    waiters.current = [];
    for (const resolve of w) resolve();
  }, [answered]);

  const settled = useCallback(
    () => (answered === latest.current ? Promise.resolve() : new Promise<void>((resolve) => waiters.current.push(resolve))),
    [answered],
  );
  const error = failure === null ? null : errorText(failure.error, t, format);
  return { quote, error, redemptionProblem, settled };
}
