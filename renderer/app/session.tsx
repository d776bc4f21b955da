import { createContext, useContext, type Dispatch } from 'react';
import type { Output, Role } from '../../shared/api.ts';
import type { CheckoutAction, CheckoutState } from './checkout-state.ts';

export type Staff = Output<'staff.login'>['staff'];
export type TerminalInfo = Output<'terminal.info'>;

const RANK: Record<Role, number> = { cashier: 0, manager: 1, admin: 2 };

/** The UI hides what a role may not do; the backend refuses it anyway. */
export function canAct(staff: Staff, role: Role): boolean {
  return RANK[staff.role] >= RANK[role];
}

export interface Session {
  staff: Staff;
  info: TerminalInfo;
  signOut(): void;
  checkout: CheckoutState;
  dispatch: Dispatch<CheckoutAction>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionContext.Provider>');
  return value;
}
