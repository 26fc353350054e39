import { encode } from 'uqr';

/** The modules of a QR code for `text` (true = dark), error correction M, no quiet zone (QrCode.vue draws one). */
export function qrMatrix(text: string): boolean[][] | null {
  return encode(text, { ecc: 'M', border: 0 }).data;
}
