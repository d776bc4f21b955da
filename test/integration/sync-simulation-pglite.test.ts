/**
 * The deterministic simulation (sync-simulation-run.ts) against the server on
 * the embedded PGlite, the default for a single store: fewer seeds than on
 * PostgreSQL (sync-simulation.test.ts, which says how to replay a seed), from
 * a different first seed:
 *   SIM_SEED=<n> npx vitest run test/integration/sync-simulation-pglite.test.ts
 */
import { defineSimulation } from './sync-simulation-run.ts';

defineSimulation({ driver: 'pglite', seeds: 30, firstSeed: 1001, file: 'test/integration/sync-simulation-pglite.test.ts' });
