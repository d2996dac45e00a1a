/**
 * The viewer's Export menu: what is on screen, as a file. SVG, Mermaid and
 * ShiViz come from the pure exporters (src/trace/export) with the diagram's
 * window and filters; PNG is the canvas itself. The host saves the file
 * (a download on a page, a save dialog in VS Code).
 */
import { EXPORT_FORMATS, exportFileName, exportMermaid, exportShiviz, exportSvg, type ExportFormat } from '../src/trace/export/index.js';
import type { Periodic } from '../src/trace/periodic.js';
import type { TraceModel } from '../src/trace/spacetime.js';
import type { Diagram, DiagramFilter } from './diagram.js';

export { EXPORT_FORMATS, type ExportFormat };

export interface ExportInput {
  readonly model: TraceModel;
  readonly periodic: Periodic;
  readonly diagram: Diagram;
  readonly filter: DiagramFilter;
}

export function exportDiagram(format: ExportFormat, input: ExportInput): { name: string; content: { text: string } | { base64: string } } {
  const { model, periodic, diagram, filter } = input;
  const name = exportFileName(model.doc.scenario.name, model.doc.scenario.seed, format);
  switch (format) {
    case 'svg': return { name, content: { text: exportSvg(model, { view: diagram.view, filter, periodic, colours: diagram.colours }) } };
    case 'png': return { name, content: { base64: diagram.toPng().replace(/^data:image\/png;base64,/, '') } };
    case 'mermaid': return { name, content: { text: exportMermaid(model, { periodic, hiddenTypes: filter.hiddenTypes, hidePeriodic: filter.hidePeriodic, view: diagram.view }) } };
    case 'shiviz': return { name, content: { text: exportShiviz(model) } };
  }
}
