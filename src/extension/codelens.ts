/**
 * CodeLens above each block of a scenario file: Run, Run with seed…,
 * Compare with another seed…, Explore, Open last trace over a `scenario`,
 * and Explore exhaustively over one whose `explore { … }` block has a line
 * only the exhaustive search reads (depth, max states, timers, network,
 * storage: the block says the scenario is small enough, and how to search
 * it); Run sweep over a `sweep` (its table goes to the output channel); Run
 * both side by side over a `compare`.
 * Positions come from the line scan in _blocks.ts, not the parser.
 */
import * as vscode from 'vscode';
import { blockBody, findBlocks } from './_blocks.js';

export class ScenarioCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    const text = document.getText();
    for (const b of findBlocks(text)) {
      const range = new vscode.Range(b.line, b.col, b.line, b.col);
      const args = [document.uri, b.name];
      if (b.kind === 'scenario') {
        lenses.push(
          new vscode.CodeLens(range, { title: '$(play) Run', command: 'protocolPlayground.run', arguments: args, tooltip: `Run "${b.name}" and open its trace` }),
          new vscode.CodeLens(range, { title: 'Run with seed…', command: 'protocolPlayground.runWithSeed', arguments: args, tooltip: 'Run once with another seed (its trace is kept beside the others)' }),
          new vscode.CodeLens(range, { title: '$(git-compare) Compare with another seed…', command: 'protocolPlayground.compareSeeds', arguments: args, tooltip: `Run "${b.name}" with its own seed and another, and show the two traces side by side` }),
          new vscode.CodeLens(range, { title: '$(search) Explore', command: 'protocolPlayground.explore', arguments: args, tooltip: `Run "${b.name}" many times with random faults on every core; a violation is shrunk and opened as a scenario file beside its trace` }),
        );
        const exhaustive = blockBody(text, b).exhaustive;
        if (exhaustive !== undefined) {
          lenses.push(new vscode.CodeLens(range, {
            title: '$(list-tree) Explore exhaustively', command: 'protocolPlayground.exploreExhaustive', arguments: args,
            tooltip: `Search every path of "${b.name}" breadth first (deliveries, timers, faults) within its explore block's bounds (${exhaustive.join(', ')}): the block marks it as small enough for the exhaustive search. The shortest counterexample opens as a scenario file beside its trace`,
          }));
        }
        lenses.push(new vscode.CodeLens(range, { title: 'Open last trace', command: 'protocolPlayground.openLastTrace', arguments: args }));
      } else if (b.kind === 'sweep') {
        lenses.push(new vscode.CodeLens(range, { title: '$(graph) Run sweep', command: 'protocolPlayground.runSweep', arguments: args, tooltip: `Run every variant of "${b.name}" and show its table` }));
      } else if (b.kind === 'compare') {
        lenses.push(new vscode.CodeLens(range, { title: '$(split-horizontal) Run and compare', command: 'protocolPlayground.runCompare', arguments: args }));
      }
    }
    return lenses;
  }
}
