/**
 * Toolbar building blocks: icon buttons (codicons, with a text tooltip that
 * names the key, and an aria-label), grouped so the toolbar reflows group by
 * group in a narrow column instead of breaking a group apart, and a small
 * menu button (the export menu). Commands come from shortcuts.ts, so a
 * button, its tooltip and its key can never disagree.
 */
import { h } from './dom.js';
import { DESCRIPTIONS, keyOf, type Command } from './shortcuts.js';

/** A codicon glyph (the font is loaded by the page: dist/codicon.css). */
export function codicon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** The tooltip of a command: what it does and its key. */
export function tooltipOf(command: Command, what = DESCRIPTIONS[command]): string {
  const key = keyOf(command);
  return key ? `${what} (${key})` : what;
}

export function iconButton(icon: string, command: Command, run: (c: Command) => void, options: { label?: string; text?: string; cls?: string } = {}): HTMLButtonElement {
  const tip = tooltipOf(command, options.label);
  const b = h('button', { type: 'button', class: `tool${options.cls ? ` ${options.cls}` : ''}`, title: tip, 'aria-label': tip, 'data-command': command },
    codicon(icon), options.text ? h('span', { class: 'tool-text' }, options.text) : null);
  b.addEventListener('click', () => run(command));
  return b;
}

/** A group of controls that wraps as one unit. */
export function group(label: string, ...children: (Node | null)[]): HTMLElement {
  return h('div', { class: 'tool-group', role: 'group', 'aria-label': label }, ...children);
}

export interface MenuItem { readonly id: string; readonly label: string; readonly icon: string }

/** A button that opens a list of items; `pick` gets the chosen id. Escape or a click elsewhere closes it. */
export function menuButton(icon: string, label: string, items: readonly MenuItem[], pick: (id: string) => void): HTMLElement {
  const button = h('button', { type: 'button', class: 'tool', title: label, 'aria-label': label, 'aria-haspopup': 'menu', 'aria-expanded': 'false' }, codicon(icon));
  const menu = h('div', { class: 'menu', role: 'menu', hidden: true });
  const close = (): void => { menu.hidden = true; button.setAttribute('aria-expanded', 'false'); };
  for (const item of items) {
    const entry = h('button', { type: 'button', class: 'menu-item', role: 'menuitem', 'data-item': item.id }, codicon(item.icon), h('span', {}, item.label));
    entry.addEventListener('click', () => { close(); pick(item.id); });
    menu.append(entry);
  }
  button.addEventListener('click', (ev) => {
    ev.stopPropagation();
    menu.hidden = !menu.hidden;
    button.setAttribute('aria-expanded', String(!menu.hidden));
    if (!menu.hidden) (menu.querySelector('button') as HTMLElement | null)?.focus();
  });
  document.addEventListener('click', (ev) => { if (!menu.contains(ev.target as Node)) close(); });
  menu.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.stopPropagation(); close(); button.focus(); }
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault(); ev.stopPropagation();
      const entries = [...menu.querySelectorAll<HTMLElement>('.menu-item')];
      const at = entries.indexOf(document.activeElement as HTMLElement);
      entries[(at + (ev.key === 'ArrowDown' ? 1 : entries.length - 1)) % entries.length]?.focus();
    }
  });
  return h('div', { class: 'menu-wrap' }, button, menu);
}
