import type { FramingDiagnostic } from './serial-framing.ts';
import { describeRawBytes, type RawBytesView } from './serial-ports.ts';
import type { SerialScannerState } from './serial-scanner.ts';

/**
 * What the settings screen shows about the serial scanner while IT sets it up:
 * its state (with the reason when it cannot read), the last bytes it sent, raw,
 * and the last diagnostic. The bytes can be a member's card: they go to the
 * admin's screen only, never to a log.
 */
export interface ScannerStatus {
  configured: boolean;
  state: SerialScannerState | null;
  lastBytes: (RawBytesView & { at: number }) | null;
  lastDiagnostic: { code: string; bytes: number; at: number } | null;
}

/** Enough for any code and its framing; older bytes roll off. */
const KEEP_BYTES = 256;

export class ScannerMonitor {
  private configured = false;
  private state: SerialScannerState | null = null;
  private recent = new Uint8Array(0);
  private bytesAt: number | null = null;
  private diagnostic: ScannerStatus['lastDiagnostic'] = null;

  constructor(private readonly now: () => number) {}

  /** The adapter's callbacks, to pass to startSerialScanner. */
  callbacks() {
    this.configured = true;
    return {
      onState: (state: SerialScannerState) => {
        this.state = state;
      },
      onBytes: (chunk: Uint8Array) => {
        const joined = new Uint8Array(this.recent.length + chunk.length);
        joined.set(this.recent);
        joined.set(chunk, this.recent.length);
        this.recent = joined.slice(-KEEP_BYTES);
        this.bytesAt = this.now();
      },
      onDiagnostic: (d: FramingDiagnostic) => {
        this.diagnostic = { code: d.code, bytes: d.bytes, at: this.now() };
      },
    };
  }

  status(): ScannerStatus {
    return {
      configured: this.configured,
      state: this.state,
      lastBytes: this.bytesAt === null ? null : { ...describeRawBytes(this.recent), at: this.bytesAt },
      lastDiagnostic: this.diagnostic,
    };
  }
}
