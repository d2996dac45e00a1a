/**
 * UTF-8 encoding of a JavaScript string (WHATWG Encoding, which is what
 * `TextEncoder` does: lone surrogates become U+FFFD). Strings that are pure
 * ASCII, the usual case for keys, take a loop that skips the encoder object.
 */
const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) > 0x7f) return encoder.encode(text);
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
  return out;
}
