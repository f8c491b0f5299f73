/**
 * RFC 8288 `Link` headers, as GitHub and many other APIs page with:
 * `<https://api.example.com/items?page=2>; rel="next", <...>; rel="last"`.
 */

/** The URL of the link with relation `rel` (default `next`), resolved against `base`; undefined when absent. */
export function linkFromHeader(header: string | null | undefined, base: string, rel = 'next'): string | undefined {
  if (!header) return undefined;
  // Commas may appear inside <...>, so match whole link-values rather than splitting on commas.
  const linkValue = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;
  for (const match of header.matchAll(linkValue)) {
    const params = match[2] ?? '';
    const relParam = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rels = (relParam?.[1] ?? relParam?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes(rel.toLowerCase())) return new URL(match[1] as string, base).toString();
  }
  return undefined;
}
