import { useId, useState, type FormEvent } from 'react';
import type { Member } from '../../../shared/api.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { ApiError } from '../../api/client.ts';
import { useApi } from '../../app/api-context.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { errorText } from '../screens-common/error-text.ts';
import { HistoryDialog } from './HistoryDialog.tsx';
import { parseAdjustment } from './adjustment.ts';
import { memberName } from '../screens-common/member-name.ts';

/** A manager's points correction with a required reason. One adjustment id per dialog: a retry never adjusts twice. */
export function AdjustDialog({ member, onDone, onClose }: { member: Member; onDone(balance: number): void; onClose(): void }) {
  const { client } = useApi();
  const { t } = useI18n();
  const [adjustmentId] = useState(() => uuidv7());
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ points?: string; reason?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const parsed = parseAdjustment(points, reason);
    if (!parsed.ok) {
      setProblems({
        points: parsed.points ? t(parsed.points === 'zero' ? 'adjust.pointsZero' : 'adjust.pointsInvalid') : undefined,
        reason: parsed.reason ? t('adjust.reasonRequired') : undefined,
      });
      document.getElementById(parsed.points ? `${id}-points` : `${id}-reason`)?.focus();
      return;
    }
    setProblems({});
    setError(null);
    setBusy(true);
    try {
      const result = await client.call('points.adjust', {
        adjustmentId,
        memberId: member.id,
        points: parsed.points,
        reason: parsed.reason,
      });
      onDone(result.balance);
    } catch (e) {
      if (e instanceof ApiError && e.payload.code === 'VALIDATION' && Array.isArray(e.payload.details?.issues)) {
        const issues = e.payload.details.issues as { path?: string; message?: string }[];
        const of = (field: string) => issues.find((i) => i.path === field)?.message;
        setProblems({ points: of('points'), reason: of('reason') });
      }
      setError(errorText(e, t));
      setBusy(false);
    }
  };

  return (
    <HistoryDialog title={t('adjust.title')} busy={busy} onClose={onClose}>
      <form onSubmit={submit} className="adjust-form" noValidate>
        <p>{memberName(member, t)}</p>
        <div className="form-field">
          <label htmlFor={`${id}-points`}>{t('adjust.points')}</label>
          <input
            id={`${id}-points`}
            type="text"
            inputMode="numeric"
            autoComplete="off"
            autoFocus
            value={points}
            onChange={(e) => setPoints(e.target.value)}
            aria-invalid={problems.points ? true : undefined}
            aria-describedby={`${id}-points-error`}
          />
          <p id={`${id}-points-error`} className="field-error">
            {problems.points ? `⚠ ${problems.points}` : ''}
          </p>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-reason`}>{t('adjust.reason')}</label>
          <input
            id={`${id}-reason`}
            type="text"
            autoComplete="off"
            maxLength={200}
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={problems.reason ? true : undefined}
            aria-describedby={`${id}-reason-error`}
          />
          <p id={`${id}-reason-error`} className="field-error">
            {problems.reason ? `⚠ ${problems.reason}` : ''}
          </p>
        </div>
        <div className="message-slot">
          {error && (
            <p className="error" role="alert">
              ⚠ {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
            {t('adjust.submit')}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </HistoryDialog>
  );
}
