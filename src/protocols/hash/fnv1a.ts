/**
 * FNV-1a, 32-bit (Fowler, Noll, Vo; draft-eastlake-fnv, §2): start from the
 * offset basis 2166136261, and for each octet XOR it in, then multiply by the
 * FNV prime 16777619 modulo 2^32. `Math.imul` keeps the multiply in 32 bits.
 */
const OFFSET_BASIS = 0x811c9dc5; // 2166136261, draft-eastlake-fnv §5
const PRIME = 0x01000193; // 16777619 = 2^24 + 2^8 + 0x93

/** FNV-1a 32 of bytes, as an unsigned 32-bit integer. */
export function fnv1a32(data: Uint8Array): number {
  let h = OFFSET_BASIS;
  for (let i = 0; i < data.length; i++) {
    h = Math.imul(h ^ data[i]!, PRIME);
  }
  return h >>> 0;
}

/**
 * FNV-1a 32 of a string's UTF-8 encoding, without allocating: code points are
 * encoded on the fly (a lone surrogate encodes as U+FFFD, as TextEncoder does).
 */
export function fnv1a32String(text: string): number {
  let h = OFFSET_BASIS;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, PRIME);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), PRIME);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        h = Math.imul(h ^ (0xf0 | (c >> 18)), PRIME);
        h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), PRIME);
        h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
        h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
        continue;
      }
      c = 0xfffd;
    }
    h = Math.imul(h ^ (0xe0 | (c >> 12)), PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), PRIME);
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), PRIME);
  }
  return h >>> 0;
}
