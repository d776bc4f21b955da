import type { ReactNode } from 'react';
import { useNavigation, type Route } from '../app/navigation.tsx';
import { canAct, useSession } from '../app/session.tsx';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';
import type { Role } from '../../shared/api.ts';

const ITEMS: ReadonlyArray<{ route: Route; label: MessageKey; role: Role }> = [
  { route: { name: 'checkout' }, label: 'nav.checkout', role: 'cashier' },
  { route: { name: 'find' }, label: 'nav.find', role: 'cashier' },
  { route: { name: 'enrol' }, label: 'nav.enrol', role: 'manager' },
  { route: { name: 'report' }, label: 'nav.report', role: 'manager' },
  { route: { name: 'settings' }, label: 'nav.settings', role: 'admin' },
];

export function TopBar({ syncBadge }: { syncBadge: ReactNode }) {
  const { t } = useI18n();
  const { staff, signOut } = useSession();
  const { route, go } = useNavigation();
  return (
    <header className="topbar">
      <nav aria-label="Main">
        {ITEMS.filter((i) => canAct(staff, i.role)).map((i) => (
          <button
            key={i.route.name}
            type="button"
            aria-current={route.name === i.route.name ? 'page' : undefined}
            onClick={() => go(i.route)}
          >
            {t(i.label)}
          </button>
        ))}
      </nav>
      {syncBadge}
      <span className="staff-name">{staff.name}</span>
      <button type="button" onClick={signOut}>
        {t('nav.signOut')}
      </button>
    </header>
  );
}
