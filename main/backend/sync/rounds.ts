/**
 * When the terminal syncs. One round = push the outbox, then pull what
 * changed. A round runs shortly after a commit (debounced), every
 * `pullIntervalMs`, and on `sync.now`; after a failure the next round waits a
 * backoff delay (full jitter), or the backoff cap when an operator must act
 * (clock, pairing, CA). The outbox and the pull cursor are in the database, so
 * a restart resumes where it stopped.
 */
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logging.ts';
import { writeTransaction, type TerminalDb } from '../store/connection.ts';
import { saveLastSyncSuccess } from '../store/sync-state.ts';
import { retryDelay } from './backoff.ts';
import { classifyFailure, SyncFailure } from './failure.ts';
import type { SyncHttpClient } from './http-client.ts';
import { pullChanges, type PullDeps } from './pull.ts';
import { pushOutbox, type PushDeps } from './push.ts';
import type { ServerLink } from './server-link.ts';
import type { SyncSettings } from './sync-settings.ts';

export interface RoundHooks {
  afterPushAnswer?: PushDeps['afterAnswer'];
  afterPullPage?: PullDeps['afterPage'];
}

export interface SyncRoundsOptions {
  store: TerminalDb;
  clock: Clock;
  log: Logger;
  settings: SyncSettings;
  link: ServerLink;
  random?: (() => number) | undefined;
  /** Test seams for crash injection. */
  hooks?: RoundHooks | undefined;
  /** A round started or ended, or found nothing to do: the status may have changed. */
  onChange: () => void;
}

export type RoundFailure = { state: 'offline' | 'error'; reason: string };

export class SyncRounds {
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private attempt = 0;
  private failure: RoundFailure | null = null;
  private controller = new AbortController();

  constructor(private readonly options: SyncRoundsOptions) {}

  /** A push or pull is running. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** The last round's failure, or null when it succeeded (or none ran yet). */
  get lastFailure(): RoundFailure | null {
    return this.failure;
  }

  /** Starts scheduling rounds (the first at once if paired); false if already started. */
  start(): boolean {
    if (this.started) return false;
    this.started = true;
    this.controller = new AbortController();
    if (this.options.link.paired) this.schedule(0);
    return true;
  }

  /** Stops cleanly: no timer left, the request in flight aborted and its round awaited. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Infinity;
    this.controller.abort();
    await this.running;
  }

  /** A command wrote to the outbox: push soon, unless a failure's backoff says wait. */
  outboxWritten(): void {
    if (this.started && this.options.link.paired && this.failure === null) this.schedule(this.options.settings.debounceMs);
  }

  /** One full round now (waits for a round already running, then runs another). */
  async runNow(): Promise<void> {
    if (this.running !== null) await this.running;
    await this.runRound();
  }

  /** New credentials: the old failures no longer say anything; try at once. */
  paired(): void {
    this.failure = null;
    this.attempt = 0;
    if (this.started) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.running !== null) {
      // A round is under way: run another as soon as it ends if this was asked sooner than its next slot.
      if (delayMs <= this.options.settings.debounceMs) this.again = true;
      return;
    }
    const at = Date.now() + delayMs;
    if (this.timer !== null && this.dueAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dueAt = Infinity;
      void this.runRound();
    }, delayMs);
  }

  private runRound(): Promise<void> {
    if (this.running !== null) return this.running;
    const client = this.options.link.client();
    if (client === null) {
      this.options.onChange();
      return Promise.resolve();
    }
    this.running = this.round(client).then((nextInMs) => {
      this.running = null;
      this.options.onChange();
      // A commit during a successful round: push it now rather than at the next slot.
      const soon = this.again && this.failure === null;
      this.again = false;
      if (nextInMs !== null) this.schedule(soon ? 0 : nextInMs);
    });
    this.options.onChange();
    return this.running;
  }

  /** One push + pull; resolves with when the next round is due (null when stopping). Never rejects. */
  private async round(linkClient: SyncHttpClient): Promise<number | null> {
    const { store, settings, clock, log, hooks } = this.options;
    const now = () => clock.now();
    const signal = this.controller.signal;
    try {
      // A pairing made before device keys moves to its own key first (device-key.ts); then the round signs with it.
      const client = (await this.options.link.upgradeSigning({ signal, timeoutMs: settings.requestTimeoutMs })) ?? linkClient;
      const pushed = await pushOutbox({
        store,
        client,
        now,
        batchSize: settings.pushBatch,
        pipeline: settings.pushPipeline,
        signal,
        timeoutMs: settings.requestTimeoutMs,
        ...(hooks?.afterPushAnswer ? { afterAnswer: hooks.afterPushAnswer } : {}),
      });
      const pulled = await pullChanges({
        store,
        client,
        now,
        pageSize: settings.pullPageSize,
        log,
        signal,
        timeoutMs: settings.requestTimeoutMs,
        ...(hooks?.afterPullPage ? { afterPage: hooks.afterPullPage } : {}),
      });
      writeTransaction(store, (db) => saveLastSyncSuccess(db, clock.now()));
      if (pushed.sent > 0 || pulled.members > 0)
        log.log('info', 'sync.round', {
          pushed: pushed.sent,
          flagged: pushed.flagged,
          held: pushed.held,
          refused: pushed.refused,
          pages: pulled.pages,
          members: pulled.members,
          corrections: pulled.corrections,
          unreadable: pulled.unreadable,
        });
      this.failure = null;
      this.attempt = 0;
      return settings.pullIntervalMs;
    } catch (error) {
      if (signal.aborted) return null; // stopping
      const plan =
        error instanceof SyncFailure
          ? classifyFailure(error)
          : { retry: 'backoff' as const, state: 'error' as const, reason: 'internal error' };
      if (!(error instanceof SyncFailure))
        log.log('error', 'sync.round.crashed', { error: error instanceof Error ? error.message : 'unknown' });
      this.failure = { state: plan.state, reason: plan.reason };
      const delay = retryDelay(
        plan,
        plan.retry === 'slow' ? this.attempt : this.attempt++,
        this.options.random ?? Math.random,
        settings.backoff,
      );
      log.log('warn', 'sync.round.failed', { cause: plan.reason, retryInMs: delay });
      return delay;
    }
  }
}
