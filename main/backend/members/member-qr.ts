import { BarcodeFormat, EncodeHintType, QRCodeWriter } from '@zxing/library';

/**
 * A member token as a printable QR code: an SVG of square modules with the
 * quiet zone the standard asks for. Medium error correction survives a
 * scuffed card or a cracked phone screen without making the code too dense.
 */
export function qrSvg(text: string): string {
  const hints = new Map<EncodeHintType, unknown>([
    [EncodeHintType.ERROR_CORRECTION, 'M'],
    [EncodeHintType.MARGIN, 4],
  ]);
  const matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints);
  const size = matrix.getWidth();
  let path = '';
  for (let y = 0; y < matrix.getHeight(); y++) {
    for (let x = 0; x < size; x++) if (matrix.get(x, y)) path += `M${x} ${y}h1v1h-1z`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${matrix.getHeight()}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
