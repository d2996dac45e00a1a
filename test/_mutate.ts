/**
 * Seeded text mutations for robustness tests: characters deleted, duplicated
 * and swapped, and random slices cut out — the kinds of broken text an editor
 * holds while someone types.
 */
export { mulberry32 } from './_random.js';

export function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let k = 0; k < edits && out.length > 1; k++) {
    const i = Math.floor(random() * out.length);
    switch (Math.floor(random() * 4)) {
      case 0: // delete a character
        out = out.slice(0, i) + out.slice(i + 1);
        break;
      case 1: // duplicate a character
        out = out.slice(0, i) + out[i] + out.slice(i);
        break;
      case 2: // swap two neighbours
        if (i + 1 < out.length) out = out.slice(0, i) + out[i + 1] + out[i] + out.slice(i + 2);
        break;
      default: {
        // cut a slice of up to 40 characters
        const len = 1 + Math.floor(random() * 40);
        out = out.slice(0, i) + out.slice(i + len);
      }
    }
  }
  return out;
}
