/**
 * The viewer's entry point, one bundle for two hosts:
 * - inside a VS Code webview (`acquireVsCodeApi` exists): traces arrive as
 *   `loadTrace` / `loadPair` messages, the view state is kept with
 *   `getState`/`setState` across hide/show, and source links go to the editor;
 * - a standalone page: the trace is embedded as
 *   `<script type="application/json" id="trace">` (and `id="trace-right"` for a
 *   pair), the view state lives in the URL hash (`#step=12&tab=state`), so a
 *   link points at a step, and source lines show in the Source tab.
 * `window.__viewer` exposes a read-only summary for tests and benchmarks.
 */
import { createChannel, HOST_TO_VIEWER_TYPES, type HostToViewer, type ViewerToHost } from '../src/shared/messages.js';
import { readTraceText } from './read-trace.js';
import { Viewer, type ViewerHost, type ViewState } from './viewer.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

declare global {
  interface Window {
    __viewer?: { summary(): ReturnType<Viewer['summary']>; goto(i: number): void; drawNow(): void; eventPoint(i: number): { x: number; y: number } | undefined; timings(): { shown: number; read: number; layout: number; draw: number } };
  }
}

function hashState(): Partial<ViewState> {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const out: Record<string, unknown> = {};
  const num = (k: string): number | undefined => (params.has(k) && Number.isFinite(Number(params.get(k))) ? Number(params.get(k)) : undefined);
  if (num('step') !== undefined) out.step = num('step');
  for (const k of ['tab', 'sync', 'kind', 'node', 'breakpoint'] as const) if (params.has(k)) out[k] = params.get(k);
  if (num('speed') !== undefined) out.speed = num('speed');
  const t0 = num('t0'), t1 = num('t1');
  if (t0 !== undefined && t1 !== undefined) out.view = { t0, t1 };
  if (params.has('hide')) out.hiddenTypes = params.get('hide')!.split(',').filter(Boolean);
  if (params.has('periodic')) out.hidePeriodic = params.get('periodic') === 'hidden';
  return out as Partial<ViewState>;
}

function writeHash(state: ViewState): void {
  const params = new URLSearchParams();
  params.set('step', String(state.step));
  if (state.tab !== 'state') params.set('tab', state.tab);
  if (state.sync !== 'index') params.set('sync', state.sync);
  if (state.breakpoint) params.set('breakpoint', state.breakpoint);
  if (state.view) { params.set('t0', String(Math.round(state.view.t0))); params.set('t1', String(Math.round(state.view.t1))); }
  if (state.hiddenTypes.length) params.set('hide', state.hiddenTypes.join(','));
  if (state.hidePeriodic) params.set('periodic', 'hidden');
  const hash = `#${params.toString()}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const channel = createChannel<ViewerToHost, HostToViewer>((m) => vscode?.postMessage(m), HOST_TO_VIEWER_TYPES);
  let pendingSave = 0;
  let rawText = '';
  const host: ViewerHost = {
    post: (m) => channel.post(m),
    revealsSource: vscode !== undefined,
    comparesSeeds: vscode !== undefined,
    saveFile(name, content) {
      if (vscode) { channel.post({ type: 'saveFile', name, ...content }); return; }
      download(name, content);
    },
    openAsJson() {
      if (vscode) { channel.post({ type: 'openAsJson' }); return; }
      showRawText(rawText);
    },
    saveState(state) {
      if (vscode) { vscode.setState(state); return; }
      cancelAnimationFrame(pendingSave);
      pendingSave = requestAnimationFrame(() => writeHash(state));
    },
  };
  const saved = vscode ? (vscode.getState() as Partial<ViewState> | undefined) ?? undefined : hashState();
  const viewer = new Viewer(root, host, saved ?? undefined);
  let shown = -1;
  // The phases of the latest load (ms): reading (JSON.parse and validation), layout (indexes, DOM), first draw.
  const phases = { read: 0, layout: 0, draw: 0 };
  let first = { ...phases };
  window.__viewer = Object.freeze({
    summary: () => viewer.summary(), goto: (i: number) => viewer.goto(i), drawNow: () => viewer.drawNow(), eventPoint: (i: number) => viewer.eventPoint(i),
    /**
     * `shown`: ms from navigation start until the first trace was read, laid out and drawn (on a
     * standalone page this includes the browser reading the page, trace included); `read`, `layout`,
     * `draw`: the phases of that first load, from the trace text to the drawn diagram.
     */
    timings: () => ({ shown, ...first }),
  });

  const load = (leftText: string, rightText?: string): void => {
    rawText = leftText;
    const t0 = performance.now();
    const left = readTraceText(leftText);
    phases.read = performance.now() - t0;
    if (!left.ok) { viewer.showError(left.error); return; }
    const t1 = performance.now();
    if (rightText === undefined) { viewer.show(left.trace); phases.layout = performance.now() - t1; return; }
    const right = readTraceText(rightText);
    if (!right.ok) { viewer.showError(`Right trace: ${right.error}`); return; }
    viewer.show(left.trace, right.trace);
  };
  const loadAndDraw = (leftText: string, rightText?: string): void => {
    load(leftText, rightText);
    const t2 = performance.now();
    viewer.drawNow();
    phases.draw = performance.now() - t2;
    if (shown < 0) { shown = performance.now(); first = { ...phases }; }
  };

  channel.on({
    loadTrace: (m) => loadAndDraw(m.text),
    loadPair: (m) => loadAndDraw(m.left, m.right),
    highlightSource: (m) => { if (Number.isInteger(m.line)) viewer.highlightSource(m.line); },
    goto: (m) => { if (Number.isInteger(m.index)) viewer.goto(m.index); },
  });

  if (vscode) {
    window.addEventListener('message', (ev) => channel.receive(ev.data));
    channel.post({ type: 'ready' });
    return;
  }
  const embedded = document.getElementById('trace');
  const embeddedRight = document.getElementById('trace-right');
  if (!embedded) { viewer.showError('No trace in this page (expected <script type="application/json" id="trace">).'); return; }
  loadAndDraw(embedded.textContent ?? '', embeddedRight ? embeddedRight.textContent ?? '' : undefined);
}

/** A standalone page saves an export as a download. */
function download(name: string, content: { text: string } | { base64: string }): void {
  const blob = 'text' in content
    ? new Blob([content.text], { type: name.endsWith('.svg') ? 'image/svg+xml' : 'text/plain' })
    : new Blob([Uint8Array.from(atob(content.base64), (c) => c.charCodeAt(0))], { type: 'image/png' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A standalone page shows a broken trace's text below the error (the first 200 000 characters). */
function showRawText(text: string): void {
  const view = document.querySelector('.error-view');
  if (!view || view.querySelector('pre.raw-json')) return;
  const pre = document.createElement('pre');
  pre.className = 'raw-json';
  pre.textContent = text.length > 200_000 ? `${text.slice(0, 200_000)}\n… (${text.length} characters)` : text;
  view.append(pre);
}

try {
  start();
} catch (err) {
  const root = document.getElementById('app') ?? document.body;
  const box = document.createElement('div');
  box.className = 'error-view';
  box.setAttribute('role', 'alert');
  box.textContent = `The viewer failed to start: ${String((err as Error)?.message ?? err)}`;
  root.append(box);
}
