import { useEffect, useId, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import type { MemberSummary, Output } from '../../shared/api.ts';
import { uuidv7 } from '../../shared/ids.ts';
import type { ScanEvent } from '../../shared/scan.ts';
import { ApiError } from '../api/client.ts';
import { useApi } from '../app/api-context.tsx';
import { useNavigation } from '../app/navigation.tsx';
import { useScans } from '../app/use-scans.ts';
import { canAct, useSession } from '../app/session.tsx';
import {
  ENROL_FIELDS,
  duplicateQuery,
  emptyEnrolForm,
  normaliseCard,
  serverFieldErrors,
  validateEnrol,
  type EnrolField,
  type EnrolForm,
  type EnrolProblem,
} from '../components/enrol/enrol-validation.ts';
import { CalendarDateInput } from '../components/screens-common/CalendarDateInput.tsx';
import { errorText } from '../components/screens-common/error-text.ts';
import { scanRejectionText } from '../components/screens-common/scan-text.ts';
import { formatPoints } from '../i18n/format.ts';
import { QrCard } from '../components/enrol/QrCard.tsx';
import { useI18n, type MessageKey } from '../i18n/i18n.tsx';
import './enrol.css';
import { memberName } from '../components/screens-common/member-name.ts';

const PROBLEM_MESSAGES: Record<EnrolProblem, MessageKey> = {
  nameRequired: 'enrol.nameRequired',
  nameTooLong: 'enrol.nameTooLong',
  nameInvalid: 'enrol.nameInvalid',
  phoneInvalid: 'enrol.phoneInvalid',
  emailInvalid: 'enrol.emailInvalid',
  birthDateInvalid: 'enrol.birthDateInvalid',
  cardInvalid: 'enrol.cardInvalid',
  cardCheckDigit: 'enrol.cardCheckDigit',
  cardLength: 'enrol.cardLength',
  referralInvalid: 'enrol.referralInvalid',
};

const LABELS: Record<EnrolField, MessageKey> = {
  name: 'enrol.name',
  phone: 'enrol.phone',
  email: 'enrol.email',
  birthDate: 'enrol.birthDate',
  cardNumber: 'enrol.card',
  referrerCard: 'enrol.referral',
};

const INPUTS: Record<EnrolField, InputHTMLAttributes<HTMLInputElement>> = {
  name: { type: 'text', autoComplete: 'off', required: true, maxLength: 120 },
  phone: { type: 'tel', autoComplete: 'off', inputMode: 'tel' },
  email: { type: 'email', autoComplete: 'off', inputMode: 'email' },
  birthDate: {}, // a CalendarDateInput
  cardNumber: { type: 'text', autoComplete: 'off', inputMode: 'numeric', spellCheck: false },
  referrerCard: { type: 'text', autoComplete: 'off', inputMode: 'numeric', spellCheck: false },
};

/** Enrol (manager): the backend refuses a cashier too; this only says so plainly. */
export function EnrolScreen({ cardNumber }: { cardNumber?: string | undefined }) {
  const { staff } = useSession();
  const { t } = useI18n();
  if (!canAct(staff, 'manager')) {
    return (
      <main className="screen enrol">
        <h1>{t('enrol.title')}</h1>
        <p className="error" role="alert">
          ⚠ {t('enrol.managerOnly')}
        </p>
      </main>
    );
  }
  return <EnrolFormView initialCard={cardNumber ?? ''} />;
}

type Notice = { tone: 'good' | 'bad'; text: string };

/** Typing pauses this long before the duplicate check goes out. */
const DUPLICATE_CHECK_MS = 300;

/** Members with the same phone or e-mail, for the values with this key; `confirmed`: the manager chose to enrol anyway. */
interface Duplicates {
  key: string;
  members: MemberSummary[];
  confirmed: boolean;
}

function EnrolFormView({ initialCard }: { initialCard: string }) {
  const { client } = useApi();
  const { t, format } = useI18n();
  const { dispatch } = useSession();
  const { go } = useNavigation();
  // One id per form: a retry after a lost answer enrols the same member, never a second one.
  const [memberId, setMemberId] = useState(() => uuidv7());
  const [form, setForm] = useState<EnrolForm>({ ...emptyEnrolForm, cardNumber: initialCard });
  const [problems, setProblems] = useState<Partial<Record<EnrolField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [cardNotice, setCardNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Output<'member.enrol'> | null>(null);
  const [duplicates, setDuplicates] = useState<Duplicates | null>(null);
  const focused = useRef<EnrolField | null>(null);
  const inputs = useRef<Partial<Record<EnrolField, HTMLInputElement | null>>>({});
  const id = useId();

  const set = (field: keyof EnrolForm, value: string | boolean) => {
    setForm((f) => ({ ...f, [field]: value }));
    if (field !== 'consentMarketing') setProblems((p) => ({ ...p, [field]: undefined }));
  };

  const onScan = async (scan: ScanEvent) => {
    if (done || busy) return;
    try {
      const outcome = await client.call('scan.resolve', scan);
      if (outcome.kind === 'blank-card') {
        set('cardNumber', outcome.cardNumber);
        setCardNotice({ tone: 'good', text: t('enrol.cardScanned', { card: outcome.cardNumber }) });
      } else if (outcome.kind === 'member' && focused.current === 'referrerCard') {
        // With the referral field in focus, a member's card is the referrer's.
        const card = outcome.via === 'card' ? normaliseCard(scan.text) : (outcome.member.cards[0] ?? '');
        set('referrerCard', card);
        setCardNotice({ tone: 'good', text: t('enrol.referrerScanned', { name: memberName(outcome.member, t) }) });
      } else if (outcome.kind === 'member') {
        setCardNotice({ tone: 'bad', text: t('enrol.cardTaken', { name: memberName(outcome.member, t) }) });
      } else if (outcome.kind === 'rejected') {
        setCardNotice({ tone: 'bad', text: scanRejectionText(outcome, t) });
      } else {
        setCardNotice({ tone: 'bad', text: t('enrol.notACard') });
      }
    } catch (e) {
      setCardNotice({ tone: 'bad', text: errorText(e, t, format) });
    }
  };
  useScans((scan) => void onScan(scan));

  // Same phone (any format) or e-mail as a member: asked while the details are typed, before anything is created.
  const query = duplicateQuery(form);
  const queryKey = query?.key ?? null;
  const checkDuplicates = async (q: NonNullable<typeof query>): Promise<MemberSummary[]> => {
    const { members } = await client.call('member.duplicates', { phone: q.phone, email: q.email });
    setDuplicates((d) => ({ key: q.key, members, confirmed: d?.key === q.key && d.confirmed }));
    return members;
  };
  useEffect(() => {
    if (query === null) {
      setDuplicates(null);
      return;
    }
    const timer = setTimeout(() => void checkDuplicates(query).catch(() => {}), DUPLICATE_CHECK_MS);
    return () => clearTimeout(timer);
    // The key stands for the query's values: a new query object with the same values asks nothing again.
  }, [queryKey]);
  const shownDuplicates = duplicates !== null && duplicates.key === queryKey ? duplicates.members : [];
  const mustConfirm = shownDuplicates.length > 0 && !duplicates?.confirmed;

  const focusFirst = (fields: Partial<Record<EnrolField, unknown>>) => {
    const first = ENROL_FIELDS.find((f) => fields[f]);
    if (first) inputs.current[first]?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    const { input, errors } = validateEnrol(form, memberId);
    if (!input) {
      const messages = Object.fromEntries(Object.entries(errors).map(([f, p]) => [f, t(PROBLEM_MESSAGES[p])]));
      setProblems(messages);
      setFormError(t('enrol.fixFields'));
      focusFirst(messages);
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      // Never create before the check: ask now if the answer on screen is not for these values.
      const q = duplicateQuery(form);
      const found = q === null ? [] : duplicates?.key === q.key ? duplicates.members : await checkDuplicates(q);
      if (found.length > 0 && !(duplicates?.key === q?.key && duplicates?.confirmed)) {
        if (duplicates?.key === q?.key && duplicates !== null && shownDuplicates.length > 0) {
          // Shown already and pressed again: the button said "Enrol anyway".
          setDuplicates({ ...duplicates, confirmed: true });
        } else {
          setFormError(t('enrol.duplicatesFirst'));
          return;
        }
      }
      setDone(await client.call('member.enrol', input));
    } catch (e) {
      // Each refused field said in the catalogue's words (the backend's English message is for logs).
      let fields: Partial<Record<EnrolField, string>> = {};
      if (e instanceof ApiError) {
        if (e.payload.code === 'VALIDATION')
          fields = Object.fromEntries(Object.entries(serverFieldErrors(e.payload.details)).map(([f, p]) => [f, t(PROBLEM_MESSAGES[p])]));
        else if (e.payload.code === 'CARD_IN_USE') fields = { cardNumber: errorText(e, t, format) };
        // The only thing enrolment looks up is the referral card.
        else if (e.payload.code === 'NOT_FOUND') fields = { referrerCard: t('enrol.referrerUnknown') };
      }
      setProblems(fields);
      setFormError(Object.keys(fields).length > 0 ? t('enrol.fixFields') : errorText(e, t, format));
      focusFirst(fields);
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setMemberId(uuidv7());
    setForm(emptyEnrolForm);
    setProblems({});
    setFormError(null);
    setCardNotice(null);
    setDone(null);
    setDuplicates(null);
  };

  if (done) {
    return (
      <main className="screen enrol">
        <h1>{t('enrol.title')}</h1>
        <section className="enrol-done" aria-labelledby={`${id}-done`}>
          <p id={`${id}-done`} className="notice notice-good" role="status">
            ✓ {t('enrol.done', { name: memberName(done.member, t) })}
          </p>
          {done.bonusPoints > 0 && <p>{t('enrol.bonus', { points: formatPoints(done.bonusPoints, format) })}</p>}
          {done.member.cards.length > 0 && <p>{t('enrol.cardIssued', { card: done.member.cards.join(', ') })}</p>}
          {done.duplicates.length > 0 && (
            <p className="warning" role="alert">
              ⚠ {t('enrol.duplicates', { names: done.duplicates.map((d) => memberName(d, t)).join(', ') })}
            </p>
          )}
          <QrCard memberId={done.member.id} name={memberName(done.member, t)} />
          <div className="enrol-actions">
            <button
              type="button"
              className="primary"
              autoFocus
              onClick={() => {
                dispatch({ type: 'member', member: done.member });
                go({ name: 'checkout' });
              }}
            >
              {t('enrol.useAtCheckout')}
            </button>
            <button type="button" onClick={again}>
              {t('enrol.another')}
            </button>
          </div>
        </section>
      </main>
    );
  }

  const field = (name: EnrolField, autoFocus = false) => {
    const inputId = `${id}-${name}`;
    const problem = problems[name];
    const common = {
      id: inputId,
      ref: (el: HTMLInputElement | null) => {
        inputs.current[name] = el;
      },
      name,
      onFocus: () => (focused.current = name),
      onBlur: () => (focused.current = null),
      autoFocus,
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': `${inputId}-error`,
    };
    return (
      <div className="form-field" key={name}>
        <label htmlFor={inputId}>{t(LABELS[name])}</label>
        {name === 'birthDate' ? (
          // In the store's date layout, not the browser's picker (which follows the OS language); a partial date stays invalid.
          <CalendarDateInput {...common} value={form.birthDate} onChange={(iso, text) => set(name, iso ?? text.trim())} />
        ) : (
          <input {...INPUTS[name]} {...common} value={form[name]} onChange={(e) => set(name, e.target.value)} />
        )}
        <p id={`${inputId}-error`} className="field-error">
          {problem ? `⚠ ${problem}` : ''}
        </p>
      </div>
    );
  };

  return (
    <main className="screen enrol">
      <h1>{t('enrol.title')}</h1>
      <form className="enrol-form" onSubmit={submit} noValidate aria-label={t('enrol.title')}>
        {field('name', true)}
        {field('phone')}
        {field('email')}
        {field('birthDate')}
        <div className="enrol-duplicates" role={shownDuplicates.length > 0 ? 'alert' : undefined}>
          {shownDuplicates.length > 0 && (
            <div className="notice notice-bad">
              <p>⚠ {t('enrol.duplicatesBefore')}</p>
              <ul>
                {shownDuplicates.map((m) => (
                  <li key={m.id}>
                    <button type="button" className="link-button" onClick={() => go({ name: 'member', memberId: m.id })}>
                      {memberName(m, t)}
                      {m.phone ? ` · ${m.phone}` : ''}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {field('cardNumber')}
        {field('referrerCard')}
        <p className={`field-note${cardNotice ? ` notice-${cardNotice.tone}` : ''}`} role="status">
          {/* The card field's label already says to scan a blank card: the line stays empty until a scan. */}
          {cardNotice ? `${cardNotice.tone === 'good' ? '✓' : '⚠'} ${cardNotice.text}` : ''}
        </p>
        <div className="form-field consent">
          <label>
            <input type="checkbox" checked={form.consentMarketing} onChange={(e) => set('consentMarketing', e.target.checked)} />
            <span>{t('enrol.consent')}</span>
          </label>
        </div>
        <div className="message-slot">
          {formError && (
            <p className="error" role="alert">
              ⚠ {formError}
            </p>
          )}
        </div>
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('enrol.submitting') : mustConfirm ? t('enrol.submitAnyway') : t('enrol.submit')}
        </button>
      </form>
    </main>
  );
}
