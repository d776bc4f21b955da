import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../../renderer/scanning/decoder.ts';

/**
 * RGBA frames for decoder tests and the decode benchmark, made in Node the way
 * the camera makes them in the page: a PNG read to RGBA, turned, or fitted into
 * a 640×480 frame.
 */
export function readPng(path: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** The image turned clockwise by 0, 90, 180 or 270 degrees (exact pixel moves, no resampling). */
export function rotate(image: RgbaImage, degrees: 0 | 90 | 180 | 270): RgbaImage {
  if (degrees === 0) return image;
  const { width: w, height: h, data } = image;
  const turned = degrees !== 180;
  const out = new Uint8ClampedArray(data.length);
  const outWidth = turned ? h : w;
  const u32In = new Uint32Array(data.buffer, data.byteOffset, w * h);
  const u32Out = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [nx, ny] = degrees === 90 ? [h - 1 - y, x] : degrees === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      u32Out[ny * outWidth + nx] = u32In[y * w + x]!;
    }
  }
  return { width: outWidth, height: turned ? w : h, data: out };
}

/**
 * The image scaled (bilinear) to fit and
 * centred in a width×height frame on a mid-grey background: a camera frame
 * with the code somewhere in it, at the size the terminal's camera delivers.
 */
export function letterbox(image: RgbaImage, width = 640, height = 480): RgbaImage {
  const scale = Math.min(width / image.width, height / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  const out = new Uint8ClampedArray(width * height * 4).fill(128);
  const src = image.data;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const fx = sx - x0;
      const o = ((top + y) * width + left + x) * 4;
      for (let c = 0; c < 3; c++) {
        const a = src[(y0 * image.width + x0) * 4 + c]! * (1 - fx) + src[(y0 * image.width + x1) * 4 + c]! * fx;
        const b = src[(y1 * image.width + x0) * 4 + c]! * (1 - fx) + src[(y1 * image.width + x1) * 4 + c]! * fx;
        out[o + c] = a * (1 - fy) + b * fy;
      }
    }
  }
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return { width, height, data: out };
}

/** A module matrix (0 = dark, else light, one byte per module) drawn black on white, moduleSize pixels a module, with a quiet zone. */
export function renderModules(symbol: { width: number; height: number; data: Uint8ClampedArray }, moduleSize: number): RgbaImage {
  const quiet = 10;
  const width = (symbol.width + 2 * quiet) * moduleSize;
  const height = (symbol.height + 2 * quiet) * moduleSize;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < height; y++) {
    const my = Math.floor(y / moduleSize) - quiet;
    if (my < 0 || my >= symbol.height) continue;
    for (let x = 0; x < width; x++) {
      const mx = Math.floor(x / moduleSize) - quiet;
      if (mx < 0 || mx >= symbol.width || symbol.data[my * symbol.width + mx] !== 0) continue;
      const o = (y * width + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = 0;
    }
  }
  return { width, height, data };
}
