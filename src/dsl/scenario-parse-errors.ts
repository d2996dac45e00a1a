/**
 * Syntax errors in the scenario language's own words.
 *
 * Chevrotain describes a syntax error by token types ("Expecting token of
 * type '}' but found `crash`", or a numbered list of token sequences). This
 * provider says the same thing as a reader would: what could come here,
 * written as the words of the language, what was found, and a suggestion for
 * a misspelt keyword. One mistake gets its own message because it is the
 * most common one: an action written without its time (`crash n1` instead of
 * `at 1s crash n1`); inside an `explore { … }` block, a line that is none
 * of its settings gets the list of them.
 */
import { LangiumParserErrorMessageProvider } from 'langium';
import type { IToken, TokenType } from 'chevrotain';
import { didYouMean } from './_names.js';

/** Words that start an action (see the Action rule of scenario.langium): they need `at`, `after` or `every` before them. */
const ACTION_WORDS = new Set(['client', 'crash', 'restart', 'pause', 'resume', 'partition', 'cut', 'heal', 'note', 'drift']);

/** The lines of an `explore { … }` block, as the ExploreSetting rule of scenario.langium starts them. */
const EXPLORE_LINES = ['faults', 'max faults', 'max states', 'runs', 'time', 'seed', 'expect', 'depth', 'timers', 'network', 'storage'];
const FAULT_WORDS = new Set(['crash', 'restart', 'partition', 'cut', 'heal', 'loss', 'duplicate', 'delay', 'pause', 'drift']);

/** The words that start a top-level element. */
const TOP_LEVEL = ['import', 'cluster', 'scenario', 'compare', 'sweep'];

/** Terminals as a reader knows them. */
const TERMINALS: Readonly<Record<string, string>> = {
  ID: 'a name',
  STRING: 'a quoted string',
  NUMBER: 'a number',
  DURATION: 'a duration like 5ms',
  PERCENT: 'a percentage like 1%',
  EOF: 'the end of the file',
};

/** How paths are shown: at most this many alternatives, then "…". */
const MAX_SHOWN = 12;

/** A token type's name without the suffix Langium gives some keywords. */
function tokenName(type: TokenType): string {
  return type.name.endsWith(':KW') ? type.name.slice(0, -3) : type.name;
}

function describe(type: TokenType): string {
  const name = tokenName(type);
  return TERMINALS[name] ?? `\`${name}\``;
}

/** A grammar rule's name as scenario.langium spells it (Langium's parser adds an invisible suffix to the names it gives Chevrotain). */
function ruleOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '');
}

function found(token: IToken | undefined): string {
  if (token === undefined || token.tokenType?.name === 'EOF' || token.image === '') return 'the end of the file';
  return `\`${token.image}\``;
}

/** A keyword's text, for suggestions (terminals have none). */
function keywordText(type: TokenType): string | undefined {
  const name = tokenName(type);
  return name in TERMINALS || !/^[A-Za-z]/.test(name) ? undefined : name;
}

function oneOf(paths: readonly (readonly TokenType[])[], actual: IToken | undefined): string {
  const shown = [...new Set(paths.map((path) => path.map(describe).join(' ')))];
  const list = shown.length <= MAX_SHOWN ? shown : [...shown.slice(0, MAX_SHOWN), '…'];
  const words = paths.flatMap((path) => (path[0] === undefined ? [] : [keywordText(path[0])])).filter((w): w is string => w !== undefined);
  const expected = list.length === 1 ? list[0] : `one of ${list.join(', ')}`;
  return `expected ${expected} but found ${found(actual)}${actual ? didYouMean(actual.image, words) : ''}`;
}

export class ScenarioParserErrorMessageProvider extends LangiumParserErrorMessageProvider {
  override buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    const { expected, actual } = options;
    if (expected.name === 'EOF') return this.buildNotAllInputParsedMessage({ firstRedundant: actual, ruleName: options.ruleName });
    if (ruleOf(options.ruleName) === 'Explore' && describe(expected) === '`}`') {
      // Inside `explore { … }` a line starts with one of its settings; a fault kind alone belongs on the faults line.
      const hint = FAULT_WORDS.has(actual.image) ? `: fault kinds go on the faults line (\`faults ${actual.image} 2, …\`)` : didYouMean(actual.image, EXPLORE_LINES.map((l) => l.split(' ').pop()!));
      return `expected a line of the explore block (${EXPLORE_LINES.join(', ')}) or \`}\` but found ${found(actual)}${hint}`;
    }
    if (ACTION_WORDS.has(actual.image) && describe(expected) === '`}`') {
      return `\`${actual.image}\` is an action and needs a time before it: \`at 1s ${actual.image} …\`, \`after 5ms ${actual.image} …\` or \`every 100ms ${actual.image} …\``;
    }
    const word = keywordText(expected);
    return `expected ${describe(expected)} but found ${found(actual)}${word ? didYouMean(actual.image, [word]) : ''}`;
  }

  override buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    const t = options.firstRedundant;
    if (ACTION_WORDS.has(t.image)) return `unexpected ${found(t)}: actions belong inside a scenario, after a time (\`at 1s ${t.image} …\`)`;
    return `unexpected ${found(t)}${didYouMean(t.image, TOP_LEVEL)}: a file holds imports, clusters, scenarios, compares and sweeps`;
  }

  override buildNoViableAltMessage(options: { expectedPathsPerAlt: TokenType[][][]; actual: IToken[]; previous: IToken; customUserDescription: string; ruleName: string }): string {
    return oneOf(options.expectedPathsPerAlt.flat(), options.actual[0]);
  }

  override buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[]; previous: IToken; customUserDescription: string; ruleName: string }): string {
    return oneOf(options.expectedIterationPaths, options.actual[0]);
  }
}
