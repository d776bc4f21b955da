import type { Member } from '../../shared/api.ts';

export function MemberPanel({ member }: { member: Member }) {
  return (
    <section className="member-panel" aria-label="Member" data-member-id={member.id}>
      <h2 className="member-name">{member.name}</h2>
      <p className="member-tier">{member.tierLabel}</p>
      {member.status === 'blocked' && (
        <p className="warning" role="alert">
          ⚠ This membership is blocked: no points can be earned or spent.
        </p>
      )}
      <dl className="member-figures">
        <dt>Points available</dt>
        <dd className="member-points">{member.available}</dd>
        {member.expiringIn30Days > 0 && (
          <>
            <dt>Expiring within 30 days</dt>
            <dd>{member.expiringIn30Days}</dd>
          </>
        )}
      </dl>
      {member.birthdayThisMonth && <p className="birthday">🎂 Birthday this month</p>}
    </section>
  );
}
