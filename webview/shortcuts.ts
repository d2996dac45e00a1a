/**
 * The keyboard map: one table that drives both the key handler and the help
 * overlay, so the overlay can never drift from what the keys do.
 */
export type Command =
  | 'next' | 'prev' | 'next10' | 'prev10' | 'first' | 'last' | 'play' | 'faster' | 'slower'
  | 'nextViolation' | 'prevViolation' | 'nextKind' | 'prevKind' | 'nextNode' | 'prevNode'
  | 'nextBreak' | 'prevBreak' | 'cause' | 'source' | 'zoomIn' | 'zoomOut' | 'fit' | 'panLeft' | 'panRight'
  | 'divergence' | 'sync' | 'zoomSelection' | 'togglePeriodic' | 'export' | 'compareSeeds' | 'help' | 'close';

export interface Shortcut { readonly keys: readonly string[]; readonly label: string; readonly command: Command }

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['ArrowRight', 'l'], label: '→ / l', command: 'next' },
  { keys: ['ArrowLeft', 'h'], label: '← / h', command: 'prev' },
  { keys: ['Shift+ArrowRight', 'PageDown'], label: 'Shift+→ / PgDn', command: 'next10' },
  { keys: ['Shift+ArrowLeft', 'PageUp'], label: 'Shift+← / PgUp', command: 'prev10' },
  { keys: ['Home'], label: 'Home', command: 'first' },
  { keys: ['End'], label: 'End', command: 'last' },
  { keys: [' '], label: 'Space', command: 'play' },
  { keys: ['>'], label: '>', command: 'faster' },
  { keys: ['<'], label: '<', command: 'slower' },
  { keys: ['v'], label: 'v', command: 'nextViolation' },
  { keys: ['V', 'Shift+v'], label: 'Shift+V', command: 'prevViolation' },
  { keys: ['k'], label: 'k', command: 'nextKind' },
  { keys: ['K', 'Shift+k'], label: 'Shift+K', command: 'prevKind' },
  { keys: ['n'], label: 'n', command: 'nextNode' },
  { keys: ['N', 'Shift+n'], label: 'Shift+N', command: 'prevNode' },
  { keys: ['b'], label: 'b', command: 'nextBreak' },
  { keys: ['B', 'Shift+b'], label: 'Shift+B', command: 'prevBreak' },
  { keys: ['c'], label: 'c', command: 'cause' },
  { keys: ['Enter', 'g'], label: 'Enter / g', command: 'source' },
  { keys: ['+', '='], label: '+', command: 'zoomIn' },
  { keys: ['-'], label: '−', command: 'zoomOut' },
  { keys: ['0'], label: '0', command: 'fit' },
  { keys: ['z'], label: 'z', command: 'zoomSelection' },
  { keys: ['p'], label: 'p', command: 'togglePeriodic' },
  { keys: ['['], label: '[', command: 'panLeft' },
  { keys: [']'], label: ']', command: 'panRight' },
  { keys: ['d'], label: 'd', command: 'divergence' },
  { keys: ['t'], label: 't', command: 'sync' },
  { keys: ['?'], label: '?', command: 'help' },
  { keys: ['Escape'], label: 'Esc', command: 'close' },
];

export const DESCRIPTIONS: Readonly<Record<Command, string>> = {
  next: 'Step forward one event', prev: 'Step back one event', next10: 'Forward 10 events', prev10: 'Back 10 events',
  first: 'First event', last: 'Last event', play: 'Play / pause', faster: 'Play faster', slower: 'Play slower',
  nextViolation: 'Next violation', prevViolation: 'Previous violation',
  nextKind: 'Next event of the chosen kind', prevKind: 'Previous event of the chosen kind',
  nextNode: 'Next event of the chosen node', prevNode: 'Previous event of the chosen node',
  nextBreak: 'Next breakpoint match', prevBreak: 'Previous breakpoint match',
  cause: 'Go to the event that caused this one', source: 'Reveal the scenario line of this event',
  zoomIn: 'Zoom in (time)', zoomOut: 'Zoom out (time)', fit: 'Zoom to fit the whole run', panLeft: 'Pan left', panRight: 'Pan right',
  zoomSelection: 'Zoom to the current event, its message and what it caused (Shift+drag on the diagram: zoom to a span)',
  togglePeriodic: 'Hide / show routine periodic messages (heartbeats)',
  export: 'Export the diagram (SVG, PNG, Mermaid, ShiViz)', compareSeeds: 'Compare this scenario with another seed',
  divergence: 'Go to the first divergence (side by side)', sync: 'Sync by index / by time (side by side)',
  help: 'Keyboard shortcuts: show or hide this list', close: 'Close this list',
};

/** The first key of a command, as shown in tooltips ('' when it has none). */
export function keyOf(command: Command): string {
  return SHORTCUTS.find((s) => s.command === command)?.label ?? '';
}

/** The command for a key event, or undefined. */
export function commandFor(ev: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): Command | undefined {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return undefined;
  const withShift = ev.shiftKey && ev.key.length > 1 ? `Shift+${ev.key}` : undefined;
  if (withShift) { const s = SHORTCUTS.find((x) => x.keys.includes(withShift)); if (s) return s.command; }
  return SHORTCUTS.find((x) => x.keys.includes(ev.key))?.command;
}
