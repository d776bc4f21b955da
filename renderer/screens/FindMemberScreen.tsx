import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Member, OnlineMember, Output, ScanOutcome } from '../../shared/api.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { useApi } from '../app/api-context.tsx';
import { useNavigation } from '../app/navigation.tsx';
import { useScans } from '../app/use-scans.ts';
import { useSession } from '../app/session.tsx';
import { recentMembers, rememberMember, type MemberSummary } from '../components/find-member/recent-members.ts';
import { classifyQuery } from '../components/find-member/search-query.ts';
import { errorText, isApiError } from '../components/screens-common/error-text.ts';
import { memberName } from '../components/screens-common/member-name.ts';
import { scanRejectionText } from '../components/screens-common/scan-text.ts';
import { useSlowFlag } from '../components/screens-common/use-slow-flag.ts';
import { formatPoints } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useProgramText } from '../i18n/use-program-text.tsx';

/** Typing pauses this long before a search goes out. */
const DEBOUNCE_MS = 150;
/** ...and this long before the loyalty server is asked too (its searches are counted per till). */
const ONLINE_DEBOUNCE_MS = 500;

/** The loyalty server's part of a search: asked after the till's own, never holding it up. */
type OnlineFound =
  | { text: string; state: 'searching' }
  | { text: string; state: 'found'; members: OnlineMember[]; capped: boolean }
  | { text: string; state: 'unavailable'; reason: Extract<Output<'member.searchOnline'>, { outcome: 'unavailable' }>['reason'] };

interface Found {
  text: string;
  members: MemberSummary[];
  /** The backend found more than it shows. */
  capped: boolean;
}

/** A member from a card or scan as a list row; a stored phone (international digits) gets its '+' back. */
function summaryOf(m: Member): MemberSummary {
  const phone = m.phone !== null && /^\d+$/.test(m.phone) ? `+${m.phone}` : m.phone;
  return {
    id: m.id,
    name: m.name,
    cardHint: m.cardHint,
    phone,
    tier: m.tier,
    tierLabel: m.tierLabel,
    status: m.status,
    balance: m.balance,
  };
}

/**
 * Find member: one box for phone, name or card. Results are large rows; arrow
 * keys move between them and Enter picks one, which puts the member on the
 * sale and goes back to checkout. Scanning a card here does the same.
 *
 * Two groups: "On this till" (the instant offline search: this store's members,
 * whose personal data the till holds) and "From the loyalty server" (the chain's
 * other members, asked after, phone masked). Offline, or when the server part
 * failed, a line says what the offline search cannot find.
 */
export function FindMemberScreen() {
  const { client } = useApi();
  const i18n = useI18n();
  const { t, format } = i18n;
  const words = useProgramText(i18n);
  const { staff, dispatch } = useSession();
  const { go } = useNavigation();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [online, setOnline] = useState<OnlineFound | null>(null);
  const [searching, setSearching] = useState(false);
  const [picking, setPicking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const statusId = useId();
  const query = useMemo(() => classifyQuery(text), [text]);
  const slow = useSlowFlag(searching || picking !== null);

  useEffect(() => {
    if (query.kind !== 'digits' && query.kind !== 'name') {
      setSearching(false);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      setSearching(true);
      try {
        const card =
          query.kind === 'digits' && query.card
            ? client.call('member.byCard', { card: query.card }).catch((e: unknown) => {
                if (isApiError(e, 'NOT_FOUND')) return null;
                throw e;
              })
            : Promise.resolve(null);
        const search = query.search ? client.call('member.search', query.search) : Promise.resolve({ members: [], capped: false });
        const [byCard, result] = await Promise.all([card, search]);
        if (!current) return;
        // A card is an exact match: first, and not again among the phone matches.
        const members = byCard ? [summaryOf(byCard), ...result.members.filter((m) => m.id !== byCard.id)] : result.members;
        setFound({ text, members, capped: result.capped });
        setError(null);
      } catch (e) {
        if (current) setError(errorText(e, t));
      } finally {
        if (current) setSearching(false);
      }
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query, text, t]);

  // The loyalty server is asked after a longer pause, beside the till's own search: its answer adds a group, never replaces or delays the first.
  useEffect(() => {
    const q = text.trim();
    if (query.kind !== 'digits' && query.kind !== 'name') {
      setOnline(null);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      setOnline({ text, state: 'searching' });
      try {
        const answer = await client.call('member.searchOnline', { query: q });
        if (!current) return;
        setOnline(
          answer.outcome === 'found'
            ? { text, state: 'found', members: answer.members, capped: answer.capped }
            : { text, state: 'unavailable', reason: answer.reason },
        );
      } catch {
        // Whatever went wrong, the till's own results stand; the screen says the server part did not run.
        if (current) setOnline({ text, state: 'unavailable', reason: 'offline' });
      }
    }, ONLINE_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query, text]);

  const pick = async (summary: MemberSummary, full?: Member) => {
    setPicking(summary.id);
    setError(null);
    try {
      const member = full ?? (await client.call('member.get', { memberId: summary.id }));
      rememberMember(staff, summaryOf(member));
      dispatch({ type: 'member', member });
      go({ name: 'checkout' });
    } catch (e) {
      setError(errorText(e, t));
      setPicking(null);
    }
  };

  const pickOnline = (m: OnlineMember) => {
    // Found on the server but not brought to this till yet (its first pull is still running): nothing to sell to here.
    if (!m.heldHere) return setNotice(t('find.notHeldYet'));
    setNotice(null);
    void pick({
      id: m.id,
      name: m.name,
      cardHint: m.cardHint,
      phone: null,
      tier: m.tier,
      tierLabel: m.tierLabel,
      status: m.status,
      balance: 0,
    });
  };

  const onScan = async (scan: ScanEvent) => {
    try {
      const outcome: ScanOutcome = await client.call('scan.resolve', scan);
      if (outcome.kind === 'member') return void pick(summaryOf(outcome.member), outcome.member);
      setNotice(
        outcome.kind === 'rejected'
          ? scanRejectionText(outcome, t)
          : outcome.kind === 'blank-card'
            ? t('scan.blankCard')
            : outcome.kind === 'unknown-member'
              ? t('scan.unknownMember')
              : t('find.scanNotMember'),
      );
    } catch (e) {
      setNotice(errorText(e, t));
    }
  };
  useScans((scan) => void onScan(scan));

  const showingRecent = query.kind === 'empty';
  const rows: MemberSummary[] = showingRecent ? [...recentMembers(staff)] : query.kind === 'tooShort' ? [] : (found?.members ?? []);
  const stale = !showingRecent && (found?.text !== text || searching);
  const onlineNow = !showingRecent && query.kind !== 'tooShort' && online !== null && online.text === text ? online : null;
  const shownHere = new Set(rows.map((r) => r.id));
  // A member the till already shows is not listed twice.
  const onlineRows = onlineNow?.state === 'found' ? onlineNow.members.filter((m) => !shownHere.has(m.id)) : [];
  const onlineFailed = onlineNow?.state === 'unavailable' && (onlineNow.reason === 'offline' || onlineNow.reason === 'not_paired');
  const onlineLine =
    onlineNow === null
      ? null
      : onlineNow.state === 'searching'
        ? t('find.onlineSearching')
        : onlineNow.state === 'found'
          ? onlineRows.length === 0
            ? t('find.onlineNone')
            : onlineNow.capped
              ? t('find.onlineCapped')
              : null
          : onlineNow.reason === 'too_short'
            ? t('find.onlineTooShort')
            : onlineNow.reason === 'rate_limited'
              ? t('find.onlineRateLimited')
              : null;

  const rowButtons = () => Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button.find-row') ?? []);

  const onInputKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      rowButtons()[0]?.focus();
    }
  };

  const onRowKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const buttons = rowButtons();
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      buttons[Math.min(index + 1, buttons.length - 1)]?.focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (index === 0) input.current?.focus();
      else buttons[index - 1]?.focus();
    } else if (event.key === 'Home') {
      event.preventDefault();
      buttons[0]?.focus();
    } else if (event.key === 'End') {
      event.preventDefault();
      buttons.at(-1)?.focus();
    }
  };

  // Enter in the box: one match is picked at once; several, the first row gets focus to choose with the arrows.
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (stale || rows.length === 0) return;
    if (rows.length === 1) void pick(rows[0]!);
    else rowButtons()[0]?.focus();
  };

  let status = '';
  if (slow) status = t('common.loading');
  else if (query.kind === 'tooShort') status = t('find.tooShort');
  else if (!showingRecent && !stale && rows.length === 0) status = t('find.none');
  else if (!showingRecent && !stale && found?.capped) status = t('find.capped', { count: found.members.length });
  else if (!showingRecent && !stale) status = t(rows.length === 1 ? 'find.countOne' : 'find.count', { count: rows.length });

  return (
    <main className="screen find-member">
      <h1>{t('find.title')}</h1>
      <form role="search" onSubmit={submit} className="find-form">
        <label className="find-label">
          {t('find.query')}
          <input
            ref={input}
            type="search"
            className="find-input"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setNotice(null);
            }}
            onKeyDown={onInputKey}
            autoFocus
            autoComplete="off"
            spellCheck={false}
            aria-describedby={statusId}
            enterKeyHint="search"
          />
        </label>
        <button type="submit" className="primary">
          {t('find.search')}
        </button>
      </form>
      <p id={statusId} className="find-status" role="status" aria-live="polite">
        {status}
      </p>
      <div className="message-slot">
        {error && (
          <p className="error" role="alert">
            ⚠ {error}
          </p>
        )}
        {!error && notice && (
          <p className="notice notice-bad" role="status">
            {notice}
          </p>
        )}
      </div>
      {showingRecent && <h2 className="find-heading">{t('find.recent')}</h2>}
      {showingRecent && rows.length === 0 && <p className="find-empty">{t('find.noRecent')}</p>}
      {!showingRecent && onlineFailed && (
        <p className="notice find-offline-note" role="status">
          {t('find.offlineNote')}
        </p>
      )}
      <div ref={list} className="find-groups">
        <section className="find-group find-group-local" aria-labelledby={`${statusId}-local`}>
          {!showingRecent && (
            <h2 id={`${statusId}-local`} className="find-heading">
              {t('find.groupLocal')}
            </h2>
          )}
          <ul className="find-results" aria-label={showingRecent ? t('find.recent') : t('find.groupLocal')} aria-busy={stale}>
            {rows.map((m, i) => (
              <li key={m.id}>
                <button
                  type="button"
                  className="find-row"
                  data-member-id={m.id}
                  disabled={picking !== null}
                  onClick={() => void pick(m)}
                  onKeyDown={(e) => onRowKey(e, i)}
                >
                  <span className="find-row-name">{memberName(m, t)}</span>
                  <span className="find-row-phone">{m.phone ?? ''}</span>
                  <span className="find-row-tier">{words.tier(m.tier, m.tierLabel)}</span>
                  <span className="find-row-points">{t('find.points', { points: formatPoints(m.balance, format) })}</span>
                  {m.status === 'blocked' && <span className="find-row-blocked">⚠ {t('find.blocked')}</span>}
                </button>
              </li>
            ))}
          </ul>
        </section>
        {onlineNow !== null && !onlineFailed && (
          <section
            className="find-group find-group-online"
            aria-labelledby={`${statusId}-online`}
            aria-busy={onlineNow.state === 'searching'}
          >
            <h2 id={`${statusId}-online`} className="find-heading">
              {t('find.groupOnline')}
            </h2>
            {onlineLine !== null && (
              <p className="find-online-status muted" role="status">
                {onlineLine}
              </p>
            )}
            {onlineRows.length > 0 && (
              <ul className="find-results-online" aria-label={t('find.groupOnline')}>
                {onlineRows.map((m, i) => (
                  <li key={m.id}>
                    <button
                      type="button"
                      className="find-row find-row-online"
                      data-member-id={m.id}
                      data-held={m.heldHere ? 'true' : 'false'}
                      disabled={picking !== null}
                      onClick={() => pickOnline(m)}
                      onKeyDown={(e) => onRowKey(e, rows.length + i)}
                    >
                      <span className="find-row-name">
                        <span>{memberName(m, t)}</span>
                        <span className="badge find-online-badge">{t('find.onlineBadge')}</span>
                      </span>
                      <span className="find-row-phone">
                        {m.phoneMasked === null ? (
                          ''
                        ) : (
                          <span aria-label={t('find.phoneMasked', { digits: m.phoneMasked.slice(-2) })}>{m.phoneMasked}</span>
                        )}
                      </span>
                      <span className="find-row-tier">{words.tier(m.tier, m.tierLabel)}</span>
                      <span className="find-row-store">
                        {m.inStore
                          ? t('find.thisStore')
                          : m.enrolledStoreName === null
                            ? ''
                            : t('find.enrolledAt', { store: m.enrolledStoreName })}
                      </span>
                      {m.status === 'blocked' && <span className="find-row-blocked">⚠ {t('find.blocked')}</span>}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </div>
    </main>
  );
}
