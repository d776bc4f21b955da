import { useEffect, useMemo, useState } from 'react';
import type { Output } from '../../shared/api.ts';
import { createClient } from '../api/client.ts';
import type { ConnectionState, HostConnection } from '../api/ws-transport.ts';
import { CheckoutScreen } from '../screens/CheckoutScreen.tsx';
import { SignInScreen } from '../screens/SignInScreen.tsx';
import { ApiContext } from './api-context.tsx';

type Session = Output<'staff.login'>;

export function App({ connection }: { connection: HostConnection }) {
  const client = useMemo(() => createClient(connection), [connection]);
  const [session, setSession] = useState<Session | null>(null);
  const [link, setLink] = useState<ConnectionState>(connection.state);
  useEffect(() => {
    const off = connection.onState(setLink);
    // The socket may have opened before this subscription.
    setLink(connection.state);
    return off;
  }, [connection]);
  // A restarted backend has forgotten every session: sign in again rather than fail on the next call.
  useEffect(
    () =>
      connection.onEvent((event) => {
        if (event.name === 'backend.restarted') setSession(null);
      }),
    [connection],
  );

  const signIn = (s: Session) => {
    client.setToken(s.token);
    setSession(s);
  };
  const signOut = () => {
    client.setToken(null);
    setSession(null);
  };

  return (
    <ApiContext.Provider value={{ client, connection }}>
      <div className="app" data-link={link}>
        {link !== 'open' && (
          <p className="banner banner-warn" role="status">
            {link === 'connecting' ? 'Connecting to the terminal…' : 'Lost contact with the terminal. Reconnecting…'}
          </p>
        )}
        {session ? <CheckoutScreen staff={session.staff} onSignOut={signOut} /> : <SignInScreen onSignedIn={signIn} />}
      </div>
    </ApiContext.Provider>
  );
}
