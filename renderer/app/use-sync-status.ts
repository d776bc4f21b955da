import { useEffect, useState } from 'react';
import type { SyncStatus } from '../../shared/api.ts';
import { errorText } from '../components/screens-common/error-text.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useApi } from './api-context.tsx';

export interface SyncSnapshot {
  status: SyncStatus;
  /** When this status arrived (ages in it count from then). */
  at: number;
}

/**
 * The sync status, asked once and then kept live by the backend's `sync.status`
 * events: the one hook every screen and the top bar's badge read it from.
 */
export function useSyncStatus(): { snapshot: SyncSnapshot | null; error: string | null; set(status: SyncStatus): void } {
  const { client, connection } = useApi();
  const { t } = useI18n();
  const [snapshot, setSnapshot] = useState<SyncSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const off = connection.onEvent((event) => {
      if (event.name === 'sync.status') {
        setSnapshot({ status: event.status, at: Date.now() });
        setError(null);
      }
    });
    client.call('sync.status', {}).then(
      (status) => {
        // A pushed event may have come first; it is as fresh as this answer.
        if (current) setSnapshot((s) => s ?? { status, at: Date.now() });
      },
      (e: unknown) => current && setError(errorText(e, t)),
    );
    return () => {
      current = false;
      off();
    };
  }, [client, connection, t]);

  return { snapshot, error, set: (status) => setSnapshot({ status, at: Date.now() }) };
}
