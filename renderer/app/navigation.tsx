import { createContext, useContext } from 'react';

/** Where the app is. Checkout is home; the rest are one step away and come back to it. */
export type Route =
  | { name: 'checkout' }
  | { name: 'find' }
  | { name: 'enrol'; cardNumber?: string }
  | { name: 'member'; memberId: string }
  | { name: 'report' }
  | { name: 'sync' }
  | { name: 'settings' };

export interface Navigation {
  route: Route;
  go(route: Route): void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const value = useContext(NavigationContext);
  if (!value) throw new Error('useNavigation outside <NavigationContext.Provider>');
  return value;
}
