import { afterEach, beforeEach, expect, test } from 'vitest';
import { createDispatcher } from '../../main/backend/dispatch.ts';
import type { Response } from '../../shared/api.ts';
import { createTestTerminal, PRODUCTS, type TestTerminal } from '../helpers/terminal.ts';
import { unzip } from '../helpers/zip.ts';

/** The settings screen's figures and its diagnostics export, through the real dispatcher. */
let t: TestTerminal;
beforeEach(() => {
  t = createTestTerminal({ now: Date.now() });
});
afterEach(() => t.close());

const ok = (r: Response) => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result as Record<string, unknown>;
};

test('database and queue figures for an admin; diagnostics without personal data; refused to a cashier', async () => {
  const manager = t.login('manager');
  const member = t.enrol(manager, {
    name: 'Hildegard Oyelaran-Smythe',
    phone: '+44 20 7946 0999',
    email: 'hildegard@example.org',
    cardNumber: '2900000000555555',
  });
  t.call(
    'sale.commit',
    { saleId: '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70', memberId: member.id, lines: [{ sku: PRODUCTS[0]!.sku, quantity: 1 }] },
    manager,
  );
  const dispatch = createDispatcher(t.backend, { validateOutput: true });
  const admin = t.login('admin');

  const stats = ok(await dispatch({ id: 1, method: 'terminal.stats', input: {}, token: admin }));
  expect(stats).toMatchObject({ present: true, rows: { members: 1, sales: 1 }, queue: { pending: 2 } });

  const bundle = ok(await dispatch({ id: 2, method: 'diagnostics.export', input: {}, token: admin })) as {
    fileName: string;
    zipBase64: string;
  };
  expect(bundle.fileName).toMatch(/^loyalty-terminal-diagnostics-.*\.zip$/);
  const files = unzip(Buffer.from(bundle.zipBase64, 'base64'));
  expect([...files.keys()]).toEqual(expect.arrayContaining(['versions.json', 'configuration.json', 'database.json']));
  const all = [...files.values()].join('\n');
  for (const secret of ['Hildegard', 'Oyelaran', '7946', 'hildegard@example.org', '2900000000555555']) expect(all).not.toContain(secret);

  const refused = await dispatch({ id: 3, method: 'diagnostics.export', input: {}, token: t.login('cashier') });
  expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
});
