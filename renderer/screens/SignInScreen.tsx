import { useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { useI18n } from '../i18n/i18n.tsx';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

/** Staff ID (typed or scanned from a badge) and PIN, with a pad for touch screens. */
export function SignInScreen({ onSignedIn }: { onSignedIn(session: Output<'staff.login'>): void }) {
  const { client } = useApi();
  const { t } = useI18n();
  const [staffId, setStaffId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const press = (key: (typeof KEYS)[number]) => {
    if (key === 'clear') setPin('');
    else if (key === 'back') setPin((p) => p.slice(0, -1));
    else setPin((p) => (p.length < 8 ? p + key : p));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await client.call('staff.login', { staffId: staffId.trim(), pin }));
    } catch (e) {
      // LOCKED_OUT and wrong-PIN messages come from the backend in plain words (with the wait time).
      setError(e instanceof ApiError ? e.message : t('signIn.failed'));
      setPin('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="screen sign-in">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={submit} aria-label={t('signIn.title')}>
        <label>
          {t('signIn.staffId')}
          <input name="staffId" autoComplete="username" value={staffId} onChange={(e) => setStaffId(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('signIn.pin')}
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="current-password"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            required
          />
        </label>
        <div className="pin-pad" role="group" aria-label={t('signIn.pinPad')}>
          {KEYS.map((k) => (
            <button
              type="button"
              key={k}
              onClick={() => press(k)}
              aria-label={k === 'back' ? t('signIn.delete') : k === 'clear' ? t('signIn.clear') : k}
            >
              {k === 'back' ? '⌫' : k === 'clear' ? 'C' : k}
            </button>
          ))}
        </div>
        <p className="error" role={error ? 'alert' : undefined}>
          {error ?? '\u00a0'}
        </p>
        <button type="submit" className="primary" disabled={busy || pin.length < 4 || staffId.trim() === ''}>
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
