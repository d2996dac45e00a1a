/**
 * Token text to AST values: Langium's conversions, with the scenario
 * language's string escapes (_strings.ts) instead of Langium's (which turn an
 * unknown escape such as `\x41` into `x41` without a word).
 */
import { DefaultValueConverter, type CstNode, type GrammarAST, type ValueType } from 'langium';
import { decodeString, hasEscapes } from './_strings.js';

export class ScenarioValueConverter extends DefaultValueConverter {
  protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
    if (rule.name === 'STRING') return hasEscapes(input) ? decodeString(input).value : input.slice(1, -1);
    return super.runConverter(rule, input, cstNode);
  }
}
