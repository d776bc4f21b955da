import { describe, expect, it } from 'vitest';
import { api } from '../../../shared/api.ts';
import {
  emptyEnrolForm,
  fieldOfPath,
  normaliseCard,
  serverFieldErrors,
  validateEnrol,
  type EnrolForm,
} from '../../../renderer/components/enrol/enrol-validation.ts';

const memberId = '0190b4a0-0000-7000-8000-000000000001';
const form = (over: Partial<EnrolForm>): EnrolForm => ({ ...emptyEnrolForm, name: 'Anna Muster', ...over });

describe('enrolment validation', () => {
  it('needs a name, and sends empty optional fields as null', () => {
    expect(validateEnrol(form({ name: '  ' }), memberId).errors).toEqual({ name: 'nameRequired' });
    expect(validateEnrol(form({ name: 'x'.repeat(121) }), memberId).errors).toEqual({ name: 'nameTooLong' });
    expect(validateEnrol(form({ name: ' Anna ', consentMarketing: true }), memberId).input).toEqual({
      memberId,
      name: 'Anna',
      phone: null,
      email: null,
      birthDate: null,
      consentMarketing: true,
      cardNumber: null,
      referrerCard: null,
    });
  });

  it('reports every bad field at once', () => {
    const { input, errors } = validateEnrol(form({ name: '', phone: '12', email: 'nope', birthDate: '14.03.1990' }), memberId);
    expect(input).toBeNull();
    expect(errors).toEqual({ name: 'nameRequired', phone: 'phoneInvalid', email: 'emailInvalid', birthDate: 'birthDateInvalid' });
  });

  it('takes card numbers without their spaces', () => {
    expect(normaliseCard(' 2900 1234-5678 9 ')).toBe('2900123456789');
    expect(validateEnrol(form({ cardNumber: '2900 1234 5678 9' }), memberId).input?.cardNumber).toBe('2900123456789');
  });

  // The page must refuse exactly what the API's schema refuses, field by field.
  const samples: Partial<EnrolForm>[] = [
    { phone: '+49 151 1234567' },
    { phone: '(030) 123-456' },
    { phone: '12345' },
    { phone: '123456' },
    { phone: 'call me' },
    { phone: '+' + '1'.repeat(20) },
    { phone: '1'.repeat(21) },
    { email: 'anna@example.com' },
    { email: 'anna.muster+shop@mail.example.co.uk' },
    { email: 'anna@example' },
    { email: 'anna@@example.com' },
    { email: '.anna@example.com' },
    { email: 'an..na@example.com' },
    { email: 'anna.@example.com' },
    { email: `${'a'.repeat(190)}@example.com` },
    { email: 'anna@-example.com' },
    { birthDate: '1990-03-14' },
    { birthDate: '1990-3-14' },
    { birthDate: '14.03.1990' },
    { name: 'x'.repeat(120) },
    { name: 'x'.repeat(121) },
    { name: '   ' },
    { cardNumber: '1'.repeat(64) },
    { cardNumber: '1'.repeat(65) },
    { referrerCard: '2950 0000 0000 1' },
  ];
  for (const sample of samples) {
    it(`agrees with the API schema on ${JSON.stringify(sample).slice(0, 60)}`, () => {
      const f = form(sample);
      const ours = validateEnrol(f, memberId);
      // What the API would get if the page sent the fields as typed (trimmed, empty = null).
      const raw = ours.input ?? {
        memberId,
        name: f.name.trim(),
        phone: f.phone.trim() || null,
        email: f.email.trim() || null,
        birthDate: f.birthDate.trim() || null,
        consentMarketing: f.consentMarketing,
        cardNumber: normaliseCard(f.cardNumber) || null,
        referrerCard: normaliseCard(f.referrerCard) || null,
      };
      const theirs = api['member.enrol'].input.safeParse(raw);
      expect(ours.input !== null, JSON.stringify(theirs.error?.issues)).toBe(theirs.success);
      if (!theirs.success) {
        expect(new Set(theirs.error.issues.map((i) => String(i.path[0])))).toEqual(new Set(Object.keys(ours.errors)));
      }
    });
  }

  it('maps server details to fields', () => {
    expect(fieldOfPath('email')).toBe('email');
    expect(fieldOfPath('phone.0')).toBe('phone');
    expect(fieldOfPath('memberId')).toBeNull();
    expect(fieldOfPath(3)).toBeNull();
    // Problems, not the backend's English messages: the screen words them in its language.
    expect(serverFieldErrors({ field: 'cardNumber', reason: 'bad-check-digit' })).toEqual({ cardNumber: 'cardCheckDigit' });
    expect(serverFieldErrors({ field: 'cardNumber', reason: 'wrong-length' })).toEqual({ cardNumber: 'cardLength' });
    expect(
      serverFieldErrors({
        issues: [
          { path: 'email', message: 'Invalid email address' },
          { path: 'memberId', message: 'expected a UUID' },
          { path: 'name', message: '' },
          'junk',
        ],
      }),
    ).toEqual({ email: 'emailInvalid', name: 'nameInvalid' });
    expect(serverFieldErrors(undefined)).toEqual({});
  });
});
