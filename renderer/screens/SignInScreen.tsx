import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Output, Role } from '../../shared/api.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { useScans } from '../app/use-scans.ts';
import { NumericPad } from '../components/numeric-pad/NumericPad.tsx';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';
import './sign-in.css';

type ListedStaff = Output<'staff.list'>['staff'][number];
type Session = Output<'staff.login'>;

/** Who is signing in: a name picked from the list, or a staff id typed or scanned from a staff card. */
type Who = { kind: 'pick'; pick: string; name: string } | { kind: 'id'; staffId: string; scanned: boolean };

type Message =
  | { kind: 'wrong'; attemptsLeft: number | null }
  | { kind: 'locked'; until: number }
  | { kind: 'unknown' }
  | { kind: 'failed' }
  | { kind: 'unlocked'; name: string; by: string }
  | { kind: 'notLocked'; name: string }
  | { kind: 'unlockFailed'; reason: MessageKey };

const ROLE_LABEL: Record<Role, MessageKey> = { cashier: 'role.cashier', manager: 'role.manager', admin: 'role.admin' };
const MANAGER_ROLES = new Set<Role>(['manager', 'admin']);

/**
 * Sign-in: staff pick their name from the terminal's staff list (big buttons), or scan their staff
 * card, or type their staff ID, then type only the PIN, on the pad or the keyboard. A wrong PIN
 * says how many attempts are left; a lockout says when it ends, and a manager can unlock it here
 * with their own PIN (staff.unlock, audited) without leaving the screen.
 */
export function SignInScreen({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const { client, connection } = useApi();
  const { t, format } = useI18n();
  const [staff, setStaff] = useState<ListedStaff[] | null>(null);
  const [who, setWho] = useState<Who | null>(null);
  const [typedId, setTypedId] = useState('');
  const [pin, setPin] = useState('');
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  /** A manager is unlocking `lockedWho`: `who` is then the manager. */
  const [lockedWho, setLockedWho] = useState<Who | null>(null);
  const pinInput = useRef<HTMLInputElement>(null);

  const loadStaff = useCallback(() => {
    client.call('staff.list', {}).then(
      (list) => setStaff(list.staff),
      () => setStaff([]),
    );
  }, [client]);
  useEffect(loadStaff, [loadStaff]);
  // Handles are new after a backend restart: the list is read again.
  useEffect(() => connection.onEvent((event) => event.name === 'backend.restarted' && loadStaff()), [connection, loadStaff]);

  // A staff card scanned here chooses who signs in.
  useScans((scan) => {
    setWho({ kind: 'id', staffId: scan.text.trim().slice(0, 64), scanned: true });
    setTypedId('');
    setPin('');
    setMessage(null);
  });

  const choose = (next: Who) => {
    setWho(next);
    setPin('');
    setMessage(null);
    // The PIN field takes the keyboard at once; the pad works too.
    requestAnimationFrame(() => pinInput.current?.focus());
  };

  const credentials = (w: Who) => (w.kind === 'pick' ? { pick: w.pick, pin } : { staffId: w.staffId, pin });
  const nameOf = (w: Who) => (w.kind === 'pick' ? w.name : w.scanned ? t('signIn.cardScanned') : w.staffId);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!who || pin.length < 4 || busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const session = await client.call('staff.login', credentials(who));
      if (lockedWho) await unlockWith(session, lockedWho);
      else onSignedIn(session);
    } catch (e) {
      setMessage(refusal(e));
    } finally {
      setPin('');
      setBusy(false);
    }
  };

  /** The manager signed in only to unlock: unlock, sign the manager out, and go back to the locked staff member's PIN. */
  const unlockWith = async (manager: Session, locked: Who) => {
    const lockedName = nameOf(locked);
    client.setToken(manager.token);
    try {
      const { staff: lockouts } = await client.call('staff.lockouts', {});
      const entry = lockouts.find((l) => (locked.kind === 'pick' ? l.pick === locked.pick : l.staffId === locked.staffId));
      if (!entry) setMessage({ kind: 'notLocked', name: lockedName });
      else {
        await client.call('staff.unlock', { staffId: entry.staffId });
        setMessage({ kind: 'unlocked', name: lockedName, by: manager.staff.name });
      }
    } catch (e) {
      setMessage({
        kind: 'unlockFailed',
        reason: e instanceof ApiError && e.payload.code === 'FORBIDDEN' ? 'signIn.unlockForbidden' : 'signIn.unlockError',
      });
    } finally {
      await client.call('staff.logout', {}).catch(() => {});
      client.setToken(null);
    }
    setLockedWho(null);
    setWho(locked);
  };

  const startUnlock = () => {
    if (!who) return;
    setLockedWho(who);
    setWho(null);
    setPin('');
  };
  const cancelUnlock = () => {
    setWho(lockedWho);
    setLockedWho(null);
    setPin('');
  };

  const listed = (staff ?? []).filter((s) => !lockedWho || MANAGER_ROLES.has(s.role));
  const time = (ms: number) => new Intl.DateTimeFormat(format.locale, { timeStyle: 'short', timeZone: format.timeZone }).format(ms);
  const minutes = (until: number) => Math.max(1, Math.ceil((until - Date.now()) / 60_000));

  let text: string | null = null;
  let tone: 'bad' | 'good' = 'bad';
  if (message?.kind === 'wrong')
    text =
      message.attemptsLeft === null
        ? t('signIn.wrongPin')
        : t(message.attemptsLeft === 1 ? 'signIn.wrongPinOneLeft' : 'signIn.wrongPinLeft', { count: message.attemptsLeft });
  else if (message?.kind === 'locked') text = t('signIn.locked', { time: time(message.until), minutes: minutes(message.until) });
  else if (message?.kind === 'unknown') text = t('signIn.unknown');
  else if (message?.kind === 'failed') text = t('signIn.failed');
  else if (message?.kind === 'unlocked') {
    text = t('signIn.unlocked', { name: message.name, manager: message.by });
    tone = 'good';
  } else if (message?.kind === 'notLocked') {
    text = t('signIn.notLocked', { name: message.name });
    tone = 'good';
  } else if (message?.kind === 'unlockFailed') text = t(message.reason);

  const isSelected = (s: ListedStaff) => who?.kind === 'pick' && who.pick === s.pick;

  return (
    <main className="screen sign-in">
      <section className="sign-in-who" aria-labelledby="sign-in-who-title">
        <h1 id="sign-in-who-title">{lockedWho ? t('signIn.unlockTitle', { name: nameOf(lockedWho) }) : t('signIn.title')}</h1>
        <p className="muted">{lockedWho ? t('signIn.unlockHint') : t('signIn.pickHint')}</p>
        <ul className="staff-grid" aria-label={lockedWho ? t('signIn.managers') : t('signIn.staffList')}>
          {listed.map((s) => (
            <li key={s.pick}>
              <button
                type="button"
                className="staff-button"
                aria-pressed={isSelected(s)}
                onClick={() => choose({ kind: 'pick', pick: s.pick, name: s.name })}
              >
                <span className="staff-button-name">{s.name}</span>
                <span className="staff-button-role">{t(ROLE_LABEL[s.role])}</span>
              </button>
            </li>
          ))}
        </ul>
        {staff !== null && listed.length === 0 && <p className="muted">{t('signIn.noStaff')}</p>}
        {!lockedWho && (
          <form
            className="staff-id-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (typedId.trim()) choose({ kind: 'id', staffId: typedId.trim(), scanned: false });
            }}
          >
            <p className="muted">{t('signIn.orStaffId')}</p>
            <label>
              {t('signIn.staffId')}
              <input
                name="staffId"
                autoComplete="username"
                value={typedId}
                onChange={(e) => {
                  setTypedId(e.target.value);
                  setWho(e.target.value.trim() ? { kind: 'id', staffId: e.target.value.trim(), scanned: false } : null);
                  setMessage(null);
                }}
              />
            </label>
          </form>
        )}
      </section>

      <section className="sign-in-pin">
        <form onSubmit={submit}>
          <p className="sign-in-chosen" aria-live="polite">
            {who ? t(lockedWho ? 'signIn.managerChosen' : 'signIn.chosen', { name: nameOf(who) }) : t('signIn.chooseFirst')}
          </p>
          <label className="sign-in-pin-field">
            {t('signIn.pin')}
            <input
              ref={pinInput}
              name="pin"
              type="password"
              inputMode="numeric"
              autoComplete="current-password"
              value={pin}
              maxLength={8}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
            />
          </label>
          <NumericPad
            label={t('signIn.pinPad')}
            value={pin}
            onChange={setPin}
            maxLength={8}
            onEnter={() => void submit()}
            enterLabel={lockedWho ? t('signIn.unlockSubmit') : t('signIn.submit')}
            enterDisabled={busy || !who || pin.length < 4}
          />
        </form>
        <div className="message-slot">
          {text && (
            <p className={tone === 'bad' ? 'notice notice-bad' : 'notice notice-good'} role={tone === 'bad' ? 'alert' : 'status'}>
              {tone === 'bad' ? '⚠ ' : '✓ '}
              {text}
            </p>
          )}
        </div>
        {message?.kind === 'locked' && !lockedWho && (
          <button type="button" className="sign-in-unlock" onClick={startUnlock}>
            {t('signIn.unlockStart')}
          </button>
        )}
        {lockedWho && (
          <button type="button" onClick={cancelUnlock}>
            {t('common.cancel')}
          </button>
        )}
      </section>
    </main>
  );
}

function refusal(e: unknown): Message {
  if (!(e instanceof ApiError)) return { kind: 'failed' };
  const details = e.payload.details ?? {};
  if (e.payload.code === 'LOCKED_OUT' && typeof details.until === 'number') return { kind: 'locked', until: details.until };
  if (e.payload.code === 'UNAUTHENTICATED')
    return typeof details.attemptsLeft === 'number' ? { kind: 'wrong', attemptsLeft: details.attemptsLeft } : { kind: 'unknown' };
  return { kind: 'failed' };
}
