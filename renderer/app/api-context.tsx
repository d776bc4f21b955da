import { createContext, useContext } from 'react';
import type { createClient } from '../api/client.ts';
import type { HostConnection } from '../api/ws-transport.ts';

export type ApiClient = ReturnType<typeof createClient>;

export interface ApiContextValue {
  client: ApiClient;
  connection: HostConnection;
}

export const ApiContext = createContext<ApiContextValue | null>(null);

export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside <ApiContext.Provider>');
  return value;
}
