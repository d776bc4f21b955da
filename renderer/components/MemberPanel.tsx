import type { Member } from '../../shared/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints } from '../i18n/format.ts';
import { useProgramText } from '../i18n/use-program-text.tsx';
import { memberName } from './screens-common/member-name.ts';

/**
 * The member's figures exactly as the backend last answered them: points available, and when some
 * of them are not confirmed by the central server yet, the split in a cashier's words.
 */
export function MemberPanel({ member, actions }: { member: Member; actions?: React.ReactNode }) {
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const p = (n: number) => formatPoints(n, format);
  const pending = member.pendingPoints;
  return (
    <section className="member-panel" aria-label={t('member.panel')} data-member-id={member.id}>
      <div className="member-head">
        <h2 className="member-name">{memberName(member, t)}</h2>
        <span className={`tier tier-${member.tier}`}>{words.tier(member.tier, member.tierLabel)}</span>
        {actions && <div className="member-panel-actions">{actions}</div>}
      </div>
      {member.status === 'blocked' && (
        <p className="warning" role="alert">
          {t('member.blocked')}
        </p>
      )}
      <dl className="member-figures">
        <div>
          <dt>{t('member.available')}</dt>
          <dd className="member-points" data-points={member.available}>
            {p(member.available)}
          </dd>
          <dd className="member-confirmation" data-confirmed={member.confirmedPoints} data-pending={pending}>
            {pending > 0
              ? t('member.syncSplitEarned', { confirmed: p(member.confirmedPoints), pending: p(pending) })
              : pending < 0
                ? t('member.syncSplitSpent', { confirmed: p(member.confirmedPoints), pending: p(-pending) })
                : '\u00a0'}
          </dd>
        </div>
        <div>
          <dt>{t('member.expiring')}</dt>
          <dd>{p(member.expiringIn30Days)}</dd>
        </div>
      </dl>
      {member.debt > 0 && <p className="warning">{t('member.debt', { points: p(member.debt) })}</p>}
      {member.birthdayThisMonth && <p className="birthday">{t('member.birthday')}</p>}
    </section>
  );
}
