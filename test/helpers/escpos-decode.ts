/**
 * Reads an ESC/POS byte stream the way a thermal printer would, far enough to
 * check what it prints: the text lines (in the selected code page), the cuts,
 * the barcodes and QR codes with their data, and state requests (DLE EOT).
 * Independent of the encoder library, so a test checks its output rather than
 * trusting it. Unknown commands fail loudly instead of printing garbage.
 */
export interface DecodedPrint {
  lines: string[];
  cuts: number;
  codes: { kind: 'qr' | 'barcode'; data: string }[];
  statusRequests: number[];
  /** ESC t n: the code page table number selected last. */
  codeTable: number | null;
}

// IBM code page 858: code page 850 with the euro sign at 0xD5 (the encoder's default for our receipts).
const CP858_HIGH =
  'ÇüéâäàåçêëèïîìÄÅ' +
  'ÉæÆôöòûùÿÖÜø£Ø×ƒ' +
  'áíóúñÑªº¿®¬½¼¡«»' +
  '░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐' +
  '└┴┬├─┼ãÃ╚╔╩╦╠═╬¤' +
  'ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀' +
  'ÓßÔÒõÕµþÞÚÛÙýÝ¯´' +
  '\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';

function cp858(byte: number): string {
  return byte < 0x80 ? String.fromCharCode(byte) : CP858_HIGH[byte - 0x80]!;
}

export function decodeEscPos(input: Uint8Array): DecodedPrint {
  const b = input;
  const out: DecodedPrint = { lines: [], cuts: 0, codes: [], statusRequests: [], codeTable: null };
  let line = '';
  const endLine = () => {
    out.lines.push(line.replace(/[ \u00a0]+$/, ''));
    line = '';
  };
  let i = 0;
  const need = (n: number) => {
    if (i + n > b.length) throw new Error(`ESC/POS stream ends inside a command at byte ${i}`);
  };
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x0a) {
      endLine();
      i++;
    } else if (c === 0x0d) {
      i++;
    } else if (c === 0x10) {
      // DLE EOT n: real-time state request
      need(3);
      if (b[i + 1] !== 0x04) throw new Error(`unknown DLE command 0x${b[i + 1]!.toString(16)} at ${i}`);
      out.statusRequests.push(b[i + 2]!);
      i += 3;
    } else if (c === 0x1b) {
      need(2);
      const cmd = b[i + 1]!;
      if (cmd === 0x40 || cmd === 0x32)
        i += 2; // ESC @ initialise, ESC 2 default line spacing
      else if (cmd === 0x74) {
        need(3);
        out.codeTable = b[i + 2]!;
        i += 3;
      } else if ([0x21, 0x2d, 0x33, 0x45, 0x47, 0x4a, 0x4d, 0x52, 0x56, 0x61, 0x64, 0x7b, 0x20, 0x34].includes(cmd)) {
        need(3);
        if (cmd === 0x64 || cmd === 0x4a) for (let n = 0; n < (cmd === 0x64 ? b[i + 2]! : 0); n++) endLine();
        i += 3;
      } else throw new Error(`unknown ESC command 0x${cmd.toString(16)} at ${i}`);
    } else if (c === 0x1c) {
      need(2);
      const cmd = b[i + 1]!;
      if (cmd === 0x2e || cmd === 0x26)
        i += 2; // FS . / FS &: leave / enter Kanji mode
      else if (cmd === 0x21) i += 3;
      else throw new Error(`unknown FS command 0x${cmd.toString(16)} at ${i}`);
    } else if (c === 0x1d) {
      need(2);
      const cmd = b[i + 1]!;
      if ([0x21, 0x42, 0x48, 0x66, 0x68, 0x77].includes(cmd)) i += 3;
      else if (cmd === 0x4c || cmd === 0x57) i += 4;
      else if (cmd === 0x56) {
        // GS V m [n]: cut
        need(3);
        const m = b[i + 2]!;
        out.cuts++;
        i += m >= 65 ? 4 : 3;
      } else if (cmd === 0x6b) {
        // GS k m: a 1D barcode, NUL-terminated (m ≤ 6) or with its length (m ≥ 65)
        need(3);
        const m = b[i + 2]!;
        let start: number;
        let end: number;
        if (m <= 6) {
          start = i + 3;
          end = b.indexOf(0, start);
          if (end < 0) throw new Error('unterminated barcode');
          i = end + 1;
        } else {
          need(4);
          start = i + 4;
          end = start + b[i + 3]!;
          i = end;
        }
        let data = String.fromCharCode(...b.subarray(start, end));
        if (m === 73) data = data.replace(/\{[ABC]/g, ''); // Code 128 code-set switches
        out.codes.push({ kind: 'barcode', data });
      } else if (cmd === 0x28) {
        // GS ( k pL pH cn fn …: 2D codes; fn 80 (0x50) stores the data to print
        need(5);
        const fnClass = b[i + 2]!;
        const len = b[i + 3]! + 256 * b[i + 4]!;
        need(5 + len);
        const body = b.subarray(i + 5, i + 5 + len);
        if (fnClass === 0x6b && body[0] === 49 && body[1] === 80) {
          out.codes.push({ kind: 'qr', data: String.fromCharCode(...body.subarray(3)) });
        }
        i += 5 + len;
      } else throw new Error(`unknown GS command 0x${cmd.toString(16)} at ${i}`);
    } else if (c < 0x20) {
      throw new Error(`unexpected control byte 0x${c.toString(16)} at ${i}`);
    } else {
      line += cp858(c);
      i++;
    }
  }
  if (line !== '') endLine();
  return out;
}
