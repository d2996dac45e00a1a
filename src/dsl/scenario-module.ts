/**
 * The scenario language's services, built the way Langium's own examples
 * build theirs: the generated module, then this language's additions
 * (scoping, validation, the protocol registry), injected over Langium's
 * defaults. The same factory serves the language server (pass a connection
 * and a file system), the CLI (a file system, no connection) and tests
 * (neither: EmptyFileSystem, so the pure core needs no `node:*`).
 */
import { EmptyFileSystem, inject, type Module } from 'langium';
import {
  createDefaultModule,
  createDefaultSharedModule,
  type DefaultSharedModuleContext,
  type LangiumServices,
  type LangiumSharedServices,
  type PartialLangiumServices,
} from 'langium/lsp';
import type { Protocol } from '../engine/protocol.js';
import { protocols as registry } from '../protocols/registry.js';
import { ScenarioDslGeneratedModule, ScenarioGeneratedSharedModule } from './generated/module.js';
import { ScenarioLexer } from './scenario-lexer.js';
import { ScenarioParserErrorMessageProvider } from './scenario-parse-errors.js';
import { ScenarioValueConverter } from './scenario-value-converter.js';
import { ScenarioDocumentValidator } from './scenario-document-validator.js';
import { ScenarioScopeProvider } from './scenario-scope.js';
import { registerValidators, ScenarioValidator } from './scenario-validator.js';
import { ScenarioCodeActionProvider } from './scenario-code-actions.js';
import { ScenarioCompletionProvider } from './scenario-completion.js';
import { ScenarioFormatter } from './scenario-formatter.js';
import { ScenarioHoverProvider } from './scenario-hover.js';
import { ScenarioReferencesProvider, ScenarioRenameProvider } from './scenario-references.js';
import { ScenarioSemanticTokenProvider } from './scenario-semantic-tokens.js';
import { ScenarioDocumentSymbolProvider } from './scenario-symbols.js';

/** Services this language adds to Langium's. */
export interface ScenarioAddedServices {
  protocols: { registry: ReadonlyMap<string, Protocol> };
  validation: { ScenarioValidator: ScenarioValidator };
}

export type ScenarioServices = LangiumServices & ScenarioAddedServices;

export function createScenarioModule(protocols: ReadonlyMap<string, Protocol>): Module<ScenarioServices, PartialLangiumServices & ScenarioAddedServices> {
  return {
    protocols: { registry: () => protocols },
    parser: {
      Lexer: (services) => new ScenarioLexer(services),
      ValueConverter: () => new ScenarioValueConverter(),
      ParserErrorMessageProvider: () => new ScenarioParserErrorMessageProvider(),
    },
    references: {
      ScopeProvider: (services) => new ScenarioScopeProvider(services),
    },
    validation: {
      ScenarioValidator: (services) => new ScenarioValidator(services),
      DocumentValidator: (services) => new ScenarioDocumentValidator(services),
    },
    lsp: {
      CompletionProvider: (services) => new ScenarioCompletionProvider(services),
      HoverProvider: (services) => new ScenarioHoverProvider(services),
      ReferencesProvider: (services) => new ScenarioReferencesProvider(services),
      RenameProvider: (services) => new ScenarioRenameProvider(services),
      DocumentSymbolProvider: (services) => new ScenarioDocumentSymbolProvider(services),
      Formatter: () => new ScenarioFormatter(),
      SemanticTokenProvider: (services) => new ScenarioSemanticTokenProvider(services),
      CodeActionProvider: () => new ScenarioCodeActionProvider(),
    },
  };
}

export interface ScenarioServicesContext {
  fileSystemProvider?: DefaultSharedModuleContext['fileSystemProvider'];
  connection?: DefaultSharedModuleContext['connection'];
}

/**
 * Build the shared and language services. `protocols` defaults to the
 * registry in src/protocols/registry.ts.
 */
export function createScenarioServices(
  context: ScenarioServicesContext = {},
  protocols: ReadonlyMap<string, Protocol> = registry,
): { shared: LangiumSharedServices; Scenario: ScenarioServices } {
  const shared = inject(
    createDefaultSharedModule({ fileSystemProvider: context.fileSystemProvider ?? EmptyFileSystem.fileSystemProvider, connection: context.connection }),
    ScenarioGeneratedSharedModule,
  );
  const Scenario = inject(createDefaultModule({ shared }), ScenarioDslGeneratedModule, createScenarioModule(protocols));
  shared.ServiceRegistry.register(Scenario);
  registerValidators(Scenario);
  if (!context.connection) {
    // No language client will configure the workspace: start with an empty one.
    shared.workspace.ConfigurationProvider.initialized({});
  }
  return { shared, Scenario };
}
