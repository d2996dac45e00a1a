/**
 * The `protocolPlayground.*` settings, read fresh each time they are needed
 * (so a change applies to the next run without a reload). Declared in
 * package.json `contributes.configuration`.
 */
import * as vscode from 'vscode';

export interface Settings {
  /** Where traces go: empty = next to the scenario; relative = to the workspace folder. */
  readonly traceFolder: string;
  readonly defaultSeed: number | undefined;
  /** µs; 0 = the scenario's own bound. */
  readonly maxTime: number;
  readonly maxEvents: number;
  readonly autoRunOnSave: boolean;
  readonly openViewerAfterRun: boolean;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('protocolPlayground', scope);
  const seed = c.get<number | null>('defaultSeed', null);
  const seconds = c.get<number>('maxSimulatedTime', 0);
  return {
    traceFolder: c.get<string>('traceFolder', '').trim(),
    defaultSeed: typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 ? seed : undefined,
    maxTime: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1_000_000) : 0,
    maxEvents: Math.max(0, Math.floor(c.get<number>('maxEvents', 0) || 0)),
    autoRunOnSave: c.get<boolean>('autoRunOnSave', false),
    openViewerAfterRun: c.get<boolean>('openViewerAfterRun', true),
  };
}

/** The folder a scenario's traces are written to. */
export function traceFolderFor(scenario: vscode.Uri, settings: Settings): vscode.Uri {
  const folder = settings.traceFolder;
  const dir = vscode.Uri.joinPath(scenario, '..');
  if (folder === '') return dir;
  if (folder.startsWith('/') || /^[A-Za-z]:[\\/]/.test(folder)) return vscode.Uri.file(folder);
  const ws = vscode.workspace.getWorkspaceFolder(scenario);
  return vscode.Uri.joinPath(ws ? ws.uri : dir, folder);
}
