/**
 * Finds where JSON text stops being valid (RFC 8259 grammar), for error
 * messages: V8's JSON.parse does not always say where. An iterative scanner
 * with an explicit stack, so hostile nesting cannot overflow the call stack.
 * Returns the offset of the first bad character (text.length: it ends
 * early) or -1 when the text is valid.
 */
export function jsonErrorOffset(text: string): number {
  let p = 0;
  const n = text.length;
  const stack: number[] = []; // 1: in array, 2: in object
  const ws = (): void => { while (p < n && (text[p] === ' ' || text[p] === '\n' || text[p] === '\r' || text[p] === '\t')) p++; };
  const str = (): boolean => {
    if (text[p] !== '"') return false;
    p++;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 34) { p++; return true; }
      if (c < 32) return false;
      if (c === 92) {
        p++;
        if (p >= n) return false;
        if (text[p] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(p + 1, p + 5))) { p = Math.min(n, p + 1); return false; }
          p += 5;
        } else if ('"\\/bfnrt'.includes(text[p])) p++;
        else return false;
      } else p++;
    }
    return false;
  };
  const scalar = (): boolean => {
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, p)) { p += lit.length; return true; }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(p, p + 400));
    if (m === null || m[0].length === 0) return false;
    p += m[0].length;
    return true;
  };
  // Parse a value; containers push onto the stack.
  let expectValue = true;
  for (;;) {
    ws();
    if (p >= n) return stack.length === 0 && !expectValue ? -1 : n;
    if (expectValue) {
      const c = text[p];
      if (c === '[') {
        p++; ws();
        if (text[p] === ']') { p++; expectValue = false; } else { stack.push(1); }
        continue;
      }
      if (c === '{') {
        p++; ws();
        if (text[p] === '}') { p++; expectValue = false; continue; }
        if (!str()) return Math.min(p, n);
        ws();
        if (text[p] !== ':') return Math.min(p, n);
        p++;
        stack.push(2);
        continue;
      }
      if (c === '"' ? !str() : !scalar()) return Math.min(p, n);
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return p; // trailing garbage
    const top = stack[stack.length - 1];
    const c = text[p];
    if (c === ',') {
      p++;
      if (top === 2) {
        ws();
        if (!str()) return Math.min(p, n);
        ws();
        if (text[p] !== ':') return Math.min(p, n);
        p++;
      }
      expectValue = true;
      continue;
    }
    if ((top === 1 && c === ']') || (top === 2 && c === '}')) { p++; stack.pop(); continue; }
    return p;
  }
}
