import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';

/**
 * What the backend process needs to start, handed over by its host in the
 * environment (the same way under Electron's utilityProcess and a Node child).
 */
const schema = z.object({
  LT_DB_PATH: z.string().min(1),
  LT_STORE_ID: z.string().min(1).max(64),
  /** A serial scanner's settings as JSON (see serialScannerConfigSchema); absent = no serial scanner. */
  LT_SERIAL: z.string().optional(),
  LT_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LT_IDLE_MS: z.coerce.number().int().min(10_000).optional(),
});
export type BackendConfig = z.infer<typeof schema>;

export function backendConfigFromEnv(env: NodeJS.ProcessEnv): BackendConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError('VALIDATION', `The backend was started without its settings (${problems}).`);
  }
  return parsed.data;
}
