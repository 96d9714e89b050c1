// digest128 for short ASCII inputs, the shape of every nested row id (`{parent}_{table}_{idx}`).
// A generic shake_128 call costs several microseconds in allocations and setup, which dominated
// normalizing nested data; here one preallocated Keccak state absorbs the single block directly
// from the string. Anything longer than one block or non-ASCII goes to utils/digest.ts, and
// tests check both against each other.
import { digest128 } from "../utils/digest.ts";

const RATE = 168; // shake_128: 1344-bit rate
const B64_CODES = Array.from(
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  (c) => c.charCodeAt(0),
);

// Lane i = x + 5y as 32-bit halves (lo at 2i, hi at 2i+1), bytes little-endian.
const state = new Int32Array(50);
const bytes = new Uint8Array(state.buffer);

// Round constants of Keccak-f[1600], split into 32-bit halves.
const RC_HI = new Int32Array([
  0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000,
  0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000,
  0x80000000, 0x80000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000, 0x00000000, 0x80000000,
]);
const RC_LO = new Int32Array([
  0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001, 0x80008081, 0x00008009,
  0x0000008a, 0x00000088, 0x80008009, 0x8000000a, 0x8000808b, 0x0000008b, 0x00008089, 0x00008003,
  0x00008002, 0x00000080, 0x0000800a, 0x8000000a, 0x80008081, 0x00008080, 0x80000001, 0x80008008,
]);

// Unrolled with the 50 half-lanes in locals: several times faster than looping over arrays.
function keccakF1600(): void {
  const s = state;
  let a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9],
    a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19],
    a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24], a25 = s[25], a26 = s[26], a27 = s[27], a28 = s[28], a29 = s[29],
    a30 = s[30], a31 = s[31], a32 = s[32], a33 = s[33], a34 = s[34], a35 = s[35], a36 = s[36], a37 = s[37], a38 = s[38], a39 = s[39],
    a40 = s[40], a41 = s[41], a42 = s[42], a43 = s[43], a44 = s[44], a45 = s[45], a46 = s[46], a47 = s[47], a48 = s[48], a49 = s[49];
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0, b8 = 0, b9 = 0,
    b10 = 0, b11 = 0, b12 = 0, b13 = 0, b14 = 0, b15 = 0, b16 = 0, b17 = 0, b18 = 0, b19 = 0,
    b20 = 0, b21 = 0, b22 = 0, b23 = 0, b24 = 0, b25 = 0, b26 = 0, b27 = 0, b28 = 0, b29 = 0,
    b30 = 0, b31 = 0, b32 = 0, b33 = 0, b34 = 0, b35 = 0, b36 = 0, b37 = 0, b38 = 0, b39 = 0,
    b40 = 0, b41 = 0, b42 = 0, b43 = 0, b44 = 0, b45 = 0, b46 = 0, b47 = 0, b48 = 0, b49 = 0;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0, c8 = 0, c9 = 0, dl = 0, dh = 0;
  for (let round = 0; round < 24; round++) {
    c0 = a0 ^ a10 ^ a20 ^ a30 ^ a40;
    c1 = a1 ^ a11 ^ a21 ^ a31 ^ a41;
    c2 = a2 ^ a12 ^ a22 ^ a32 ^ a42;
    c3 = a3 ^ a13 ^ a23 ^ a33 ^ a43;
    c4 = a4 ^ a14 ^ a24 ^ a34 ^ a44;
    c5 = a5 ^ a15 ^ a25 ^ a35 ^ a45;
    c6 = a6 ^ a16 ^ a26 ^ a36 ^ a46;
    c7 = a7 ^ a17 ^ a27 ^ a37 ^ a47;
    c8 = a8 ^ a18 ^ a28 ^ a38 ^ a48;
    c9 = a9 ^ a19 ^ a29 ^ a39 ^ a49;
    dl = c8 ^ ((c2 << 1) | (c3 >>> 31));
    dh = c9 ^ ((c3 << 1) | (c2 >>> 31));
    a0 ^= dl; a1 ^= dh;
    a10 ^= dl; a11 ^= dh;
    a20 ^= dl; a21 ^= dh;
    a30 ^= dl; a31 ^= dh;
    a40 ^= dl; a41 ^= dh;
    dl = c0 ^ ((c4 << 1) | (c5 >>> 31));
    dh = c1 ^ ((c5 << 1) | (c4 >>> 31));
    a2 ^= dl; a3 ^= dh;
    a12 ^= dl; a13 ^= dh;
    a22 ^= dl; a23 ^= dh;
    a32 ^= dl; a33 ^= dh;
    a42 ^= dl; a43 ^= dh;
    dl = c2 ^ ((c6 << 1) | (c7 >>> 31));
    dh = c3 ^ ((c7 << 1) | (c6 >>> 31));
    a4 ^= dl; a5 ^= dh;
    a14 ^= dl; a15 ^= dh;
    a24 ^= dl; a25 ^= dh;
    a34 ^= dl; a35 ^= dh;
    a44 ^= dl; a45 ^= dh;
    dl = c4 ^ ((c8 << 1) | (c9 >>> 31));
    dh = c5 ^ ((c9 << 1) | (c8 >>> 31));
    a6 ^= dl; a7 ^= dh;
    a16 ^= dl; a17 ^= dh;
    a26 ^= dl; a27 ^= dh;
    a36 ^= dl; a37 ^= dh;
    a46 ^= dl; a47 ^= dh;
    dl = c6 ^ ((c0 << 1) | (c1 >>> 31));
    dh = c7 ^ ((c1 << 1) | (c0 >>> 31));
    a8 ^= dl; a9 ^= dh;
    a18 ^= dl; a19 ^= dh;
    a28 ^= dl; a29 ^= dh;
    a38 ^= dl; a39 ^= dh;
    a48 ^= dl; a49 ^= dh;
    b0 = a0; b1 = a1;
    b20 = (a2 << 1) | (a3 >>> 31); b21 = (a3 << 1) | (a2 >>> 31);
    b40 = (a5 << 30) | (a4 >>> 2); b41 = (a4 << 30) | (a5 >>> 2);
    b10 = (a6 << 28) | (a7 >>> 4); b11 = (a7 << 28) | (a6 >>> 4);
    b30 = (a8 << 27) | (a9 >>> 5); b31 = (a9 << 27) | (a8 >>> 5);
    b32 = (a11 << 4) | (a10 >>> 28); b33 = (a10 << 4) | (a11 >>> 28);
    b2 = (a13 << 12) | (a12 >>> 20); b3 = (a12 << 12) | (a13 >>> 20);
    b22 = (a14 << 6) | (a15 >>> 26); b23 = (a15 << 6) | (a14 >>> 26);
    b42 = (a17 << 23) | (a16 >>> 9); b43 = (a16 << 23) | (a17 >>> 9);
    b12 = (a18 << 20) | (a19 >>> 12); b13 = (a19 << 20) | (a18 >>> 12);
    b14 = (a20 << 3) | (a21 >>> 29); b15 = (a21 << 3) | (a20 >>> 29);
    b34 = (a22 << 10) | (a23 >>> 22); b35 = (a23 << 10) | (a22 >>> 22);
    b4 = (a25 << 11) | (a24 >>> 21); b5 = (a24 << 11) | (a25 >>> 21);
    b24 = (a26 << 25) | (a27 >>> 7); b25 = (a27 << 25) | (a26 >>> 7);
    b44 = (a29 << 7) | (a28 >>> 25); b45 = (a28 << 7) | (a29 >>> 25);
    b46 = (a31 << 9) | (a30 >>> 23); b47 = (a30 << 9) | (a31 >>> 23);
    b16 = (a33 << 13) | (a32 >>> 19); b17 = (a32 << 13) | (a33 >>> 19);
    b36 = (a34 << 15) | (a35 >>> 17); b37 = (a35 << 15) | (a34 >>> 17);
    b6 = (a36 << 21) | (a37 >>> 11); b7 = (a37 << 21) | (a36 >>> 11);
    b26 = (a38 << 8) | (a39 >>> 24); b27 = (a39 << 8) | (a38 >>> 24);
    b28 = (a40 << 18) | (a41 >>> 14); b29 = (a41 << 18) | (a40 >>> 14);
    b48 = (a42 << 2) | (a43 >>> 30); b49 = (a43 << 2) | (a42 >>> 30);
    b18 = (a45 << 29) | (a44 >>> 3); b19 = (a44 << 29) | (a45 >>> 3);
    b38 = (a47 << 24) | (a46 >>> 8); b39 = (a46 << 24) | (a47 >>> 8);
    b8 = (a48 << 14) | (a49 >>> 18); b9 = (a49 << 14) | (a48 >>> 18);
    a0 = b0 ^ (~b2 & b4); a1 = b1 ^ (~b3 & b5);
    a2 = b2 ^ (~b4 & b6); a3 = b3 ^ (~b5 & b7);
    a4 = b4 ^ (~b6 & b8); a5 = b5 ^ (~b7 & b9);
    a6 = b6 ^ (~b8 & b0); a7 = b7 ^ (~b9 & b1);
    a8 = b8 ^ (~b0 & b2); a9 = b9 ^ (~b1 & b3);
    a10 = b10 ^ (~b12 & b14); a11 = b11 ^ (~b13 & b15);
    a12 = b12 ^ (~b14 & b16); a13 = b13 ^ (~b15 & b17);
    a14 = b14 ^ (~b16 & b18); a15 = b15 ^ (~b17 & b19);
    a16 = b16 ^ (~b18 & b10); a17 = b17 ^ (~b19 & b11);
    a18 = b18 ^ (~b10 & b12); a19 = b19 ^ (~b11 & b13);
    a20 = b20 ^ (~b22 & b24); a21 = b21 ^ (~b23 & b25);
    a22 = b22 ^ (~b24 & b26); a23 = b23 ^ (~b25 & b27);
    a24 = b24 ^ (~b26 & b28); a25 = b25 ^ (~b27 & b29);
    a26 = b26 ^ (~b28 & b20); a27 = b27 ^ (~b29 & b21);
    a28 = b28 ^ (~b20 & b22); a29 = b29 ^ (~b21 & b23);
    a30 = b30 ^ (~b32 & b34); a31 = b31 ^ (~b33 & b35);
    a32 = b32 ^ (~b34 & b36); a33 = b33 ^ (~b35 & b37);
    a34 = b34 ^ (~b36 & b38); a35 = b35 ^ (~b37 & b39);
    a36 = b36 ^ (~b38 & b30); a37 = b37 ^ (~b39 & b31);
    a38 = b38 ^ (~b30 & b32); a39 = b39 ^ (~b31 & b33);
    a40 = b40 ^ (~b42 & b44); a41 = b41 ^ (~b43 & b45);
    a42 = b42 ^ (~b44 & b46); a43 = b43 ^ (~b45 & b47);
    a44 = b44 ^ (~b46 & b48); a45 = b45 ^ (~b47 & b49);
    a46 = b46 ^ (~b48 & b40); a47 = b47 ^ (~b49 & b41);
    a48 = b48 ^ (~b40 & b42); a49 = b49 ^ (~b41 & b43);
    a0 ^= RC_LO[round];
    a1 ^= RC_HI[round];
  }
  s[0] = a0;
  s[1] = a1;
  s[2] = a2;
  s[3] = a3;
  s[4] = a4;
  s[5] = a5;
  s[6] = a6;
  s[7] = a7;
  s[8] = a8;
  s[9] = a9;
  s[10] = a10;
  s[11] = a11;
  s[12] = a12;
  s[13] = a13;
  s[14] = a14;
  s[15] = a15;
  s[16] = a16;
  s[17] = a17;
  s[18] = a18;
  s[19] = a19;
  s[20] = a20;
  s[21] = a21;
  s[22] = a22;
  s[23] = a23;
  s[24] = a24;
  s[25] = a25;
  s[26] = a26;
  s[27] = a27;
  s[28] = a28;
  s[29] = a29;
  s[30] = a30;
  s[31] = a31;
  s[32] = a32;
  s[33] = a33;
  s[34] = a34;
  s[35] = a35;
  s[36] = a36;
  s[37] = a37;
  s[38] = a38;
  s[39] = a39;
  s[40] = a40;
  s[41] = a41;
  s[42] = a42;
  s[43] = a43;
  s[44] = a44;
  s[45] = a45;
  s[46] = a46;
  s[47] = a47;
  s[48] = a48;
  s[49] = a49;
}

const out = new Array<number>(14);

/** Same result as `digest128(text, 10)`; fast for ASCII text shorter than 168 bytes. */
export function digest128Short(text: string): string {
  const n = text.length;
  if (n >= RATE) return digest128(text, 10);
  state.fill(0);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return digest128(text, 10);
    bytes[i] = c;
  }
  bytes[n] ^= 0x1f;
  bytes[RATE - 1] ^= 0x80;
  keccakF1600();
  let k = 0;
  for (let i = 0; i < 9; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[k++] = B64_CODES[(v >> 18) & 63];
    out[k++] = B64_CODES[(v >> 12) & 63];
    out[k++] = B64_CODES[(v >> 6) & 63];
    out[k++] = B64_CODES[v & 63];
  }
  out[12] = B64_CODES[bytes[9] >> 2];
  out[13] = B64_CODES[(bytes[9] & 3) << 4];
  return String.fromCharCode(...out);
}
