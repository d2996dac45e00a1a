/**
 * Colours of message types, shared by the viewer's canvas and the SVG
 * exporter so a slide matches the screen. Each request type gets a hue in the
 * order types first appear; its answer (`XReply`, `XResponse`, `XAck`, or
 * `YResponse` for `YRequest`) gets the same hue, lighter, so a request and
 * its reply read as one exchange. Two traces side by side share one
 * assignment (`assignTypeColours` over both type lists).
 *
 * The hues avoid red (violations, crashes) and yellow (the cursor); each has
 * a variant for light and for dark backgrounds with enough contrast on both.
 */
export const TYPE_HUES = {
  light: ['#1f6fd1', '#d9730d', '#2e8b57', '#8e44ad', '#0e8a8a', '#8c564b', '#c2408f', '#6b6b1f'],
  dark: ['#5aa9ff', '#f0a050', '#5fd38d', '#c39bf0', '#4fd6d6', '#d0a080', '#f08cc8', '#c8c860'],
} as const;

export type Theme = keyof typeof TYPE_HUES;

export interface TypeColour {
  /** Index into TYPE_HUES[theme]. */
  readonly hue: number;
  /** An answer to another type: drawn in the same hue, lighter. */
  readonly reply: boolean;
}

const REPLY = /^(.+?)(Reply|Response|Resp|Ack|Result)$/;

/** The request type an answer type answers, among `known`, or undefined. */
export function requestOf(type: string, known: ReadonlySet<string>): string | undefined {
  const m = REPLY.exec(type);
  if (!m) return undefined;
  const stem = m[1]!;
  for (const candidate of [stem, `${stem}Request`, `${stem}Req`]) if (candidate !== type && known.has(candidate)) return candidate;
  return undefined;
}

/** Colours for every type of the given lists (in order of first appearance across them). */
export function assignTypeColours(...typeLists: readonly (readonly string[])[]): Map<string, TypeColour> {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const list of typeLists) for (const t of list) if (!seen.has(t)) { seen.add(t); order.push(t); }
  const out = new Map<string, TypeColour>();
  let next = 0;
  const hues = TYPE_HUES.light.length;
  for (const t of order) if (requestOf(t, seen) === undefined) out.set(t, { hue: next++ % hues, reply: false });
  for (const t of order) {
    const req = requestOf(t, seen);
    if (req !== undefined) out.set(t, { hue: out.get(req)?.hue ?? next++ % hues, reply: true });
  }
  return out;
}

/** The CSS colour of a type on a theme; answers are mixed 35 % toward the background. */
export function typeColour(c: TypeColour | undefined, theme: Theme): string {
  const base = TYPE_HUES[theme][c?.hue ?? 0]!;
  return c?.reply ? mix(base, theme === 'dark' ? '#1e1e1e' : '#ffffff', 0.35) : base;
}

function mix(a: string, b: string, f: number): string {
  const pa = [1, 3, 5].map((k) => parseInt(a.slice(k, k + 2), 16));
  const pb = [1, 3, 5].map((k) => parseInt(b.slice(k, k + 2), 16));
  return `#${pa.map((x, k) => Math.round(x + (pb[k]! - x) * f).toString(16).padStart(2, '0')).join('')}`;
}
