/**
 * The scenario language's public surface: the services factory (language
 * server, CLI, tests), the compiler to ScenarioSpec, and text-level helpers.
 * See docs/scenario-language.md for the language itself.
 */
export { createScenarioServices, createScenarioModule, type ScenarioServices, type ScenarioAddedServices, type ScenarioServicesContext } from './scenario-module.js';
export {
  compile, diagnosticsOf, parseAndCompile, toDiagnostic, validateText,
  type CompareSpec, type CompiledFile, type CompileOptions, type CompileResult, type Diagnostic, type ParseOptions, type SweepSpec,
} from './compile.js';
export { ScenarioValidator, registerValidators } from './scenario-validator.js';
export { resolveImport, visibleUris } from './scenario-scope.js';
export { matchTemplate, parseTemplate, type TemplatePart, type ArgToken } from './_template.js';
export { formatDuration, parseDuration, parsePercent } from './_units.js';
