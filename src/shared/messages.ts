/**
 * The one typed message protocol between the trace viewer (webview/) and its
 * host (the extension's webview panel, or the standalone page, which has no
 * host and answers nothing). Every message name appears here and only here,
 * after the vscode-lean4 `EditorApi`/`InfoviewApi` pattern: each direction is
 * a discriminated union, and `createChannel` wraps any `postMessage`-like pair
 * in a small typed dispatcher with per-type handlers.
 */
import type { SourceRange } from '../engine/spec.js';

/** Messages the viewer sends to its host. */
export type ViewerToHost =
  /** The viewer has loaded and can take a trace. */
  | { readonly type: 'ready' }
  /** The user clicked an event's source link: reveal this range of the scenario file. */
  | { readonly type: 'revealSource'; readonly range: SourceRange; readonly file?: string }
  /** The trace could not be shown (bad JSON, newer version …). */
  | { readonly type: 'error'; readonly message: string }
  /** The current step changed (for hosts that mirror it, e.g. highlight the line). */
  | { readonly type: 'stepped'; readonly index: number; readonly source?: SourceRange }
  /** The user asked to run this trace's scenario with another seed and compare (the trace's own seed and scenario name). */
  | { readonly type: 'compareSeeds'; readonly seed: number; readonly scenario: string }
  /** Save an export: text (SVG, Mermaid, ShiViz) or base64 bytes (PNG), under a suggested file name. */
  | { readonly type: 'saveFile'; readonly name: string; readonly text?: string; readonly base64?: string }
  /** Show the trace's file as text (the JSON editor): the "Open as JSON" button of a broken trace. */
  | { readonly type: 'openAsJson' };

/** Messages the host sends to the viewer. */
export type HostToViewer =
  /** Show one trace (JSON text, read and validated by the viewer). */
  | { readonly type: 'loadTrace'; readonly text: string }
  /** Show two traces side by side, stepped together. */
  | { readonly type: 'loadPair'; readonly left: string; readonly right: string }
  /** The editor cursor is on this scenario line (1-based): highlight its events. */
  | { readonly type: 'highlightSource'; readonly line: number }
  /** Move to this event index. */
  | { readonly type: 'goto'; readonly index: number };

export type MessageOf<U extends { type: string }, T extends U['type']> = Extract<U, { type: T }>;
export type Handlers<U extends { type: string }> = { [T in U['type']]?: (message: MessageOf<U, T>) => void };

/** A message's type names, for validation of untyped input (from `postMessage`). */
export const HOST_TO_VIEWER_TYPES: readonly HostToViewer['type'][] = ['loadTrace', 'loadPair', 'highlightSource', 'goto'];
export const VIEWER_TO_HOST_TYPES: readonly ViewerToHost['type'][] = ['ready', 'revealSource', 'error', 'stepped', 'compareSeeds', 'saveFile', 'openAsJson'];

export interface Channel<Out extends { type: string }, In extends { type: string }> {
  post(message: Out): void;
  /** Register handlers; returns a function that removes them. */
  on(handlers: Handlers<In>): () => void;
  /** Feed one incoming message (untyped data from the transport); unknown types are ignored. */
  receive(data: unknown): boolean;
}

/**
 * A typed channel over any transport: `send` posts outgoing data; the caller
 * wires the transport's incoming side to `receive` (e.g. `window.addEventListener('message', e => ch.receive(e.data))`).
 */
export function createChannel<Out extends { type: string }, In extends { type: string }>(
  send: (message: Out) => void,
  incomingTypes: readonly In['type'][],
): Channel<Out, In> {
  if (typeof send !== 'function') throw new TypeError('createChannel: send must be a function');
  const known = new Set<string>(incomingTypes);
  const registry: Handlers<In>[] = [];
  return {
    post: (message) => send(message),
    on(handlers) {
      registry.push(handlers);
      return () => {
        const at = registry.indexOf(handlers);
        if (at >= 0) registry.splice(at, 1);
      };
    },
    receive(data) {
      if (typeof data !== 'object' || data === null) return false;
      const type = (data as { type?: unknown }).type;
      if (typeof type !== 'string' || !known.has(type)) return false;
      let handled = false;
      for (const handlers of registry) {
        const handler = (handlers as Record<string, ((m: In) => void) | undefined>)[type];
        if (handler) { handler(data as In); handled = true; }
      }
      return handled;
    },
  };
}
