/**
 * Authentication of REST requests: bearer token, basic credentials or an API key in a header
 * or the query string.
 */
import type { RestAuth } from './rest-config.ts';

/** Adds the credentials to a request's URL or headers. */
export function applyAuth(auth: RestAuth | undefined, url: URL, headers: Headers): void {
  if (!auth) return;
  switch (auth.type) {
    case 'bearer':
      headers.set('authorization', `Bearer ${auth.token}`);
      break;
    case 'basic':
      headers.set('authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`);
      break;
    case 'api_key':
      if (auth.query) url.searchParams.set(auth.query, auth.value);
      else headers.set(auth.header ?? 'x-api-key', auth.value);
      break;
  }
}

/** Query parameters that carry a secret under this auth, masked wherever a URL is shown. */
export function secretQueryParams(auth: RestAuth | undefined): string[] {
  return auth?.type === 'api_key' && auth.query ? [auth.query] : [];
}
