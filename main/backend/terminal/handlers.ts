import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Handlers } from '../handler-types.ts';
import { databaseStatistics, writeDiagnostics } from '../platform/diagnostics.ts';
import { currentProgram } from '../store/program.ts';
import { productCategories } from '../store/products.ts';
import { programLabels } from './program-labels.ts';
import { storeDisplayName } from './store-name.ts';

export const terminalHandlers = {
  'terminal.info': (_input, ctx) => {
    const program = currentProgram(ctx.store.db);
    const ruleCategories = program.earn.rules.flatMap((r) => (r.match.kind === 'category' ? [r.match.category] : []));
    const categories = [...new Set([...productCategories(ctx.store.db), ...ruleCategories])].sort();
    return {
      storeId: ctx.storeId,
      storeName: storeDisplayName(ctx),
      currency: program.currency,
      timeZone: program.timeZone,
      locale: ctx.terminal.locale,
      appVersion: ctx.terminal.appVersion,
      demo: ctx.terminal.demo,
      categories,
      rewards: program.rewards.map((r) => ({ id: r.id, label: r.label, points: r.points, kind: r.kind, minTier: r.minTier ?? null })),
      labels: programLabels(program),
    };
  },

  'terminal.pairing': (_input, ctx) => ({ pairing: ctx.sync.pairing() }),

  'terminal.stats': (_input, ctx) => databaseStatistics(ctx.store.path, ctx.clock.now()),

  // The same bundle as `loyalty-terminal --diagnostics OUT.zip`, handed to the admin's screen to save.
  'diagnostics.export': async (_input, ctx) => {
    const now = ctx.clock.now();
    const dir = mkdtempSync(join(tmpdir(), 'lt-diagnostics-'));
    try {
      const outPath = join(dir, 'diagnostics.zip');
      await writeDiagnostics({
        outPath,
        dbPath: ctx.store.path,
        logDir: ctx.terminal.logDir ?? join(dir, 'no-logs'),
        backupDir: ctx.terminal.backupDir,
        config: { storeId: ctx.storeId, locale: ctx.terminal.locale, demo: ctx.terminal.demo },
        problems: [],
        versions: { app: ctx.terminal.appVersion, node: process.versions.node, electron: process.versions.electron },
        now,
      });
      ctx.log.log('info', 'diagnostics.exported', { by: ctx.staff.id });
      const stamp = new Date(now).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return { fileName: `loyalty-terminal-diagnostics-${stamp}.zip`, zipBase64: readFileSync(outPath).toString('base64') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
} satisfies Partial<Handlers>;
