import type { ScanEvent } from '../../../shared/scan.ts';
import { silentLogger, type Logger } from '../platform/logging.ts';

/**
 * One stream of ScanEvents in the backend, whatever the scanner: the serial adapter publishes
 * here directly; wedge and camera scans arrive from the renderer and are published by their
 * command handler. Consumers subscribe without knowing the source.
 */
export type ScanListener = (event: ScanEvent) => void;

export interface ScanHub {
  publish(event: ScanEvent): void;
  /** Returns the matching unsubscribe, handy for cleanup. */
  subscribe(listener: ScanListener): () => void;
  unsubscribe(listener: ScanListener): void;
}

export function createScanHub(logger: Logger = silentLogger): ScanHub {
  const listeners = new Set<ScanListener>();
  const hub: ScanHub = {
    publish(event) {
      // Lengths and symbology only: the text can be a member's card number or token.
      logger.log('debug', 'scan.received', { source: event.source, symbology: event.symbology, length: event.text.length });
      // A copy: a listener may unsubscribe (itself or another) while we deliver.
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One failing consumer must not starve the others. Its message may quote the scan: log the name only.
          logger.log('error', 'scan.listener_failed', { source: event.source, error: error instanceof Error ? error.name : typeof error });
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => hub.unsubscribe(listener);
    },
    unsubscribe(listener) {
      listeners.delete(listener);
    },
  };
  return hub;
}
