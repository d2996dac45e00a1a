/**
 * Langium's parser, with one hot path made cheap.
 *
 * Langium 4.2.1's LangiumParser calls `CstNodeBuilder.addHiddenNodes` before
 * every token it consumes, with the comments found just before it. With no
 * comments (the usual case) the call still searches the enclosing CST nodes
 * (`indexOf`) and splices nothing into them, which is a third of the parse
 * time of a large file. Skipping the call for an empty list changes nothing
 * else: with no tokens it adds no nodes.
 */
import { createLangiumParser, type LangiumCoreServices, type LangiumParser } from 'langium';

export function createScenarioParser(services: LangiumCoreServices): LangiumParser {
  const parser = createLangiumParser(services);
  const builder = (parser as unknown as { nodeBuilder?: { addHiddenNodes?: (tokens: unknown[]) => void } }).nodeBuilder;
  const original = builder?.addHiddenNodes;
  if (builder && typeof original === 'function') {
    builder.addHiddenNodes = function (tokens: unknown[]) {
      if (tokens.length > 0) original.call(this, tokens);
    };
  }
  return parser;
}
