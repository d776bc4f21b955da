/**
 * The deterministic simulation (sync-simulation-run.ts) against the server on
 * a real PostgreSQL database (a connection pool, real row locks), as in
 * production. sync-simulation-pglite.test.ts runs fewer seeds on the embedded
 * PGlite.
 */
import { defineSimulation } from './sync-simulation-run.ts';
import { usePostgresCluster } from './sync-harness.ts';

usePostgresCluster();
defineSimulation({ driver: 'postgres', seeds: 100, firstSeed: 1, file: 'test/integration/sync-simulation.test.ts' });
