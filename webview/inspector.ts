/**
 * The node state inspector: one collapsible section per node, each a tree of
 * its state after the current event. Values the current event changed are
 * marked `changed`, and every object or array that contains a change is
 * marked `contains-change` and opened, so a change deep inside nested state is
 * visible at once. In side-by-side mode, values that differ from the other
 * trace's state at its current step are marked `differs`.
 * Large values are cut (first 100 entries, first 300 characters) with a note.
 */
import type { Json } from '../src/engine/protocol.js';
import type { StatePath, TraceEvent } from '../src/trace/format.js';
import { jsonEqual } from '../src/trace/json-equal.js';
import { clear, h, shorten } from './dom.js';

const MAX_ENTRIES = 100;
const MAX_STRING = 300;
const MAX_DEPTH = 16;
const SEP = '\u0000';
const MAX_NODES_SHOWN = 40;

const keyOf = (path: readonly (string | number)[]): string => path.map(String).join(SEP);

export interface InspectorInput {
  readonly nodes: readonly string[];
  readonly states: Readonly<Record<string, Json>>;
  readonly roles: Readonly<Record<string, string>>;
  /** Nodes crashed or paused at the current step. */
  readonly down: ReadonlySet<string>;
  /** The current event (its changes are highlighted). */
  readonly event: TraceEvent | undefined;
  /** The other trace's states, in side-by-side mode. */
  readonly other?: Readonly<Record<string, Json>>;
}

/** The set of path keys changed by an event, plus the keys of every ancestor (prefixed `>`). */
function changedKeys(event: TraceEvent | undefined): { node: string | undefined; keys: Set<string> } {
  const keys = new Set<string>();
  if (!event || event.kind !== 'state') return { node: undefined, keys };
  for (const change of event.changes) {
    const path: StatePath = change[0];
    keys.add(keyOf(path));
    for (let k = 0; k < path.length; k++) keys.add(`>${keyOf(path.slice(0, k))}`);
  }
  return { node: event.node, keys };
}

function child(v: Json | undefined, key: string | number): Json | undefined {
  if (Array.isArray(v)) return typeof key === 'number' ? v[key] : undefined;
  if (typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, key)) return (v as Record<string, Json>)[String(key)];
  return undefined;
}

function preview(v: Json): string {
  if (Array.isArray(v)) return `[${v.length}]`;
  if (typeof v === 'object' && v !== null) { const n = Object.keys(v).length; return `{${n}}`; }
  return leafText(v);
}

function leafText(v: Json): string {
  if (typeof v === 'string') return JSON.stringify(v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v) + (v.length > MAX_STRING ? ` (${v.length} chars)` : '');
  return String(v);
}

export class Inspector {
  readonly element: HTMLElement;
  /** Open nodes and open nested paths, kept across steps. */
  private readonly openNodes = new Set<string>();
  private readonly closedPaths = new Set<string>();
  private readonly openPaths = new Set<string>();
  private input: InspectorInput | undefined;
  private autoOpened = false;

  constructor() {
    this.element = h('div', { class: 'inspector', role: 'region', 'aria-label': 'Node states at the current step' });
  }

  update(input: InspectorInput): void {
    this.input = input;
    if (!this.autoOpened) {
      this.autoOpened = true;
      input.nodes.slice(0, input.nodes.length <= 8 ? 8 : 1).forEach((n) => this.openNodes.add(n));
    }
    const { node: changedNode, keys } = changedKeys(input.event);
    const eventNode = input.event && 'node' in input.event ? input.event.node : undefined;
    clear(this.element);
    // Many nodes (a Kademlia network): show the nodes this step touches and the ones the user opened.
    let shown = input.nodes;
    if (input.nodes.length > MAX_NODES_SHOWN) {
      shown = input.nodes.filter((id) => this.openNodes.has(id) || id === eventNode || id === changedNode);
      this.element.append(h('p', { class: 'more' }, `Showing ${shown.length} of ${input.nodes.length} nodes: those of this event and those you opened (choose one in the node list to open it).`));
    }
    for (const id of shown) {
      const state = input.states[id] ?? null;
      const differs = input.other !== undefined && !jsonEqual(state, input.other[id] ?? null);
      const touched = id === changedNode;
      const section = h('details', {
        class: `node-state${touched ? ' contains-change' : ''}${id === eventNode ? ' current' : ''}${differs ? ' differs' : ''}${input.down.has(id) ? ' down' : ''}`,
        'data-node': id,
      });
      if (this.openNodes.has(id) || touched) section.open = true;
      const role = input.roles[id];
      section.append(h('summary', { class: 'node-summary' },
        h('span', { class: 'node-id' }, shorten(id, 60)),
        role ? h('span', { class: 'node-role' }, shorten(role, 40)) : null,
        input.down.has(id) ? h('span', { class: 'badge down-badge' }, 'down') : null,
        touched ? h('span', { class: 'badge change-badge' }, 'changed') : null,
        differs ? h('span', { class: 'badge differs-badge' }, 'differs') : null,
      ));
      const fill = (): void => {
        if (section.childNodes.length > 1) return;
        section.append(this.tree(id, state, [], touched ? keys : new Set(), input.other ? input.other[id] ?? null : undefined, input.other !== undefined, 0));
      };
      if (section.open) fill();
      section.addEventListener('toggle', () => {
        if (section.open) { this.openNodes.add(id); fill(); } else this.openNodes.delete(id);
      });
      this.element.append(section);
    }
  }

  private tree(node: string, value: Json, path: (string | number)[], changed: Set<string>, other: Json | undefined, comparing: boolean, depth: number): HTMLElement {
    const list = h('ul', { class: 'tree', role: depth === 0 ? 'tree' : 'group' });
    if (typeof value !== 'object' || value === null) {
      list.append(h('li', { class: `leaf${changed.has(keyOf(path)) ? ' changed' : ''}` }, h('span', { class: `value ${valueClass(value)}` }, leafText(value))));
      return list;
    }
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, k) => [k, v]) : Object.entries(value);
    for (const [key, v] of entries.slice(0, MAX_ENTRIES)) {
      const p = [...path, key];
      const k = keyOf(p);
      const isChanged = changed.has(k);
      const containsChange = changed.has(`>${k}`);
      const o = comparing ? child(other, key) : undefined;
      const differs = comparing && !jsonEqual(v, o);
      const cls = `${isChanged ? ' changed' : ''}${containsChange ? ' contains-change' : ''}${differs ? ' differs' : ''}`;
      const label = h('span', { class: 'key' }, shorten(String(key), 80));
      if (typeof v === 'object' && v !== null && depth < MAX_DEPTH) {
        const item = h('li', { class: `branch${cls}`, role: 'treeitem' });
        const det = h('details', { 'data-path': k });
        const openKey = `${node}${SEP}${SEP}${k}`;
        det.open = !this.closedPaths.has(openKey) && (containsChange || isChanged || this.openPaths.has(openKey) || (depth === 0 && entries.length <= 12 && JSON.stringify(v).length < 400));
        det.append(h('summary', {}, label, h('span', { class: 'preview' }, preview(v))));
        let filled = false;
        const fill = (): void => { if (!filled) { filled = true; det.append(this.tree(node, v, p, changed, o, comparing, depth + 1)); } };
        if (det.open) fill();
        det.addEventListener('toggle', () => {
          if (det.open) { this.openPaths.add(openKey); this.closedPaths.delete(openKey); fill(); } else { this.closedPaths.add(openKey); this.openPaths.delete(openKey); }
        });
        item.append(det);
        list.append(item);
      } else {
        list.append(h('li', { class: `leaf${cls}`, role: 'treeitem' }, label, h('span', { class: 'sep' }, ': '),
          h('span', { class: `value ${valueClass(v)}` }, typeof v === 'object' && v !== null ? preview(v) : leafText(v))));
      }
    }
    if (entries.length > MAX_ENTRIES) list.append(h('li', { class: 'more' }, `… ${entries.length - MAX_ENTRIES} more`));
    if (entries.length === 0) list.append(h('li', { class: 'empty' }, Array.isArray(value) ? '(empty list)' : '(empty)'));
    return list;
  }

  /** Opens a node's section (and keeps it open across steps). */
  openNode(id: string): void {
    this.openNodes.add(id);
    this.refresh();
  }

  /** Re-renders with the last input (e.g. after the host's theme changed). */
  refresh(): void { if (this.input) this.update(this.input); }
}

function valueClass(v: Json): string {
  return v === null ? 'null' : typeof v;
}
