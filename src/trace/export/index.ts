/**
 * Exporters: a trace as an SVG space-time diagram, a Mermaid sequence
 * diagram or a ShiViz log (vector clocks). All pure (text in, text out), used
 * by the CLI (`protocol-playground export`) and the viewer's Export menu.
 * PNG is not here: it needs a rasterizer, so the viewer takes its canvas and
 * the CLI hands the SVG to headless Chromium (src/cli/png.ts).
 */
export { exportSvg, escapeXml, type SvgOptions } from './svg.js';
export { exportMermaid, mermaidText, type MermaidOptions } from './mermaid.js';
export { exportShiviz, SHIVIZ_REGEX } from './shiviz.js';

export type ExportFormat = 'svg' | 'png' | 'mermaid' | 'shiviz';

export const EXPORT_FORMATS: readonly { readonly id: ExportFormat; readonly label: string; readonly extension: string; readonly icon: string }[] = [
  { id: 'svg', label: 'Diagram as SVG', extension: '.svg', icon: 'file-media' },
  { id: 'png', label: 'Diagram as PNG', extension: '.png', icon: 'device-camera' },
  { id: 'mermaid', label: 'Mermaid sequence diagram', extension: '.mmd', icon: 'markdown' },
  { id: 'shiviz', label: 'ShiViz log (vector clocks)', extension: '.shiviz.log', icon: 'list-flat' },
];

/** A file name for an export: the scenario's name, its seed, the format's extension. */
export function exportFileName(scenario: string, seed: number, format: ExportFormat): string {
  const slug = scenario.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'trace';
  return `${slug}.seed-${seed}${EXPORT_FORMATS.find((f) => f.id === format)!.extension}`;
}
