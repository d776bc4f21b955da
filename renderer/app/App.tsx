import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import { uuidv7 } from '../../shared/ids.ts';
import { ApiError, createClient } from '../api/client.ts';
import type { ConnectionState, HostConnection } from '../api/ws-transport.ts';
import { NeedsConfiguration, type ConfigProblem } from '../components/NeedsConfiguration.tsx';
import { ServerLinkBanner, SignedOutLinkBanner } from '../components/ServerLinkBanner.tsx';
import { SyncBadge } from '../components/SyncBadge.tsx';
import { TopBar } from '../components/TopBar.tsx';
import {
  I18nContext,
  LANGUAGES,
  saveLanguage,
  savedLanguage,
  translate,
  type I18n,
  type Language,
  type MessageKey,
} from '../i18n/i18n.tsx';
import { CheckoutScreen } from '../screens/CheckoutScreen.tsx';
import { DayReportScreen } from '../screens/DayReportScreen.tsx';
import { EnrolScreen } from '../screens/EnrolScreen.tsx';
import { FindMemberScreen } from '../screens/FindMemberScreen.tsx';
import { MemberScreen } from '../screens/MemberScreen.tsx';
import { SettingsScreen } from '../screens/SettingsScreen.tsx';
import { SignInScreen } from '../screens/SignInScreen.tsx';
import { SyncScreen } from '../screens/SyncScreen.tsx';
import { ApiContext } from './api-context.tsx';
import { saveCheckout, restoreCheckout } from './checkout-persistence.ts';
import { checkoutReducer } from './checkout-state.ts';
import { useIdle } from './use-idle.ts';
import { NavigationContext, type Route } from './navigation.tsx';
import { SessionContext, type Staff, type TerminalInfo } from './session.tsx';

/** Sign out after this long without a key, tap or scan (the backend also ends idle sessions). */
const IDLE_SIGN_OUT_MS = 5 * 60_000;

export function App({ connection }: { connection: HostConnection }) {
  const client = useMemo(() => createClient(connection), [connection]);
  const [link, setLink] = useState<ConnectionState>(connection.state);
  const [info, setInfo] = useState<TerminalInfo | null>(null);
  const [unconfigured, setUnconfigured] = useState<ConfigProblem[] | null>(null);
  const [language, setLanguageState] = useState<Language>(savedLanguage);
  const [staff, setStaff] = useState<Staff | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [route, setRoute] = useState<Route>({ name: 'checkout' });
  const [checkout, dispatch] = useReducer(checkoutReducer, undefined, () => restoreCheckout(uuidv7));
  // The sale in progress survives a reload and a backend restart (checkout-persistence.ts says why there).
  useEffect(() => saveCheckout(checkout), [checkout]);

  useEffect(() => {
    const off = connection.onState(setLink);
    // The socket may have opened before this subscription.
    setLink(connection.state);
    return off;
  }, [connection]);

  useEffect(() => {
    if (link !== 'open' || info) return;
    client.call('terminal.info', {}).then(setInfo, (error: unknown) => {
      // A terminal with a broken configuration opens nothing and says what IT must fix.
      if (error instanceof ApiError && error.payload.code === 'NOT_CONFIGURED')
        setUnconfigured((error.payload.details?.problems as ConfigProblem[] | undefined) ?? []);
    });
  }, [client, link, info]);

  const signOut = useCallback(
    (why: MessageKey | null = null, keepSale = false) => {
      if (client.token()) void client.call('staff.logout', {}).catch(() => {});
      client.setToken(null);
      setStaff(null);
      setNotice(why);
      setRoute({ name: 'checkout' });
      if (keepSale) return;
      dispatch({ type: 'clear', nextSaleId: uuidv7() });
      dispatch({ type: 'member', member: null });
    },
    [client],
  );

  // A restarted backend has forgotten every session; an expired session answers UNAUTHENTICATED.
  useEffect(
    () =>
      connection.onEvent((event) => {
        // Everyone signs in again; the basket in progress stays for whoever does.
        if (event.name === 'backend.restarted') signOut('app.restarted', true);
      }),
    [connection, signOut],
  );
  useEffect(
    // The backend forgot the session (it restarted, or ended it): the sale in progress stays, as after a restart.
    () =>
      client.onError((error: ApiError) => error.payload.code === 'UNAUTHENTICATED' && staff !== null && signOut('app.signedOutIdle', true)),
    [client, staff, signOut],
  );
  useIdle(IDLE_SIGN_OUT_MS, staff !== null, () => signOut('app.signedOutIdle'));

  const i18n: I18n | null = useMemo(
    () =>
      info && {
        language,
        setLanguage: (l: Language) => {
          saveLanguage(l);
          setLanguageState(l);
        },
        t: (key, vars) => translate(language, key, vars),
        format: { locale: info.locale, currency: info.currency, timeZone: info.timeZone },
      },
    [info, language],
  );

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  if (unconfigured) return <NeedsConfiguration problems={unconfigured} language={language} />;
  if (!i18n || !info) {
    return (
      <p className="banner banner-warn" role="status">
        {translate(language, link === 'closed' ? 'app.reconnecting' : 'app.connecting')}
      </p>
    );
  }

  return (
    <ApiContext.Provider value={{ client, connection }}>
      <I18nContext.Provider value={i18n}>
        <div className="app" data-link={link}>
          {link !== 'open' && (
            <p className="banner banner-warn" role="status">
              {i18n.t(link === 'connecting' ? 'app.connecting' : 'app.reconnecting')}
            </p>
          )}
          {info.demo && <p className="banner banner-demo">{i18n.t('app.demo')}</p>}
          {staff ? (
            <SessionContext.Provider value={{ staff, info, signOut: () => signOut(), checkout, dispatch }}>
              <NavigationContext.Provider value={{ route, go: setRoute }}>
                <TopBar syncBadge={<SyncBadge />} />
                <ServerLinkBanner />
                <Screen route={route} />
              </NavigationContext.Provider>
            </SessionContext.Provider>
          ) : (
            <>
              <SignedOutLinkBanner />
              <div className="language-switch">
                <label>
                  {i18n.t('app.language')}
                  <select value={language} onChange={(e) => i18n.setLanguage(e.target.value as Language)}>
                    {Object.entries(LANGUAGES).map(([code, name]) => (
                      <option key={code} value={code}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              {notice && (
                <p className="banner banner-info" role="status">
                  {i18n.t(notice)}
                </p>
              )}
              <SignInScreen
                onSignedIn={(session) => {
                  client.setToken(session.token);
                  setNotice(null);
                  setStaff(session.staff);
                }}
              />
            </>
          )}
        </div>
      </I18nContext.Provider>
    </ApiContext.Provider>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'checkout':
      return <CheckoutScreen />;
    case 'find':
      return <FindMemberScreen />;
    case 'enrol':
      return <EnrolScreen cardNumber={route.cardNumber} />;
    case 'member':
      return <MemberScreen memberId={route.memberId} />;
    case 'report':
      return <DayReportScreen />;
    case 'sync':
      return <SyncScreen />;
    case 'settings':
      return <SettingsScreen />;
  }
}
