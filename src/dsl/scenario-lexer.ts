/**
 * Langium's lexer, plus a diagnostic for each bad escape in a string
 * (`"\q"`, `"\xZZ"`, `"\u{110000}"`: _strings.ts says which escapes are
 * valid). The STRING terminal accepts any escape so that one bad escape does
 * not break the rest of the file; the message lands on the escape itself,
 * through the lexer result's documented `errors` list.
 */
import { DefaultLexer, type LexerResult, type TokenizeOptions } from 'langium';
import { decodeString, hasEscapes } from './_strings.js';

export class ScenarioLexer extends DefaultLexer {
  override tokenize(text: string, options?: TokenizeOptions): LexerResult {
    const result = super.tokenize(text, options);
    if (!hasEscapes(text)) return result;
    for (const token of result.tokens) {
      if (token.tokenType.name !== 'STRING' || !hasEscapes(token.image)) continue;
      for (const p of decodeString(token.image).problems) {
        result.errors.push({
          offset: token.startOffset + p.offset,
          line: token.startLine,
          column: token.startColumn === undefined ? undefined : token.startColumn + p.offset,
          length: p.length,
          message: p.message,
        });
      }
    }
    return result;
  }
}
