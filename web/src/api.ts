// One fetch wrapper: the session cookie goes along by itself; unsafe methods carry the CSRF header.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

function cookie(name: string): string {
  const m = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${name}=`));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : '';
}

export interface Options {
  method?: string;
  body?: unknown;
  yaml?: boolean;
  /** Send `body` as text of this type (a CSV import). */
  contentType?: string;
}

export async function api<T = any>(path: string, opts: Options = {}): Promise<T> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-hookflow-csrf'] = cookie('hookflow_csrf');
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = opts.contentType ?? (opts.yaml ? 'application/yaml' : 'application/json');
    body = opts.yaml || opts.contentType ? String(opts.body) : JSON.stringify(opts.body);
  }
  const res = await fetch(`/api/v1${path}`, { method, headers, body, credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const e = data?.error ?? {};
    if (res.status === 401 && path !== '/session') window.dispatchEvent(new Event('hookflow:signed-out'));
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText, e.details);
  }
  return data as T;
}

export const q = (params: Record<string, string | number | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const t = s.toString();
  return t ? `?${t}` : '';
};

export const enc = encodeURIComponent;
