import type { Member } from '../../shared/api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatPoints } from '../i18n/format.ts';

export function MemberPanel({ member, actions }: { member: Member; actions?: React.ReactNode }) {
  const { t, format } = useI18n();
  const p = (n: number) => formatPoints(n, format);
  return (
    <section className="member-panel" aria-label={t('member.panel')} data-member-id={member.id}>
      <div className="member-head">
        <h2 className="member-name">{member.name}</h2>
        <span className={`tier tier-${member.tier}`}>{member.tierLabel}</span>
        {actions}
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
          <dd className="member-confirmation">
            {member.pendingPoints !== 0
              ? `${t('member.confirmed', { points: p(member.confirmedPoints) })} · ${t('member.pending', { points: p(member.pendingPoints) })}`
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
