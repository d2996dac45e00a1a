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

/** The *Explore* command's budget (`protocolPlayground.explore.*`). */
export interface ExploreSettings {
  readonly runs: number;
  readonly seconds: number;
  readonly maxFaults: number;
  /** 0: every core. */
  readonly workers: number;
  readonly seed: number;
}

export function readExploreSettings(scope?: vscode.Uri): ExploreSettings {
  const c = vscode.workspace.getConfiguration('protocolPlayground.explore', scope);
  const whole = (key: string, fallback: number, min: number): number => {
    const v = c.get<number>(key, fallback);
    return Number.isFinite(v) && v >= min ? Math.floor(v) : fallback;
  };
  return { runs: whole('runs', 2000, 1), seconds: whole('seconds', 60, 1), maxFaults: whole('maxFaults', 4, 1), workers: whole('workers', 0, 0), seed: whole('seed', 1, 0) };
}
