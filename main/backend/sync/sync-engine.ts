/**
 * The terminal's link to the central server, as the rest of the backend sees
 * it (Backend.sync). It composes the parts, each in its own file:
 * - server-link.ts: the device credentials and the signing HTTP client;
 * - rounds.ts: when to push and pull (debounce, interval, backoff);
 * - status-reporter.ts: the status people see and its change events;
 * - pair.ts, holds.ts, member-token-issue.ts: the one-off exchanges.
 */
import type { Output, ParsedInput, SyncStatus } from '../../../shared/api.ts';
import type { MemberTokenResponse } from '../../../shared/sync-protocol.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logging.ts';
import type { TerminalDb } from '../store/connection.ts';
import { holdOfSale } from '../store/sync-redemptions.ts';
import type { DeviceKeySource } from './credentials.ts';
import { placeHold, releaseHold, type HoldDeps } from './holds.ts';
import { fetchMemberSales, fetchSale, type MemberSalesLookup, type SaleLookup } from './sale-fetch.ts';
import { issueMemberToken } from './member-token-issue.ts';
import { memberHistoryOnline, searchMembersOnline, type MemberHistoryLookup, type MemberSearchLookup } from './member-lookup.ts';
import type { OfflineCaps } from '../sales/offline-policy.ts';
import { pairTerminal, type PairInput, type PairResult } from './pair.ts';
import { SyncRounds, type RoundHooks } from './rounds.ts';
import { ServerLink, type Pairing } from './server-link.ts';
import { SyncStatusReporter } from './status-reporter.ts';
import { loggableOrigin, transportVerdict } from './transport-policy.ts';
import type { SyncSettings } from './sync-settings.ts';

export interface SyncEngineOptions {
  store: TerminalDb;
  clock: Clock;
  log: Logger;
  keySource: DeviceKeySource;
  settings: SyncSettings;
  random?: () => number;
  /** Test seams for crash injection. */
  hooks?: RoundHooks;
}

export class SyncEngine {
  private readonly link: ServerLink;
  private readonly rounds: SyncRounds;
  private readonly reporter: SyncStatusReporter;
  /** Hold releases running after a local void, awaited by stop(). */
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly options: SyncEngineOptions) {
    const { store, clock, log, settings } = options;
    this.link = new ServerLink({
      store,
      keySource: options.keySource,
      log,
      requestTimeoutMs: settings.requestTimeoutMs,
      now: () => clock.now(),
      allowInsecureHttp: settings.allowInsecureHttp,
    });
    this.rounds = new SyncRounds({
      store,
      clock,
      log,
      settings,
      link: this.link,
      random: options.random,
      hooks: options.hooks,
      onChange: () => this.reporter.refresh(),
    });
    this.reporter = new SyncStatusReporter({ store, clock, alertAfterMs: settings.alertAfterMs, link: this.link, rounds: this.rounds });
  }

  get paired(): boolean {
    return this.link.paired;
  }

  /** The current pairing for Settings (server address, store, terminal), or null when not paired. */
  pairing(): Pairing | null {
    return this.link.pairing();
  }

  /** The offline caps apply only to a paired terminal: unpaired, its own ledger is the only one. */
  offlineCaps(): OfflineCaps | null {
    return this.paired ? this.options.settings.offlineCaps : null;
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    return this.reporter.onStatus(listener);
  }

  status(): SyncStatus {
    return this.reporter.status();
  }

  /** Recomputes the status and tells the listeners if people would see a difference. */
  refreshStatus(): SyncStatus {
    return this.reporter.refresh();
  }

  /** Starts the rounds if the terminal is paired (process-main calls this; tests drive rounds themselves). */
  start(): void {
    if (!this.options.store.health.ok || !this.rounds.start()) return;
    this.reporter.start();
    this.sayTransport();
  }

  /** At every start of sync: a plain http:// link to another machine is said loudly (allowed) or refused (not allowed). Never a secret: the origin only. */
  private sayTransport(): void {
    const pairing = this.link.pairing();
    if (pairing === null) return;
    const verdict = transportVerdict(pairing.serverUrl, this.options.settings.allowInsecureHttp);
    const server = loggableOrigin(pairing.serverUrl);
    if (verdict.kind === 'insecure-allowed')
      this.options.log.log('warn', 'sync.insecure_http', {
        server,
        setting: 'sync.allowInsecureHttp',
        unencrypted: true,
        message: 'INSECURE: syncing over plain http:// to another machine; anyone on the network can read and alter this traffic',
      });
    else if (verdict.kind === 'refused')
      this.options.log.log('error', 'sync.insecure_http_refused', { server, setting: 'sync.allowInsecureHttp' });
  }

  /** Stops cleanly: no timer left, the request in flight aborted and its round awaited. */
  async stop(): Promise<void> {
    this.reporter.stop();
    await this.rounds.stop();
    await Promise.allSettled([...this.background]);
    this.link.close();
  }

  /** A command wrote to the outbox: push soon, unless a failure's backoff says wait. */
  notifyOutbox(): void {
    this.rounds.outboxWritten();
    this.reporter.refresh();
  }

  /** One full round now (waits for a round already running, then runs another). */
  async syncNow(): Promise<SyncStatus> {
    await this.rounds.runNow();
    return this.status();
  }

  async pair(input: PairInput): Promise<PairResult> {
    const result = await pairTerminal(this.options.store, input, {
      keySource: this.options.keySource,
      now: () => this.options.clock.now(),
      log: this.options.log,
      allowInsecureHttp: this.options.settings.allowInsecureHttp,
    });
    this.link.forget();
    this.rounds.paired();
    this.reporter.refresh();
    return result;
  }

  /** A signed member QR token from the server (pushes first if the outbox holds anything). */
  issueMemberToken(memberId: string): Promise<MemberTokenResponse> {
    return issueMemberToken({ store: this.options.store, link: this.link, syncNow: () => this.syncNow() }, memberId);
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
    const done = releaseHold(this.holdDeps(), holdId)
      .catch(() => undefined)
      .finally(() => this.background.delete(done));
    this.background.add(done);
  }

  /** A sale of this store from the server (for a refund of another till's sale), within `budgetMs` (default: the hold budget). */
  findSale(saleId: string, budgetMs = this.options.settings.holdBudgetMs): Promise<SaleLookup> {
    return fetchSale({ client: this.link.client(), log: this.options.log }, saleId, budgetMs);
  }

  /** A member's sales at this store, every till, from the server within the hold budget (the history lists other tills' sales). */
  memberSalesAtStore(memberId: string, page: { limit: number; before?: number }): Promise<MemberSalesLookup> {
    return fetchMemberSales({ client: this.link.client(), log: this.options.log }, memberId, page, this.options.settings.holdBudgetMs);
  }

  /** The chain's members by phone or name from the server, within the hold budget (the till holds personal data for its store's members only). */
  searchMembersOnline(query: { q: string; country: string | undefined }): Promise<MemberSearchLookup> {
    return searchMembersOnline({ client: this.link.client(), log: this.options.log }, query, this.options.settings.holdBudgetMs);
  }

  /** A member's whole ledger from the server, a page at a time, within the hold budget. */
  memberHistoryOnline(memberId: string, page: { limit: number; before?: string | undefined }): Promise<MemberHistoryLookup> {
    return memberHistoryOnline({ client: this.link.client(), log: this.options.log }, memberId, page, this.options.settings.holdBudgetMs);
  }

  private holdDeps(): HoldDeps {
    const { store, settings, clock, log } = this.options;
    return { store, client: this.link.client(), caps: this.offlineCaps(), budgetMs: settings.holdBudgetMs, now: () => clock.now(), log };
  }
}
