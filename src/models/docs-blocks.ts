/**
 * Docs blocks (`{% docs orders_status %}...{% enddocs %}` in `.md` files of the model folders),
 * which descriptions pull in with `{{ doc('orders_status') }}`.
 */
import { ValidationError } from '../core/errors.ts';

const DOCS_BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** Adds the docs blocks of one file to `into`; a name defined twice is an error. */
export function collectDocsBlocks(text: string, file: string, into: Map<string, { text: string; file: string }>): void {
  for (const match of text.matchAll(DOCS_BLOCK)) {
    const name = match[1] as string;
    const other = into.get(name);
    if (other) throw new ValidationError(`${file}: docs block '${name}' is already defined in ${other.file}`);
    into.set(name, { text: (match[2] ?? '').trim(), file });
  }
}
