import { describe, expect, test } from 'vitest';
import { chooseKeyStore, protectionOf } from '../../../main/app/device-key.ts';
import { updateAction, withinHours } from '../../../main/app/update-policy.ts';
import { blocking, parseFindings } from '../../security/electronegativity.ts';

describe('update policy: never restart mid-sale', () => {
  const base = { downloaded: true, idleSeconds: 3600, localHour: 3, maintenanceHours: { from: 2, to: 5 } };
  test('installs now only when downloaded, idle long enough and inside the night window', () => {
    expect(updateAction(base)).toBe('install-now');
    expect(updateAction({ ...base, downloaded: false })).toBe('wait');
    expect(updateAction({ ...base, idleSeconds: 60 })).toBe('wait'); // someone touched the till a minute ago
    expect(updateAction({ ...base, idleSeconds: 14 * 60 })).toBe('wait'); // shorter than the staff idle sign-out margin
    expect(updateAction({ ...base, localHour: 14 })).toBe('wait'); // opening hours: install on quit instead
  });
  test('windows may wrap midnight; an empty window never installs', () => {
    expect(withinHours(23, { from: 22, to: 4 })).toBe(true);
    expect(withinHours(3, { from: 22, to: 4 })).toBe(true);
    expect(withinHours(4, { from: 22, to: 4 })).toBe(false);
    expect(withinHours(3, { from: 3, to: 3 })).toBe(false);
  });
});

describe('device key store', () => {
  test('keeps what the terminal has; new terminals seal with the OS when it really protects', () => {
    expect(chooseKeyStore({ sealedExists: true, fileExists: true, protection: 'none' })).toBe('sealed');
    expect(chooseKeyStore({ sealedExists: false, fileExists: true, protection: 'strong' })).toBe('file');
    expect(chooseKeyStore({ sealedExists: false, fileExists: false, protection: 'strong' })).toBe('sealed');
    expect(chooseKeyStore({ sealedExists: false, fileExists: false, protection: 'none' })).toBe('file');
  });
  test("Linux's basic_text backend is no protection", () => {
    const storage = (available: boolean, backend: string) => ({
      isEncryptionAvailable: () => available,
      getSelectedStorageBackend: () => backend as 'basic_text',
    });
    expect(protectionOf(storage(true, 'basic_text'), 'linux')).toBe('none');
    expect(protectionOf(storage(true, 'gnome_libsecret'), 'linux')).toBe('strong');
    expect(protectionOf(storage(true, 'unknown'), 'win32')).toBe('strong');
    expect(protectionOf(storage(false, 'kwallet5'), 'linux')).toBe('none');
  });
});

describe('electronegativity gate', () => {
  test('fails on HIGH and MEDIUM findings only', () => {
    const csv = [
      'issue, severity, confidence, filename, location, sample, description, url',
      'CSP_GLOBAL_CHECK,"LOW","TENTATIVE","security.ts","59:15",N/A,"Failed to parse CSP, it may not be valid.",https://x',
      'NODE_INTEGRATION_JS_CHECK,"HIGH","FIRM","window.ts","3:1",N/A,"Disable nodeIntegration",https://y',
      'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"Missing PermissionRequestHandler",https://z',
    ].join('\n');
    const findings = parseFindings(csv);
    expect(findings.map((f) => [f.issue, f.severity])).toEqual([
      ['CSP_GLOBAL_CHECK', 'LOW'],
      ['NODE_INTEGRATION_JS_CHECK', 'HIGH'],
      ['PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'MEDIUM'],
    ]);
    expect(blocking(findings).map((f) => f.issue)).toEqual(['NODE_INTEGRATION_JS_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']);
  });
});
