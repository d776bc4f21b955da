import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Output } from '../../shared/api.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { useScans } from '../app/use-scans.ts';
import { canAct, useSession } from '../app/session.tsx';
import { CameraPanel } from '../components/CameraPanel.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { SyncDetails } from '../components/sync-details/SyncDetails.tsx';
import { useSyncStatus } from '../app/use-sync-status.ts';
import { formatDateTime } from '../i18n/format.ts';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel.tsx';
import { SerialScannerPanel } from '../components/SerialScannerPanel.tsx';
import { PrinterPanel } from '../components/PrinterPanel.tsx';
import { LANGUAGES, useI18n, type Language } from '../i18n/i18n.tsx';
import './settings-pairing.css';

/** Settings and diagnostics (admin). */
export function SettingsScreen() {
  const { staff } = useSession();
  const { t } = useI18n();
  if (!canAct(staff, 'admin')) {
    return (
      <main className="screen settings">
        <h1>{t('settings.title')}</h1>
        <p className="error" role="alert">
          ⚠ {t('settings.adminOnly')}
        </p>
      </main>
    );
  }
  return <SettingsView />;
}

function SettingsView() {
  const { info } = useSession();
  const { t, format, language, setLanguage } = useI18n();
  const [camera, setCamera] = useState(false);
  const [lastScan, setLastScan] = useState<ScanEvent | null>(null);
  /** Counts pairings made here, so the pairing shown is read again after one. */
  const [pairings, setPairings] = useState(0);
  const id = useId();
  // A live scanner test: whatever any scanner reads shows here as it arrives.
  useScans(setLastScan);

  return (
    <main className="screen settings">
      <h1>{t('settings.title')}</h1>
      <section aria-labelledby={`${id}-pairing`}>
        <h2 id={`${id}-pairing`}>{t('settings.pairing')}</h2>
        <PairingFigures version={pairings} />
      </section>

      <section aria-labelledby={`${id}-about`}>
        <h2 id={`${id}-about`}>{t('settings.about')}</h2>
        <dl className="settings-figures">
          <div>
            <dt>{t('settings.version')}</dt>
            <dd>{info.appVersion}</dd>
          </div>
          <div>
            <dt>{t('settings.storeFormat')}</dt>
            <dd>{storeFormat(info, language)}</dd>
          </div>
        </dl>
        <div className="form-field settings-language">
          <label htmlFor={`${id}-language`}>{t('app.language')}</label>
          <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.target.value as Language)} autoFocus>
            {Object.entries(LANGUAGES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </div>
      </section>

      <section aria-labelledby={`${id}-scanners`}>
        <h2 id={`${id}-scanners`}>{t('settings.scanners')}</h2>
        <p className="settings-scan" role="status" aria-live="polite">
          {lastScan
            ? t('settings.lastScan', {
                source: t(`settings.source.${lastScan.source}`),
                text: lastScan.text.slice(0, 120),
                at: formatDateTime(lastScan.at, format),
              })
            : t('settings.scanToTest')}
        </p>
        <button type="button" onClick={() => setCamera((c) => !c)} aria-pressed={camera} aria-expanded={camera}>
          {camera ? t('scan.closeCamera') : t('settings.testCamera')}
        </button>
        {camera && <CameraPanel onScan={setLastScan} />}
        <SerialScannerPanel />
      </section>

      <PrinterPanel />
      <section aria-labelledby={`${id}-diagnostics`}>
        <h2 id={`${id}-diagnostics`}>{t('diag.title')}</h2>
        <DiagnosticsPanel />
      </section>

      <section aria-labelledby={`${id}-sync`}>
        <h2 id={`${id}-sync`}>{t('sync.title')}</h2>
        <SettingsSync onPaired={() => setPairings((n) => n + 1)} />
      </section>
    </main>
  );
}

/** The store's locale, currency and time zone in words ("Deutsch (Deutschland) · Euro · Europe/Berlin"), not codes. */
function storeFormat(info: { locale: string; currency: string; timeZone: string }, language: Language): string {
  const name = (type: 'language' | 'currency', code: string) => {
    try {
      return new Intl.DisplayNames([language], { type }).of(code) ?? code;
    } catch {
      return code;
    }
  };
  return `${name('language', info.locale)} · ${name('currency', info.currency)} · ${info.timeZone.replace(/_/g, ' ')}`;
}

/** The current pairing: store, terminal name, the central server's address and whether it answers now. */
function PairingFigures({ version }: { version: number }) {
  const { client } = useApi();
  const { t } = useI18n();
  const { snapshot } = useSyncStatus();
  const [pairing, setPairing] = useState<Output<'terminal.pairing'>['pairing'] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    client.call('terminal.pairing', {}).then(
      (answer) => current && setPairing(answer.pairing),
      (e: unknown) => current && setError(errorText(e, t)),
    );
    return () => {
      current = false;
    };
  }, [client, t, version]);
  if (error)
    return (
      <p className="error" role="alert">
        ⚠ {error}
      </p>
    );
  if (pairing === undefined) return <p className="muted">{t('common.loading')}</p>;
  if (pairing === null) return <p className="settings-pairing">{t('settings.notPaired')}</p>;
  const state = snapshot?.status.state;
  return (
    <dl className="settings-figures settings-pairing">
      <div>
        <dt>{t('settings.pairingStore')}</dt>
        <dd>{pairing.storeName ?? t('settings.unknownName')}</dd>
      </div>
      <div>
        <dt>{t('settings.pairingTerminal')}</dt>
        <dd>{pairing.terminalName ?? t('settings.unknownName')}</dd>
      </div>
      <div className="settings-pairing-server">
        <dt>{t('settings.pairingServer')}</dt>
        <dd className="settings-server-url">{pairing.serverUrl}</dd>
      </div>
      {state && (
        <div>
          <dt>{t('settings.pairingLink')}</dt>
          <dd data-link-state={state}>{t(`sync.${state}`)}</dd>
        </div>
      )}
    </dl>
  );
}

type PairField = 'serverUrl' | 'code' | 'terminalName' | 'caPem';

function checkPairing(form: Record<PairField, string>): Partial<Record<PairField, 'settings.serverUrlInvalid' | 'settings.codeRequired'>> {
  const problems: Partial<Record<PairField, 'settings.serverUrlInvalid' | 'settings.codeRequired'>> = {};
  let url: URL | null;
  try {
    url = new URL(form.serverUrl.trim());
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || form.serverUrl.trim().length > 300) problems.serverUrl = 'settings.serverUrlInvalid';
  const code = form.code.trim();
  if (code.length === 0 || code.length > 40) problems.code = 'settings.codeRequired';
  return problems;
}

function SettingsSync({ onPaired }: { onPaired(): void }) {
  const { client } = useApi();
  const { t } = useI18n();
  const { snapshot, error: statusError } = useSyncStatus();
  const [form, setForm] = useState<Record<PairField, string>>({ serverUrl: '', code: '', terminalName: '', caPem: '' });
  const [problems, setProblems] = useState<Partial<Record<PairField, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [paired, setPaired] = useState<Output<'sync.pair'> | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    const checked = checkPairing(form);
    if (Object.keys(checked).length > 0) {
      setProblems(Object.fromEntries(Object.entries(checked).map(([f, key]) => [f, t(key)])));
      document.getElementById(`${id}-${checked.serverUrl ? 'serverUrl' : 'code'}`)?.focus();
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      setPaired(
        await client.call('sync.pair', {
          serverUrl: form.serverUrl.trim(),
          code: form.code.trim(),
          ...(form.terminalName.trim() ? { terminalName: form.terminalName.trim() } : {}),
          ...(form.caPem.trim() ? { caPem: form.caPem.trim() } : {}),
        }),
      );
      setForm((f) => ({ ...f, code: '' }));
      onPaired();
    } catch (e) {
      if (e instanceof ApiError && e.payload.code === 'VALIDATION' && Array.isArray(e.payload.details?.issues)) {
        const fields: Partial<Record<PairField, string>> = {};
        for (const issue of e.payload.details.issues as { path?: string; message?: string }[]) {
          const f = issue.path as PairField | undefined;
          if (f && f in form && !fields[f]) fields[f] = issue.message ?? e.message;
        }
        setProblems(fields);
      }
      setError(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const input = (name: PairField, label: string, props: { type?: string; required?: boolean; multiline?: boolean } = {}) => {
    const inputId = `${id}-${name}`;
    const problem = problems[name];
    const common = {
      id: inputId,
      name,
      value: form[name],
      autoComplete: 'off',
      spellCheck: false,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': `${inputId}-error`,
    } as const;
    return (
      <div className="form-field">
        <label htmlFor={inputId}>{label}</label>
        {props.multiline ? (
          <textarea {...common} rows={4} onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))} />
        ) : (
          <input
            {...common}
            type={props.type ?? 'text'}
            required={props.required}
            onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
          />
        )}
        <p id={`${inputId}-error`} className="field-error">
          {problem ? `⚠ ${problem}` : ''}
        </p>
      </div>
    );
  };

  return (
    <>
      {statusError && (
        <p className="error" role="alert">
          ⚠ {statusError}
        </p>
      )}
      {snapshot && <SyncDetails snapshot={snapshot} />}
      <form className="pair-form" onSubmit={submit} noValidate aria-labelledby={`${id}-pair`}>
        <h3 id={`${id}-pair`}>{snapshot?.status.paired ? t('settings.repair') : t('settings.pair')}</h3>
        {input('serverUrl', t('settings.serverUrl'), { type: 'url', required: true })}
        {input('code', t('settings.pairCode'), { required: true })}
        {input('terminalName', t('settings.terminalName'))}
        {input('caPem', t('settings.caPem'), { multiline: true })}
        <div className="message-slot">
          {error && (
            <p className="error" role="alert">
              ⚠ {error}
            </p>
          )}
          {!error && paired && (
            <p className="notice notice-good" role="status">
              ✓ {t('settings.paired', { store: paired.storeName, storeId: paired.storeId, terminal: paired.terminalId })}
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {t('settings.pairSubmit')}
        </button>
      </form>
    </>
  );
}
