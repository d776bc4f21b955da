import type { ScanEvent } from '../../shared/scan.ts';
import type { FrameRequest, WorkerReply } from './camera-frames.ts';
import { createReadDedup } from './read-dedup.ts';

/**
 * The terminal's camera as a scanner: a live preview in a <video>, one frame
 * at a time to the decoding worker (a frame that arrives while the worker is
 * busy is skipped, so a slow decode never queues up or stutters the UI), and
 * the same code within 2 s reported once. stop() releases the camera and the
 * worker: a screen calls it when it is left.
 */
export interface CameraChoice {
  deviceId: string;
  label: string;
}

export type CameraState =
  | { status: 'starting' }
  | { status: 'running'; deviceId: string; label: string }
  | { status: 'error'; code: 'permission' | 'no-camera' | 'in-use' | 'decoder' | 'other'; reason: string }
  | { status: 'stopped' };

export interface CameraScannerOptions {
  video: HTMLVideoElement;
  /** A camera from listCameras(); absent = the system's default. */
  deviceId?: string | undefined;
  onScan(event: ScanEvent): void;
  onState?(state: CameraState): void;
  /** The decoding worker; the app's bundled decode-worker by default. */
  createWorker?: () => Worker;
}

export interface CameraStats {
  frames: number;
  decoded: number;
  lastDecodeMs: number;
}

export interface CameraScanner {
  stop(): void;
  stats(): CameraStats;
}

/** Cameras the page may use. Labels are empty until the person has allowed the camera once. */
export async function listCameras(): Promise<CameraChoice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

export function defaultDecodeWorker(): Worker {
  return new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'barcode-decoder' });
}

export function startCameraScanner(options: CameraScannerOptions): CameraScanner {
  const { video } = options;
  const setState = (state: CameraState) => options.onState?.(state);
  const dedup = createReadDedup();
  const stats: CameraStats = { frames: 0, decoded: 0, lastDecodeMs: 0 };
  const worker = (options.createWorker ?? defaultDecodeWorker)();
  let stream: MediaStream | null = null;
  let stopped = false;
  let busy = true; // until the worker says it is ready
  let nextId = 1;
  let frameHandle: number | undefined;
  let canvas: OffscreenCanvas | null = null;
  let context: OffscreenCanvasRenderingContext2D | null = null;

  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.kind === 'failed')
      return setState({ status: 'error', code: 'decoder', reason: `The barcode decoder could not start: ${reply.message}` });
    busy = false;
    if (reply.kind !== 'decoded') return;
    stats.lastDecodeMs = reply.ms;
    if (reply.result && !stopped) {
      stats.decoded++;
      const at = Date.now();
      if (dedup.accept(reply.result, at)) options.onScan({ source: 'camera', text: reply.result.text, at });
    }
  };
  worker.onerror = () =>
    setState({ status: 'error', code: 'decoder', reason: 'The barcode decoder stopped. Leave this screen and come back.' });

  const grab = () => {
    if (stopped) return;
    scheduleFrame();
    if (busy || video.readyState < video.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!canvas || canvas.width !== width || canvas.height !== height) {
      canvas = new OffscreenCanvas(width, height);
      context = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (!context) return;
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height).data.buffer;
    busy = true;
    stats.frames++;
    const request: FrameRequest = { id: nextId++, width, height, pixels };
    worker.postMessage(request, [pixels]);
  };

  const scheduleFrame = () => {
    if (stopped) return;
    frameHandle = 'requestVideoFrameCallback' in video ? video.requestVideoFrameCallback(grab) : requestAnimationFrame(grab);
  };

  setState({ status: 'starting' });
  const constraints: MediaStreamConstraints = {
    audio: false,
    video: { ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}), width: { ideal: 640 }, height: { ideal: 480 } },
  };
  navigator.mediaDevices.getUserMedia(constraints).then(
    async (media) => {
      if (stopped) return media.getTracks().forEach((t) => t.stop());
      stream = media;
      video.srcObject = media;
      video.muted = true;
      video.playsInline = true;
      await video.play().catch(() => {});
      const track = media.getVideoTracks()[0];
      setState({ status: 'running', deviceId: track?.getSettings().deviceId ?? '', label: track?.label ?? '' });
      scheduleFrame();
    },
    (error: unknown) => setState(cameraError(error)),
  );

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      if (frameHandle !== undefined) {
        if ('cancelVideoFrameCallback' in video) video.cancelVideoFrameCallback(frameHandle);
        cancelAnimationFrame(frameHandle);
      }
      stream?.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
      worker.terminate();
      setState({ status: 'stopped' });
    },
    stats: () => ({ ...stats }),
  };
}

function cameraError(error: unknown): CameraState {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return { status: 'error', code: 'permission', reason: 'The camera is not allowed for this app. Ask IT to allow it.' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return { status: 'error', code: 'no-camera', reason: 'No camera found. Check that it is plugged in, or choose another.' };
  if (name === 'NotReadableError')
    return {
      status: 'error',
      code: 'in-use',
      reason: 'The camera is in use by another program, or not working. Close the other program or reconnect the camera.',
    };
  return { status: 'error', code: 'other', reason: 'The camera could not start. Try again, or choose another camera.' };
}
