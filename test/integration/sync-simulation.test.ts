/**
 * The deterministic simulation (sync-simulation-run.ts) against the server on
 * a real PostgreSQL database (a connection pool, real row locks), as in
 * production. sync-simulation-pglite.test.ts runs fewer seeds on the embedded
 * PGlite.
 *
 * Replaying a seed: a failing seed is the test named `SEED=<n>`, and prints
 * its last operations and the line to replay it alone:
 *   SIM_SEED=<n> npx vitest run test/integration/sync-simulation.test.ts
 * A seed run alone does what it did among the others: the runner draws its
 * decisions from the seed's own stream, each till's proxy draws each kind of
 * request's fault from a stream of its own (a background hold release or sale
 * fetch shifts no other draw), and the lots earlier seeds left on the shared
 * server are expired before the seed starts, so they never reach its pulls.
 * Compare the seed's printed `counts` line with the failing run's: all alike
 * but `batchesReordered` (how often the answers of a till's two pipelined
 * pushes came back in the other order: timing, not the seed). More seeds:
 * SIM_SEEDS=<count>, from SIM_FIRST_SEED=<n> (default 1); on PGlite, the same
 * variables with sync-simulation-pglite.test.ts (its seeds start at 1001).
 */
import { defineSimulation } from './sync-simulation-run.ts';
import { usePostgresCluster } from './sync-harness.ts';

usePostgresCluster();
defineSimulation({ driver: 'postgres', seeds: 100, firstSeed: 1, file: 'test/integration/sync-simulation.test.ts' });
