/**
 * The way in: *New Scenario…* (pick a protocol, get a working starter file,
 * _starters.ts) and *Copy the Examples into the Workspace* (the bundled
 * examples/ folder, with its README per protocol). Both write new files
 * only: an existing file or folder is never replaced, the name gets a number
 * instead. The Getting Started walkthrough (package.json `walkthroughs`,
 * media/walkthrough/) links to these commands.
 */
import * as vscode from 'vscode';
import { exists } from './_fs.js';
import { STARTERS } from './_starters.js';

/** `name.ext`, or `name-2.ext`, `name-3.ext` … : the first that does not exist in `folder`. */
export async function freeName(folder: vscode.Uri, name: string): Promise<vscode.Uri> {
  const dot = name.indexOf('.');
  const [stem, ext] = dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
  for (let k = 1; ; k++) {
    const candidate = vscode.Uri.joinPath(folder, k === 1 ? name : `${stem}-${k}${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
}

function workspaceFolder(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
  return folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * New Scenario…: a protocol picker, then a starter file in the workspace
 * (or an untitled editor when no folder is open). `protocol` skips the
 * picker (the walkthrough and tests pass it). Returns the new file.
 */
export async function newScenario(protocol?: string): Promise<vscode.Uri | undefined> {
  let starter = STARTERS.find((s) => s.protocol === protocol);
  if (!starter) {
    const pick = await vscode.window.showQuickPick(STARTERS.map((s) => ({ label: s.label, description: s.protocol, detail: s.detail, starter: s })), {
      title: 'New scenario', placeHolder: 'Which protocol?', matchOnDetail: true,
    });
    if (!pick) return undefined;
    starter = pick.starter;
  }
  const folder = workspaceFolder();
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'scenario', content: starter.text });
    await vscode.window.showTextDocument(doc);
    return doc.uri;
  }
  const target = await freeName(folder, starter.fileName);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(starter.text));
  await vscode.window.showTextDocument(target);
  return target;
}

/**
 * Copies the bundled examples into `protocol-playground-examples/` of the
 * workspace (a fresh name if that exists) and opens the Raft failover
 * example. Without a workspace folder it asks for one and opens it there
 * (the window reloads into the folder).
 */
export async function copyExamples(extensionUri: vscode.Uri, into?: vscode.Uri): Promise<vscode.Uri | undefined> {
  let parent = into ?? workspaceFolder();
  let openAfter = false;
  if (!parent) {
    const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Copy the examples here', title: 'Where should the examples go?' });
    if (!chosen?.[0]) return undefined;
    parent = chosen[0];
    openAfter = true;
  }
  const target = await freeName(parent, 'protocol-playground-examples');
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'examples'), target, { overwrite: false });
  // Traces are outputs: never ship stale ones into a user's workspace.
  for (const [name, type] of await readDirDeep(target)) if (type === vscode.FileType.File && name.path.endsWith('.trace.json')) await vscode.workspace.fs.delete(name);
  if (openAfter) {
    await vscode.commands.executeCommand('vscode.openFolder', target, { forceNewWindow: false });
    return target;
  }
  const first = vscode.Uri.joinPath(target, 'raft', 'leader-failover.scenario');
  await vscode.window.showTextDocument(first, { preview: false });
  void vscode.window.showInformationMessage(`Protocol Playground: copied the examples into ${vscode.workspace.asRelativePath(target, false)}. Press Run above a scenario.`);
  return target;
}

async function readDirDeep(dir: vscode.Uri): Promise<[vscode.Uri, vscode.FileType][]> {
  const out: [vscode.Uri, vscode.FileType][] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    const uri = vscode.Uri.joinPath(dir, name);
    out.push([uri, type]);
    if (type === vscode.FileType.Directory) out.push(...await readDirDeep(uri));
  }
  return out;
}

/** Opens one of the bundled examples read from the workspace copy if there is one, else the extension's own (walkthrough step 2). */
export async function openExample(extensionUri: vscode.Uri, relative: string): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles(`**/${relative}`, '**/node_modules/**', 1);
  const uri = found[0] ?? vscode.Uri.joinPath(extensionUri, 'examples', relative);
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}
