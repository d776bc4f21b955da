import type { Input } from '../../../shared/api.ts';

/**
 * The enrolment form checked in the page with the same rules as the API's zod
 * schema (shared/api.ts, `member.enrol`), without shipping zod to the renderer;
 * test/unit/renderer/enrol-validation.test.ts holds the two in step.
 */
export interface EnrolForm {
  name: string;
  phone: string;
  email: string;
  birthDate: string;
  cardNumber: string;
  referrerCard: string;
  consentMarketing: boolean;
}

export type EnrolField = Exclude<keyof EnrolForm, 'consentMarketing'>;
export const ENROL_FIELDS: readonly EnrolField[] = ['name', 'phone', 'email', 'birthDate', 'cardNumber', 'referrerCard'];

/** Why a field is refused; the screen turns each into a message key. */
export type EnrolProblem =
  | 'nameRequired'
  | 'nameTooLong'
  | 'nameInvalid'
  | 'phoneInvalid'
  | 'emailInvalid'
  | 'birthDateInvalid'
  | 'cardInvalid'
  | 'cardCheckDigit'
  | 'cardLength'
  | 'referralInvalid';

export type EnrolErrors = Partial<Record<EnrolField, EnrolProblem>>;

export const emptyEnrolForm: EnrolForm = {
  name: '',
  phone: '',
  email: '',
  birthDate: '',
  cardNumber: '',
  referrerCard: '',
  consentMarketing: false,
};

const PHONE = /^\+?[\d\s().-]{6,20}$/;
/** zod 4's `z.email()` pattern. */
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What to ask member.duplicates while the customer's details are typed: the phone and e-mail that
 * are complete enough to compare (null: nothing to ask yet). The key tells whether the answer on
 * screen is for the current values.
 */
export function duplicateQuery(
  form: Pick<EnrolForm, 'phone' | 'email'>,
): { phone: string | null; email: string | null; key: string } | null {
  const phone = form.phone.trim();
  const email = form.email.trim();
  const usablePhone = PHONE.test(phone) && phone.replace(/\D/g, '').length >= 6 ? phone : null;
  const usableEmail = email.length <= 200 && EMAIL.test(email) ? email : null;
  if (usablePhone === null && usableEmail === null) return null;
  return { phone: usablePhone, email: usableEmail, key: `${usablePhone ?? ''}\u0000${(usableEmail ?? '').toLowerCase()}` };
}

/** Cards are printed in groups; the number itself is the digits (and letters of older cards) without spaces or hyphens. */
export function normaliseCard(text: string): string {
  return text.replace(/[\s-]/g, '');
}

export function validateEnrol(form: EnrolForm, memberId: string): { input: Input<'member.enrol'> | null; errors: EnrolErrors } {
  const errors: EnrolErrors = {};
  const name = form.name.trim();
  const phone = form.phone.trim();
  const email = form.email.trim();
  const birthDate = form.birthDate.trim();
  const cardNumber = normaliseCard(form.cardNumber);
  const referrerCard = normaliseCard(form.referrerCard);

  if (name.length === 0) errors.name = 'nameRequired';
  else if (name.length > 120) errors.name = 'nameTooLong';
  if (phone !== '' && !PHONE.test(phone)) errors.phone = 'phoneInvalid';
  if (email !== '' && (email.length > 200 || !EMAIL.test(email))) errors.email = 'emailInvalid';
  if (birthDate !== '' && !LOCAL_DATE.test(birthDate)) errors.birthDate = 'birthDateInvalid';
  if (cardNumber.length > 64) errors.cardNumber = 'cardInvalid';
  if (referrerCard.length > 64) errors.referrerCard = 'referralInvalid';

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    errors,
    input: {
      memberId,
      name,
      phone: phone || null,
      email: email || null,
      birthDate: birthDate || null,
      consentMarketing: form.consentMarketing,
      cardNumber: cardNumber || null,
      referrerCard: referrerCard || null,
    },
  };
}

/** The form field a server VALIDATION issue path (`details.issues[].path`) or `details.field` names, if any. */
export function fieldOfPath(path: unknown): EnrolField | null {
  if (typeof path !== 'string') return null;
  const head = path.split('.')[0] ?? '';
  return (ENROL_FIELDS as readonly string[]).includes(head) ? (head as EnrolField) : null;
}

/** A field the server refused: said with the field's own rule (its English message is for logs). */
const SERVER_PROBLEMS: Record<EnrolField, EnrolProblem> = {
  name: 'nameInvalid',
  phone: 'phoneInvalid',
  email: 'emailInvalid',
  birthDate: 'birthDateInvalid',
  cardNumber: 'cardInvalid',
  referrerCard: 'referralInvalid',
};

/**
 * A refused enrolment's details mapped to fields and why: `{field, reason}` (a programme card
 * that failed its check digit or has the wrong length) or `{issues: [{path}]}` (the schema). The
 * screen words each problem from the catalogue, never the backend's English message.
 */
export function serverFieldErrors(details: Record<string, unknown> | undefined): EnrolErrors {
  const out: EnrolErrors = {};
  if (!details) return out;
  const field = fieldOfPath(details.field);
  if (field)
    out[field] =
      field === 'cardNumber' && details.reason === 'bad-check-digit'
        ? 'cardCheckDigit'
        : field === 'cardNumber' && details.reason === 'wrong-length'
          ? 'cardLength'
          : SERVER_PROBLEMS[field];
  if (Array.isArray(details.issues)) {
    for (const issue of details.issues as unknown[]) {
      if (typeof issue !== 'object' || issue === null) continue;
      const f = fieldOfPath((issue as { path?: unknown }).path);
      if (f && !out[f]) out[f] = SERVER_PROBLEMS[f];
    }
  }
  return out;
}
