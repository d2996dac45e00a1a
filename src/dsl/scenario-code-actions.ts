/**
 * Quick fixes for scenario diagnostics, looked up by the validator's
 * kebab-case codes: "did you mean" replacements for unknown names
 * (parameter, node, cluster, scenario, protocol, operation, query,
 * invariant, message, metric, fault kind), taken from the diagnostic's `data.suggestion`
 * when the validator attached one and from its message otherwise.
 */
import type { LangiumDocument, MaybePromise } from 'langium';
import type { CodeActionProvider } from 'langium/lsp';
import type { CodeActionParams } from 'vscode-languageserver-protocol';
import { CodeActionKind, type CodeAction, type Command, type Diagnostic } from 'vscode-languageserver-types';

const DID_YOU_MEAN_CODES = new Set([
  'unknown-parameter', 'unknown-node', 'unknown-cluster', 'unknown-scenario', 'unknown-protocol',
  'unknown-operation', 'unknown-query', 'unknown-invariant', 'unknown-message', 'unknown-metric', 'unknown-fault',
]);

/** The misspelt word and its suggested replacement, if the diagnostic has one. */
export function suggestionOf(d: Diagnostic): { word: string; suggestion: string } | undefined {
  const code = typeof d.code === 'string' ? d.code : (d.data as { code?: string } | undefined)?.code;
  if (!code || !DID_YOU_MEAN_CODES.has(code)) return undefined;
  const word = /unknown [a-z ]+? ['"](.+?)['"]/.exec(d.message)?.[1];
  const data = d.data as { suggestion?: unknown } | undefined;
  const suggestion = typeof data?.suggestion === 'string' ? data.suggestion : /did you mean '(.+?)'\?/.exec(d.message)?.[1];
  return word && suggestion ? { word, suggestion } : undefined;
}

export class ScenarioCodeActionProvider implements CodeActionProvider {
  getCodeActions(document: LangiumDocument, params: CodeActionParams): MaybePromise<Array<Command | CodeAction>> {
    const out: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      const fix = suggestionOf(d);
      if (!fix) continue;
      const text = document.textDocument.getText(d.range);
      const at = text.indexOf(fix.word);
      if (at < 0) continue;
      const start = document.textDocument.offsetAt(d.range.start) + at;
      const range = { start: document.textDocument.positionAt(start), end: document.textDocument.positionAt(start + fix.word.length) };
      out.push({
        title: `Change to '${fix.suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [document.uri.toString()]: [{ range, newText: fix.suggestion }] } },
      });
    }
    return out;
  }
}
