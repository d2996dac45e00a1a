/**
 * The Protocol Playground view container in the activity bar:
 * - *Scenarios*: the workspace's `.scenario` files, each with its
 *   scenarios, sweeps and compares (a line scan, _blocks.ts); a scenario
 *   has Run and Compare with another seed… buttons and opens at its line.
 *   A workspace of more than a screenful of files (the examples are fifty)
 *   lists folders first, so every file is two clicks away without scrolling;
 * - *Traces*: the workspace's `.trace.json` files, newest first, opening in
 *   the viewer.
 * Both refresh when such files are created, changed or deleted. When the
 * workspace has none, the view shows a welcome with New Scenario… and Copy
 * the Examples (package.json `viewsWelcome`).
 */
import * as vscode from 'vscode';
import { findBlocks, type Block } from './_blocks.js';

const EXCLUDE = '{**/node_modules/**,**/.git/**}';
const MAX_FILES = 2000;
/** Up to this many files the view lists them flat; more are grouped by folder. */
const FLAT_LIMIT = 12;

type ScenarioNode =
  | { readonly kind: 'folder'; readonly path: string; readonly files: readonly vscode.Uri[] }
  | { readonly kind: 'file'; readonly uri: vscode.Uri }
  | { readonly kind: 'block'; readonly uri: vscode.Uri; readonly block: Block };

export class ScenariosView implements vscode.TreeDataProvider<ScenarioNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ScenarioNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.scenario');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    const refresh = (): void => this.changed.fire(undefined);
    this.subscriptions.push(this.watcher, this.watcher.onDidCreate(refresh), this.watcher.onDidDelete(refresh), this.watcher.onDidChange(refresh),
      vscode.workspace.onDidSaveTextDocument((d) => { if (d.languageId === 'scenario') refresh(); }));
  }

  refresh(): void { this.changed.fire(undefined); }

  /** A few files open expanded; a workspace of many lists them collapsed. */
  private expand = true;
  /** Files sit under their folder's row, which already names the folder. */
  private grouped = false;

  async getChildren(node?: ScenarioNode): Promise<ScenarioNode[]> {
    if (!node) {
      const files = (await vscode.workspace.findFiles('**/*.scenario', EXCLUDE, MAX_FILES)).sort((a, b) => a.path.localeCompare(b.path));
      this.expand = files.length <= 4;
      this.grouped = files.length > FLAT_LIMIT;
      return !this.grouped ? files.map((uri) => ({ kind: 'file', uri })) : byFolder(files);
    }
    if (node.kind === 'folder') return node.files.map((uri) => ({ kind: 'file', uri }));
    if (node.kind === 'block') return [];
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(node.uri));
    return findBlocks(text).map((block) => ({ kind: 'block', uri: node.uri, block }));
  }

  getTreeItem(node: ScenarioNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.path, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `folder:${node.path}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.description = `${node.files.length} file${node.files.length === 1 ? '' : 's'}`;
      item.contextValue = 'scenarioFolder';
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.uri, this.expand ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      if (!this.grouped) item.description = vscode.workspace.asRelativePath(vscode.Uri.joinPath(node.uri, '..'), false);
      item.contextValue = 'scenarioFile';
      item.tooltip = `${vscode.workspace.asRelativePath(node.uri, false)}: run all of its scenarios with the ▷ button`;
      return item;
    }
    const b = node.block;
    const item = new vscode.TreeItem(b.name, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.uri.toString()}#${b.kind}:${b.name}:${b.line}`;
    item.description = b.kind === 'scenario' ? undefined : b.kind;
    item.iconPath = new vscode.ThemeIcon(b.kind === 'scenario' ? 'beaker' : b.kind === 'sweep' ? 'graph' : 'split-horizontal');
    item.contextValue = b.kind;
    item.tooltip = `${b.kind} "${b.name}" — line ${b.line + 1}`;
    item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri, { selection: new vscode.Range(b.line, b.col, b.line, b.col) }] };
    return item;
  }

  /** The arguments the run commands take from a tree node: the file and, for a block, its name. */
  static argsOf(node: unknown): [vscode.Uri, string?] | undefined {
    if (!isNode(node) || node.kind === 'folder') return undefined;
    return node.kind === 'file' ? [node.uri] : [node.uri, node.block.name];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** Files (sorted by path) grouped by their workspace-relative folder, in path order. */
function byFolder(files: readonly vscode.Uri[]): ScenarioNode[] {
  const folders = new Map<string, vscode.Uri[]>();
  for (const uri of files) {
    const relative = vscode.workspace.asRelativePath(uri, false);
    const path = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '.';
    const list = folders.get(path);
    if (list) list.push(uri); else folders.set(path, [uri]);
  }
  return [...folders].map(([path, list]) => ({ kind: 'folder', path, files: list }));
}

function isNode(v: unknown): v is ScenarioNode {
  if (typeof v !== 'object' || v === null) return false;
  const n = v as { kind?: unknown; uri?: unknown };
  return n.kind === 'folder' || ((n.kind === 'file' || n.kind === 'block') && n.uri instanceof vscode.Uri);
}

export class TracesView implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.trace.json');
  private readonly subscriptions: vscode.Disposable[] = [];
  private times = new Map<string, number>();

  constructor() {
    const refresh = (): void => this.changed.fire(undefined);
    this.subscriptions.push(this.watcher, this.watcher.onDidCreate(refresh), this.watcher.onDidDelete(refresh), this.watcher.onDidChange(refresh));
  }

  refresh(): void { this.changed.fire(undefined); }

  async getChildren(node?: vscode.Uri): Promise<vscode.Uri[]> {
    if (node) return [];
    const files = await vscode.workspace.findFiles('**/*.trace.json', EXCLUDE, MAX_FILES);
    const stats = await Promise.all(files.map(async (u) => [u, (await vscode.workspace.fs.stat(u).then((s) => s.mtime, () => 0))] as const));
    this.times = new Map(stats.map(([u, t]) => [u.toString(), t]));
    return stats.sort((a, b) => b[1] - a[1] || a[0].path.localeCompare(b[0].path)).map(([u]) => u);
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
    item.description = vscode.workspace.asRelativePath(vscode.Uri.joinPath(uri, '..'), false);
    const t = this.times.get(uri.toString());
    item.tooltip = `${vscode.workspace.asRelativePath(uri, false)}${t ? `\nwritten ${new Date(t).toLocaleString()}` : ''}`;
    item.contextValue = 'trace';
    item.command = { command: 'vscode.openWith', title: 'Open in the viewer', arguments: [uri, 'protocolPlayground.traceFile'] };
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
