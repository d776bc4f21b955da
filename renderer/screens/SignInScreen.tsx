import { useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

export function SignInScreen({ onSignedIn }: { onSignedIn(session: Output<'staff.login'>): void }) {
  const { client } = useApi();
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
      setError(e instanceof ApiError ? e.message : 'Could not sign in. Try again.');
      setPin('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="screen sign-in">
      <h1>Sign in</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Staff ID
          <input name="staffId" autoComplete="username" value={staffId} onChange={(e) => setStaffId(e.target.value)} required autoFocus />
        </label>
        <label>
          PIN
          <input name="pin" type="password" inputMode="numeric" autoComplete="current-password" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))} required />
        </label>
        <div className="pin-pad" role="group" aria-label="PIN pad">
          {KEYS.map((k) => (
            <button type="button" key={k} onClick={() => press(k)} aria-label={k === 'back' ? 'Delete last digit' : k === 'clear' ? 'Clear PIN' : k}>
              {k === 'back' ? '⌫' : k === 'clear' ? 'C' : k}
            </button>
          ))}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || pin.length < 4 || staffId.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
