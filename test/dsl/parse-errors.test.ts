/**
 * Syntax errors read in the language's words (scenario-parse-errors.ts), at
 * the token that is wrong: not Chevrotain's token types.
 */
import assert from 'node:assert/strict';
import { CLUSTER, diagnose } from './_helpers.js';

/** The syntax errors of a file, as `line:col message`. */
async function syntaxErrors(text: string): Promise<string[]> {
  const diags = await diagnose(text);
  return diags.filter((d) => d.severity === 'error' && d.code === undefined || d.code === 'parsing-error' || d.code === 'lexing-error').map((d) => `${d.line}:${d.col} ${d.message}`);
}

const inScenario = (line: string) => `${CLUSTER}scenario "s" {\n  use five\n  ${line}\n  run until 1s\n}\n`;
/** The line of `line` in inScenario (CLUSTER is four lines). */
const LINE = 7;

describe('dsl: syntax error messages', () => {
  it('an action without a time says it needs `at`, `after` or `every`', async () => {
    const [first] = await syntaxErrors(inScenario('crash n1'));
    assert.equal(first, `${LINE}:3 \`crash\` is an action and needs a time before it: \`at 1s crash …\`, \`after 5ms crash …\` or \`every 100ms crash …\``);
  });

  it('a misspelt keyword lists what may come there and suggests the nearest', async () => {
    const [first] = await syntaxErrors(inScenario('expect eventualy leader'));
    assert.equal(first, `${LINE}:10 expected one of \`always\`, \`violated\`, \`eventually\`, \`at\`, \`linearizable\` but found \`eventualy\` (did you mean 'eventually'?)`);
  });

  it('an unknown action word lists the actions', async () => {
    const [first] = await syntaxErrors(inScenario('at 1s explode n1'));
    assert.match(first!, new RegExp(`^${LINE}:9 expected one of \`client\`, \`crash\`, .*\`drift\` but found \`explode\`$`));
  });

  it('a missing keyword names it', async () => {
    const [first] = await syntaxErrors(inScenario('run 4s'));
    assert.equal(first, `${LINE}:7 expected \`until\` but found \`4s\``);
  });

  it('at the top level: a misspelt element is suggested, an action is sent into a scenario', async () => {
    assert.deepEqual(await syntaxErrors('clustr c: toy { nodes a }\n'), [`1:1 unexpected \`clustr\` (did you mean 'cluster'?): a file holds imports, clusters, scenarios, compares and sweeps`]);
    assert.deepEqual(await syntaxErrors('crash n1\n'), ['1:1 unexpected `crash`: actions belong inside a scenario, after a time (`at 1s crash …`)']);
  });

  it('a file cut short says it found the end of the file', async () => {
    const errors = await syntaxErrors(`${CLUSTER}scenario "s" {\n  use five\n  at 1s crash`);
    assert.ok(errors.some((e) => e.endsWith('but found the end of the file')), errors.join('\n'));
  });
});
