/**
 * The deterministic simulation (sync-simulation-run.ts) against the server on
 * the embedded PGlite, the default for a single store: fewer seeds than on
 * PostgreSQL (sync-simulation.test.ts), from a different first seed.
 */
import { defineSimulation } from './sync-simulation-run.ts';

defineSimulation({ driver: 'pglite', seeds: 30, firstSeed: 1001, file: 'test/integration/sync-simulation-pglite.test.ts' });
