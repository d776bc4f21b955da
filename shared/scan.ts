/**
 * One stream of scans, whatever the scanner: the serial adapter (backend), the
 * keyboard-wedge detector and the camera (renderer) all produce ScanEvents.
 * Screens never care which scanner it was.
 */
export type ScanSource = 'serial' | 'wedge' | 'camera';

export interface ScanEvent {
  source: ScanSource;
  /** AIM symbology identifier when the scanner sent one (']Q1' QR, ']E0' EAN-13, ']C0' Code 128, ...). */
  symbology?: string;
  text: string;
  /** ms since the epoch when the last byte arrived. */
  at: number;
}
