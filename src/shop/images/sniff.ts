// What an upload is, from its bytes alone (never the client's Content-Type or file name): JPEG, PNG
// or WebP, with the pixel size read from the format's own header. Anything else is null.
import type { ImageType } from '../../db/schema';

export interface SniffedImage {
  type: ImageType;
  width: number;
  height: number;
}

/** Larger than any photo a storefront shows; also keeps a forged header's size believable. */
export const MAX_IMAGE_SIDE = 16_384;

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, text: string) =>
  startsWith(
    b,
    [...text].map((ch) => ch.charCodeAt(0)),
    at,
  );
const be16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const be32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
const le16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const le24 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

/** PNG (ISO/IEC 15948 §5.2, §11.2.2): the signature, then IHDR first with width and height. */
function png(b: Uint8Array): SniffedImage | null {
  if (!startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) || !ascii(b, 12, 'IHDR') || b.length < 24)
    return null;
  return { type: 'image/png', width: be32(b, 16), height: be32(b, 20) };
}

/** Start-of-frame markers (ITU-T T.81 Table B.1): C0–CF but DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers that stand alone, without a length (T.81 B.1.1.3): TEM, RSTn, SOI. */
const standalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

/** JPEG (ITU-T T.81 Annex B): SOI, then marker segments up to the frame header that holds the size. */
function jpeg(b: Uint8Array): SniffedImage | null {
  if (!startsWith(b, [0xff, 0xd8, 0xff])) return null;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (standalone(marker)) {
      at += 2;
      continue;
    }
    // Scan data or the end before any frame header: no size to read, not an image we accept.
    if (marker === 0xda || marker === 0xd9) return null;
    const length = be16(b, at + 2);
    if (length < 2) return null;
    if (isSof(marker)) {
      if (at + 9 > b.length) return null;
      return { type: 'image/jpeg', height: be16(b, at + 5), width: be16(b, at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

/**
 * WebP (RFC 9649): a RIFF "WEBP" container whose first chunk is VP8 (lossy: RFC 6386 §9.1 frame
 * header), VP8L (lossless: 14-bit sizes minus one) or VP8X (extended: 24-bit canvas sizes minus one).
 */
function webp(b: Uint8Array): SniffedImage | null {
  if (!ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP') || b.length < 30) return null;
  const type = 'image/webp' as const;
  if (ascii(b, 12, 'VP8 ')) {
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return null;
    return { type, width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return null;
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | ((b[24]! << 24) >>> 0);
    return { type, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8X')) return { type, width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  return null;
}

/** The image the bytes are, or null: not one of the three formats, or a size no photo has. */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  const found = png(bytes) ?? jpeg(bytes) ?? webp(bytes);
  if (!found) return null;
  const fits = (n: number) => Number.isInteger(n) && n > 0 && n <= MAX_IMAGE_SIDE;
  return fits(found.width) && fits(found.height) ? found : null;
}
