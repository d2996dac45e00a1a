/**
 * Label placement for the space-time diagram (canvas and SVG alike): labels
 * are offered in priority order, each with a few candidate boxes; the first
 * candidate inside the bounds that overlaps no label placed so far wins, and
 * a label with no such candidate is left out. So a label is drawn only where
 * it fits and no two drawn labels ever overlap (Christensen, Marks & Shieber's
 * greedy method, the simplest of the point-feature label placers). Boxes are
 * bucketed on a grid, so each test looks at a few neighbours only.
 */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PlacedLabel extends Box {
  readonly text: string;
}

const CELL = 64;

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export class LabelPlacer {
  readonly placed: PlacedLabel[] = [];
  private readonly grid = new Map<number, number[]>();

  constructor(private readonly bounds: Box) {}

  /** Places `text` in the first candidate box that fits; returns it, or undefined when none does. */
  place(text: string, candidates: readonly Box[]): PlacedLabel | undefined {
    for (const c of candidates) {
      if (!this.inside(c) || this.collides(c)) continue;
      const label = { x: c.x, y: c.y, w: c.w, h: c.h, text };
      this.add(label);
      return label;
    }
    return undefined;
  }

  private inside(b: Box): boolean {
    const o = this.bounds;
    return b.x >= o.x && b.y >= o.y && b.x + b.w <= o.x + o.w && b.y + b.h <= o.y + o.h;
  }

  private cells(b: Box, visit: (key: number) => boolean | void): boolean {
    const x0 = Math.floor(b.x / CELL), x1 = Math.floor((b.x + b.w) / CELL);
    const y0 = Math.floor(b.y / CELL), y1 = Math.floor((b.y + b.h) / CELL);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) if (visit(gx * 65536 + gy) === true) return true;
    return false;
  }

  private collides(b: Box): boolean {
    return this.cells(b, (key) => (this.grid.get(key) ?? []).some((k) => overlaps(this.placed[k]!, b)));
  }

  private add(label: PlacedLabel): void {
    const index = this.placed.length;
    this.placed.push(label);
    this.cells(label, (key) => {
      const list = this.grid.get(key);
      if (list) list.push(index); else this.grid.set(key, [index]);
    });
  }
}

/**
 * Candidate boxes for a label on a line from (x0, y0) to (x1, y1): centred on
 * the line at its middle, then a third and two thirds along; for a steep line
 * (too narrow to hold the label across it), beside the line instead.
 */
export function lineCandidates(x0: number, y0: number, x1: number, y1: number, w: number, h: number): Box[] {
  const out: Box[] = [];
  const steep = Math.abs(x1 - x0) < w;
  for (const f of [0.5, 0.35, 0.65, 0.2, 0.8]) {
    const cx = x0 + (x1 - x0) * f, cy = y0 + (y1 - y0) * f;
    if (steep) {
      out.push({ x: cx + 3, y: cy - h / 2, w, h }, { x: cx - 3 - w, y: cy - h / 2, w, h });
    } else {
      out.push({ x: cx - w / 2, y: cy - h / 2, w, h });
    }
  }
  return out;
}
