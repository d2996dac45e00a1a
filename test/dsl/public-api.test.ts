/**
 * src/dsl uses Langium and Chevrotain through their public API only: the
 * lint rule of eslint.config.mjs (no casts through `unknown` or `any`, no
 * prototype swaps under src/dsl) catches code that reaches a dependency's
 * private members, and src/dsl has none.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '../_cli.js';

const RULE = /public API only/;

async function messages(code: string, file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('dsl: Langium and Chevrotain through their public API only', function () {
  this.timeout(60_000);

  const reaching: Record<string, string> = {
    'a cast through unknown into a Langium type': `import type { LangiumParser } from 'langium';
declare const parser: LangiumParser;
export const builder = (parser as unknown as { nodeBuilder: object }).nodeBuilder;`,
    'an angle-bracket cast through unknown': `import type { CstNode } from 'langium';
declare const node: CstNode;
export const content = (<{ content: unknown[] }><unknown>node).content;`,
    'a cast to any': `import type { DefaultLexer } from 'langium';
declare const lexer: DefaultLexer;
export const chevrotain = (lexer as any).chevrotainLexer;`,
    'a prototype swap': `import { LeafCstNodeImpl } from 'langium';
class Leaf {}
Object.setPrototypeOf(Leaf.prototype, LeafCstNodeImpl.prototype);`,
  };
  for (const [what, code] of Object.entries(reaching)) {
    it(`rejects ${what} under src/dsl`, async () => {
      const found = await messages(code, 'src/dsl/_reaching.ts');
      assert.ok(found.some((m) => RULE.test(m)), `no public-API error in: ${JSON.stringify(found)}`);
    });
  }

  it('accepts the public API: a protected method override and a typed property read', async () => {
    const found = await messages(`import { DefaultValueConverter, type CstNode, type GrammarAST, type ValueType } from 'langium';
export class Converter extends DefaultValueConverter {
  protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
    return super.runConverter(rule, input, cstNode);
  }
}
export const read = (node: object, key: string): unknown => Reflect.get(node, key);
`, 'src/dsl/_public.ts');
    assert.deepEqual(found.filter((m) => RULE.test(m)), []);
  });

  it('src/dsl has no such code', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles([join(ROOT, 'src/dsl')]);
    const found = results.flatMap((r) => r.messages.filter((m) => RULE.test(m.message)).map((m) => `${r.filePath}:${m.line}: ${m.message}`));
    assert.ok(results.length > 10, `linted ${results.length} files`);
    assert.deepEqual(found, []);
  });
});
