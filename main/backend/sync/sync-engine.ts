/**
 * The sync engine: one round = push the outbox, then pull what changed. A
 * round runs shortly after a commit (debounced), every `pullIntervalMs`, and
 * on `sync.now`; after a failure the next round waits a backoff delay (full
 * jitter), or the backoff cap when an operator must act (clock, pairing, CA).
 * The outbox and the pull cursor are in the database, so a restart resumes
 * where it stopped. It publishes a status on every change.
 */
import type { Output, ParsedInput, SyncStatus } from '../../../shared/api.ts';
import { AppError } from '../../../shared/errors.ts';
import { memberTokenResponseSchema, type MemberTokenResponse } from '../../../shared/sync-protocol.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logging.ts';
import type { TerminalDb } from '../store/connection.ts';
import { flaggedCount, outboxStats } from '../store/outbox.ts';
import { holdOfSale } from '../store/sync-redemptions.ts';
import { lastSyncSuccess, saveLastSyncSuccess } from '../store/sync-state.ts';
import { writeTransaction } from '../store/connection.ts';
import { backoffDelay } from './backoff.ts';
import type { DeviceKeySource, SyncCredentials } from './credentials.ts';
import { classifyFailure, SyncFailure } from './failure.ts';
import { placeHold, releaseHold, type HoldDeps } from './holds.ts';
import { SyncHttpClient } from './http-client.ts';
import type { OfflineCaps } from './offline-policy.ts';
import { loadCredentials, pairTerminal, type PairInput, type PairResult } from './pair.ts';
import { pullChanges, type PullDeps } from './pull.ts';
import { pushOutbox, type PushDeps } from './push.ts';
import { computeStatus, sameStatus } from './status.ts';
import type { SyncSettings } from './sync-settings.ts';

export interface SyncEngineOptions {
  store: TerminalDb;
  clock: Clock;
  log: Logger;
  keySource: DeviceKeySource;
  settings: SyncSettings;
  random?: () => number;
  /** Test seams for crash injection. */
  hooks?: { afterPushAnswer?: PushDeps['afterAnswer']; afterPullPage?: PullDeps['afterPage'] };
}

const STATUS_TICK_MS = 60_000;

export class SyncEngine {
  private credentials: SyncCredentials | null | undefined;
  private client: SyncHttpClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;
  private tick: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private attempt = 0;
  private lastFailure: { state: 'offline' | 'error'; reason: string } | null = null;
  private lastStatus: SyncStatus | null = null;
  private controller = new AbortController();
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly options: SyncEngineOptions) {}

  get paired(): boolean {
    return this.creds() !== null;
  }

  /** The offline caps apply only to a paired terminal: unpaired, its own ledger is the only one. */
  offlineCaps(): OfflineCaps | null {
    return this.paired ? this.options.settings.offlineCaps : null;
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): SyncStatus {
    const { db } = this.options.store;
    const stats = outboxStats(db);
    return computeStatus({
      paired: this.paired,
      busy: this.running !== null,
      lastFailure: this.lastFailure,
      queueLength: stats.pending,
      oldestUnsentAt: stats.oldestPendingAt,
      lastSuccessAt: lastSyncSuccess(db),
      flagged: flaggedCount(db),
      now: this.options.clock.now(),
      alertAfterMs: this.options.settings.alertAfterMs,
    });
  }

  /** Recomputes the status and tells the listeners if people would see a difference. */
  refreshStatus(): SyncStatus {
    const status = this.status();
    if (!sameStatus(this.lastStatus, status)) {
      this.lastStatus = status;
      for (const l of this.listeners) l(status);
    }
    return status;
  }

  /** Starts the rounds if the terminal is paired (process-main calls this; tests drive rounds themselves). */
  start(): void {
    if (this.started || !this.options.store.health.ok) return;
    this.started = true;
    this.controller = new AbortController();
    this.tick = setInterval(() => this.refreshStatus(), STATUS_TICK_MS);
    this.tick.unref();
    // The baseline, not an event: screens ask sync.status when they connect; events report changes.
    this.lastStatus = this.status();
    if (this.paired) this.schedule(0);
  }

  /** Stops cleanly: no timer left, the request in flight aborted and its round awaited. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.tick !== null) clearInterval(this.tick);
    this.timer = null;
    this.tick = null;
    this.dueAt = Infinity;
    this.controller.abort();
    await this.running;
    await Promise.allSettled([...this.background]);
    this.client?.close();
    this.client = null;
  }

  /** A command wrote to the outbox: push soon, unless a failure's backoff says wait. */
  notifyOutbox(): void {
    if (this.started && this.paired && this.lastFailure === null) this.schedule(this.options.settings.debounceMs);
    this.refreshStatus();
  }

  /** One full round now (waits for a round already running, then runs another). */
  async syncNow(): Promise<SyncStatus> {
    if (this.running !== null) await this.running;
    await this.runRound();
    return this.status();
  }

  async pair(input: PairInput): Promise<PairResult> {
    const result = await pairTerminal(this.options.store, input, { keySource: this.options.keySource, now: () => this.options.clock.now(), log: this.options.log });
    this.credentials = undefined;
    this.client?.close();
    this.client = null;
    this.lastFailure = null;
    this.attempt = 0;
    if (this.started) this.schedule(0);
    this.refreshStatus();
    return result;
  }

  /**
   * A signed member QR token from the server. A member enrolled here and not
   * pushed yet is unknown there: push first, then ask.
   */
  async issueMemberToken(memberId: string): Promise<MemberTokenResponse> {
    const client = this.httpClient();
    if (client === null) throw new AppError('NOT_PAIRED', 'This terminal is not paired with the central server, which makes QR cards. Issue a pre-printed card instead.');
    if (outboxStats(this.options.store.db).pending > 0) await this.syncNow();
    try {
      return await client.post('/v1/member-tokens', { memberId, ttlMs: null }, memberTokenResponseSchema, { timeoutMs: 5_000 });
    } catch (error) {
      if (error instanceof SyncFailure && error.kind === 'http' && error.code === 'MEMBER_BLOCKED') throw new AppError('MEMBER_BLOCKED', 'This member is blocked: no QR card is issued.');
      if (error instanceof SyncFailure && error.kind === 'http' && error.status === 404) {
        throw new AppError('SERVER_UNREACHABLE', 'The central server does not know this member yet. Try again in a minute, once the terminal has synced.');
      }
      if (error instanceof SyncFailure) throw new AppError('SERVER_UNREACHABLE', 'The central server did not answer. Try again when the terminal is online, or issue a pre-printed card.');
      throw error;
    }
  }

  async hold(input: ParsedInput<'redemption.hold'>): Promise<Output<'redemption.hold'>> {
    return placeHold(this.holdDeps(), input);
  }

  async release(holdId: string): Promise<boolean> {
    return releaseHold(this.holdDeps(), holdId);
  }

  /** After a local void: give the sale's hold back on the server, in the background (the void is already done). */
  releaseHoldOfSale(saleId: string): void {
    const holdId = holdOfSale(this.options.store.db, saleId);
    if (holdId === undefined) return;
    this.track(releaseHold(this.holdDeps(), holdId));
  }

  private holdDeps(): HoldDeps {
    return { store: this.options.store, client: this.httpClient(), caps: this.offlineCaps(), budgetMs: this.options.settings.holdBudgetMs, now: () => this.options.clock.now(), log: this.options.log };
  }

  private track(p: Promise<unknown>): void {
    const done = p.catch(() => undefined).finally(() => this.background.delete(done));
    this.background.add(done);
  }

  private creds(): SyncCredentials | null {
    if (this.credentials === undefined) {
      try {
        this.credentials = loadCredentials(this.options.store, this.options.keySource);
      } catch (error) {
        this.options.log.log('error', 'sync.credentials.unreadable', { error: error instanceof Error ? error.message : 'unknown' });
        this.credentials = null;
      }
    }
    return this.credentials;
  }

  private httpClient(): SyncHttpClient | null {
    const c = this.creds();
    if (c === null) return null;
    this.client ??= new SyncHttpClient({ serverUrl: c.serverUrl, caPem: c.caPem, auth: { terminalId: c.terminalId, secret: c.secret }, timeoutMs: this.options.settings.requestTimeoutMs, now: () => this.options.clock.now() });
    return this.client;
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
    const client = this.httpClient();
    if (client === null) {
      this.refreshStatus();
      return Promise.resolve();
    }
    this.running = this.round(client).then((nextInMs) => {
      this.running = null;
      this.refreshStatus();
      // A commit during a successful round: push it now rather than at the next slot.
      const soon = this.again && this.lastFailure === null;
      this.again = false;
      if (nextInMs !== null) this.schedule(soon ? 0 : nextInMs);
    });
    this.refreshStatus();
    return this.running;
  }

  /** One push + pull; resolves with when the next round is due (null when stopping). Never rejects. */
  private async round(client: SyncHttpClient): Promise<number | null> {
    const { store, settings, clock, log } = this.options;
    const now = () => clock.now();
    const signal = this.controller.signal;
    try {
      const pushed = await pushOutbox({ store, client, now, batchSize: settings.pushBatch, pipeline: settings.pushPipeline, signal, timeoutMs: settings.requestTimeoutMs, ...(this.options.hooks?.afterPushAnswer ? { afterAnswer: this.options.hooks.afterPushAnswer } : {}) });
      const pulled = await pullChanges({ store, client, now, pageSize: settings.pullPageSize, signal, timeoutMs: settings.requestTimeoutMs, ...(this.options.hooks?.afterPullPage ? { afterPage: this.options.hooks.afterPullPage } : {}) });
      writeTransaction(store, () => saveLastSyncSuccess(store.db, clock.now()));
      if (pushed.sent > 0 || pulled.members > 0) log.log('info', 'sync.round', { pushed: pushed.sent, flagged: pushed.flagged, pages: pulled.pages, members: pulled.members, corrections: pulled.corrections });
      this.lastFailure = null;
      this.attempt = 0;
      return settings.pullIntervalMs;
    } catch (error) {
      if (signal.aborted) return null; // stopping
      const plan = error instanceof SyncFailure ? classifyFailure(error) : { retry: 'backoff' as const, state: 'error' as const, reason: 'internal error' };
      if (!(error instanceof SyncFailure)) log.log('error', 'sync.round.crashed', { error: error instanceof Error ? error.message : 'unknown' });
      this.lastFailure = { state: plan.state, reason: plan.reason };
      const delay = plan.retry === 'slow' ? settings.backoff.capMs : backoffDelay(this.attempt++, this.options.random ?? Math.random, settings.backoff);
      log.log('warn', 'sync.round.failed', { reason: plan.reason, retryInMs: delay });
      return delay;
    }
  }
}
