import { useEffect, useRef, useState } from 'react';
import type { ScanEvent } from '../../shared/scan.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { listCameras, startCameraScanner, type CameraChoice, type CameraState } from '../scanning/camera-scanner.ts';

/**
 * Camera choice and live preview. The camera runs only while this panel is
 * shown: unmounting it (leaving the screen, closing the panel) stops the
 * camera and its decoding worker.
 */
export function CameraPanel({ onScan }: { onScan(scan: ScanEvent): void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [cameras, setCameras] = useState<CameraChoice[]>([]);
  const [deviceId, setDeviceId] = useState<string | undefined>(undefined);
  const [state, setState] = useState<CameraState>({ status: 'starting' });
  const handler = useRef(onScan);
  handler.current = onScan;

  useEffect(() => {
    if (!video.current) return;
    const scanner = startCameraScanner({
      video: video.current,
      deviceId,
      onScan: (scan) => handler.current(scan),
      onState: (s) => {
        setState(s);
        // Labels appear once the camera is allowed: list again then.
        if (s.status === 'running') void listCameras().then(setCameras);
      },
    });
    return () => scanner.stop();
  }, [deviceId]);

  return (
    <section className="camera-panel" aria-label={t('scan.camera')}>
      <video ref={video} className="camera-preview" muted playsInline aria-label={t('camera.preview')} />
      {cameras.length > 1 && (
        <label>
          {t('camera.choose')}
          <select value={deviceId ?? (state.status === 'running' ? state.deviceId : '')} onChange={(e) => setDeviceId(e.target.value)}>
            {cameras.map((c) => (
              <option key={c.deviceId} value={c.deviceId}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="camera-status" role="status" data-camera={state.status}>
        {state.status === 'running'
          ? t('camera.running')
          : state.status === 'error'
            ? t(`camera.error.${state.code}`)
            : state.status === 'starting'
              ? t('camera.starting')
              : t('camera.stopped')}
      </p>
    </section>
  );
}
