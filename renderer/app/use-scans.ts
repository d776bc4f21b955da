import { useEffect, useRef } from 'react';
import type { ScanEvent } from '../../shared/scan.ts';
import { createWedgeListener } from '../scanning/wedge-listener.ts';
import { useApi } from './api-context.tsx';

/**
 * Scans from the keyboard wedge (this page) and the serial scanner (pushed by
 * the backend) into one handler; the camera panel feeds the same handler.
 * Screens never care which scanner it was.
 */
export function useScans(onScan: (scan: ScanEvent) => void): void {
  const { connection } = useApi();
  const handler = useRef(onScan);
  handler.current = onScan;
  useEffect(() => {
    const wedge = createWedgeListener({ onScan: (scan) => handler.current(scan) });
    const off = connection.onEvent((event) => {
      if (event.name === 'scan') handler.current(event.scan);
    });
    return () => {
      wedge.stop();
      off();
    };
  }, [connection]);
}
