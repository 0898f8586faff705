// Where a page of a collection lies, in headers (RFC 8288 web links): the
// first, previous and next pages, the last one and the total when the backend
// knows the total cheaply. Other query parameters (filters) are kept.
import type { Paging } from '../operations/result.js';

function pageUrl(base: string, path: string, query: URLSearchParams, page: number, number: number): string {
  const q = new URLSearchParams(query);
  q.set('page', String(page));
  q.set('number', String(number));
  return `${base}${path}?${q.toString()}`;
}

export function pagingHeaders(base: string, path: string, query: URLSearchParams, paging: Paging | undefined): Record<string, string> {
  if (!paging) return {};
  const { page, number, more, total } = paging;
  const link = (p: number, rel: string): string => `<${pageUrl(base, path, query, p, number)}>; rel="${rel}"`;
  const links = [link(1, 'first')];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (more) links.push(link(page + 1, 'next'));
  const headers: Record<string, string> = {};
  if (total !== undefined) {
    links.push(link(Math.max(1, Math.ceil(total / number)), 'last'));
    headers['X-Total-Count'] = String(total);
  }
  headers['Link'] = links.join(', ');
  return headers;
}
