/**
 * HTML pages for the trace viewer, built as plain strings (no node:*, no DOM),
 * so the CLI, the extension and tests share one implementation.
 *
 * - `renderStandaloneHtml`: one self-contained, offline page; the viewer
 *   bundle, its CSS and the trace JSON are inlined. Script and style carry a
 *   nonce and the page's CSP allows nothing else (no inline handlers, no eval,
 *   no network). Embedded text is escaped so that no sequence inside it can
 *   close its element: `<` in JSON becomes `\u003c` (still the same JSON
 *   value); `</script` and `<!--` in the bundle become `<\/script`, `<\!--`
 *   (the same JavaScript in strings, regexes and comments); `</style` in CSS
 *   becomes `<\/style` (a CSS escape of `/`).
 * - `renderWebviewHtml`: the page of a VS Code webview panel, loading the
 *   bundle and CSS by URI under the webview's `cspSource` and a nonce.
 */

export interface StandaloneHtmlOptions {
  /** The viewer bundle (dist/webview.js). */
  readonly bundleJs: string;
  /** The viewer's stylesheet (media/viewer.css). */
  readonly css: string;
  /** The codicon stylesheet with its font inlined (`inlineCodiconFont`); the toolbar's icons. */
  readonly iconCss?: string;
  /** The trace, as JSON text. */
  readonly trace: string;
  /** A second trace (JSON text): the page opens side by side. */
  readonly right?: string;
  readonly title: string;
  /** A fresh random nonce (letters and digits). */
  readonly nonce: string;
}

export interface WebviewHtmlOptions {
  readonly scriptUri: string;
  readonly cssUri: string;
  /** dist/codicon.css (its font next to it): the toolbar's icons. */
  readonly iconCssUri?: string;
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly title: string;
}

export const NONCE = /^[A-Za-z0-9+/=_-]{8,128}$/;

/** The start of every page here, up to its title: doctype, charset, the CSP, the viewport, the title (escaped). */
export function pageHead(csp: string, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>`;
}

/** Escapes text for an HTML text node or a double-quoted attribute (& < > "; a single quote is harmless there). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON text made safe inside `<script type="application/json">`. */
export function escapeJsonForScript(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The codicon stylesheet with its font as a data: URL, for a page that must
 * stand alone (the font is 125 kB; the page's CSP allows `font-src data:`).
 */
export function inlineCodiconFont(css: string, fontBase64: string): string {
  if (typeof css !== 'string' || typeof fontBase64 !== 'string') throw new TypeError('inlineCodiconFont: css and fontBase64 must be strings');
  return css.replace(/url\(["']?\.\/codicon\.ttf[^)"']*["']?\)/, `url("data:font/ttf;base64,${fontBase64}")`);
}

/** JavaScript made safe inside `<script>`. */
export function escapeJsForScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** CSS made safe inside `<style>`. */
export function escapeCssForStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`renderStandaloneHtml: ${name} must be a string`);
  return value;
}

export function renderStandaloneHtml(options: StandaloneHtmlOptions): string {
  const bundleJs = checkString('bundleJs', options.bundleJs);
  const css = checkString('css', options.css);
  const trace = checkString('trace', options.trace);
  const title = checkString('title', options.title);
  const nonce = checkString('nonce', options.nonce);
  if (!NONCE.test(nonce)) throw new RangeError('renderStandaloneHtml: nonce must be 8-128 letters, digits or +/=_-');
  if (options.right !== undefined) checkString('right', options.right);
  const iconCss = options.iconCss === undefined ? '' : checkString('iconCss', options.iconCss);
  const csp = `default-src 'none'; img-src data:; font-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
  const right = options.right === undefined ? ''
    : `<script type="application/json" id="trace-right">${escapeJsonForScript(options.right)}</script>\n`;
  return `${pageHead(csp, title)}
${iconCss ? `<style nonce="${nonce}">${escapeCssForStyle(iconCss)}</style>\n` : ''}<style nonce="${nonce}">${escapeCssForStyle(css)}</style>
</head>
<body class="standalone">
<div id="app"></div>
<script type="application/json" id="trace">${escapeJsonForScript(trace)}</script>
${right}<script nonce="${nonce}">${escapeJsForScript(bundleJs)}</script>
</body>
</html>
`;
}

export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const { scriptUri, cssUri, cspSource, nonce, title } = options;
  const icons = options.iconCssUri === undefined ? '' : `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeHtml(checkString('iconCssUri', options.iconCssUri))}">\n`;
  for (const [name, value] of Object.entries({ scriptUri, cssUri, cspSource, nonce, title })) checkString(name, value);
  if (!NONCE.test(nonce)) throw new RangeError('renderWebviewHtml: nonce must be 8-128 letters, digits or +/=_-');
  const csp = `default-src 'none'; img-src ${cspSource} data:; font-src ${cspSource}; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
  return `${pageHead(csp, title)}
${icons}<link rel="stylesheet" href="${escapeHtml(cssUri)}">
</head>
<body class="webview">
<div id="app"></div>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
