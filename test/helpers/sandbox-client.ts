/**
 * A client of the 4me sandbox for tests: GraphQL as a 4me user (throws on `errors`) and the REST
 * webhooks API, both with the sandbox's token.
 */
export interface SandboxRest { status: number; body: any; location: string | null }

export function sandboxClient(url: () => string, account = 'wdc') {
  const gql = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const r = await fetch(`${url()}/graphql`, { method: 'POST', headers: { authorization: 'Bearer sandbox-token', 'x-4me-account': account, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const j = (await r.json()) as { data: any; errors?: unknown };
    if (j.errors) throw new Error(JSON.stringify(j.errors));
    return j.data;
  };
  const rest = async (method: string, path: string, body?: unknown): Promise<SandboxRest> => {
    const r = await fetch(`${url()}/v1${path}`, { method, headers: { authorization: `Basic ${Buffer.from('sandbox-token:x').toString('base64')}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as any), location: r.headers.get('location') };
  };
  return { gql, rest };
}
