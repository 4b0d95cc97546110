// One connection: a form per type and auth type (secrets write-only), test, OAuth2 connect, and
// the three-step test-request wizard.
import { useEffect, useState, type FormEvent } from 'react';
import { api, enc } from '../api';
import { Link, navigate, useLocation } from '../router';
import { ErrorBox, Json, Page, useAction, useCan, useLoad } from '../ui';
import type { ConnectionView } from './Connections';
import { FourmeInbound } from './FourmeInbound';
import { jsonField } from '../errorWords';

type AuthSpec = Record<string, { label: string; config: Array<[string, string]>; secrets: Array<[string, string]> }>;
const HTTP_AUTH: AuthSpec = {
  none: { label: 'None', config: [], secrets: [] },
  basic: { label: 'Basic', config: [['username', 'User name']], secrets: [['password', 'Password']] },
  bearer: { label: 'Bearer token', config: [], secrets: [['token', 'Token']] },
  header: { label: 'API key in a header', config: [['header', 'Header name'], ['prefix', 'Value prefix']], secrets: [['token', 'API key']] },
  query: { label: 'API key in the query', config: [['param', 'Parameter name']], secrets: [['token', 'API key']] },
  oauth2_client_credentials: { label: 'OAuth2 client credentials', config: [['token_url', 'Token URL'], ['client_id', 'Client ID'], ['scopes', 'Scopes (space-separated)']], secrets: [['client_secret', 'Client secret']] },
  oauth2_authorization_code: { label: 'OAuth2 authorization code', config: [['authorization_url', 'Authorization URL'], ['token_url', 'Token URL'], ['client_id', 'Client ID'], ['scopes', 'Scopes (space-separated)']], secrets: [['client_secret', 'Client secret']] },
  custom: { label: 'Custom headers (secret)', config: [], secrets: [] },
};
// A 4me connection signs in with an OAuth client (client credentials) or a personal access token.
const FOURME_AUTH: AuthSpec = {
  oauth_client_credentials: { label: 'OAuth client credentials', config: [], secrets: [['client_id', 'Client ID'], ['client_secret', 'Client secret']] },
  personal_access_token: { label: 'Personal access token', config: [], secrets: [['token', 'Token']] },
};
const authOf = (type: string) => (type === '4me' ? FOURME_AUTH : HTTP_AUTH);
/** The request's field keys and the catalog's paths, as this page labels them. */
const LABELS = { 'connection name': 'Name', name: 'Name', type: 'Type', 'config.account': 'Account', account: 'Account', 'config.domain': 'Domain', domain: 'Domain', 'config.base_url': 'Base URL', base_url: 'Base URL', 'config.auth': 'Authentication', 'config.auth.type': 'Authentication', 'config.auth.username': 'User name', 'config.auth.header': 'Header name', 'config.auth.param': 'Parameter name', 'config.auth.token_url': 'Token URL', 'config.auth.authorization_url': 'Authorization URL', 'config.auth.client_id': 'Client ID', 'config.auth.scopes': 'Scopes', 'config.test': 'Test request path', 'secret.password': 'Password', 'secret.token': 'Token', 'secret.client_id': 'Client ID', 'secret.client_secret': 'Client secret', url: 'URL', method: 'Method', headers: 'Headers', body: 'Body', 'apply.step_id': 'Step id', recipe: 'Recipe', step_id: 'Step id' };
const TYPES: Array<[string, string]> = [['http', 'HTTP API'], ['4me', '4me / Xurrent']];

export default function Connection({ name }: { name?: string }) {
  const isNew = !name;
  const editor = useCan('editor');
  const conn = useLoad(async () => (isNew ? null : api<ConnectionView>(`/connections/${enc(name!)}`)), [name]);
  const [form, setForm] = useState({ name: '', type: 'http', base_url: '', auth: 'none', authCfg: {} as Record<string, string>, secrets: {} as Record<string, string>, privateNet: false, testPath: '', extra: '{}', customHeaders: '', account: '', domain: '' });
  const act = useAction();
  const test = useAction();
  const [testResult, setTestResult] = useState<any>(null);
  // The OAuth2 callback sends the browser back here with the outcome of "Connect".
  const { query } = useLocation();
  const oauth = query.get('oauth');
  const oauthError = query.get('oauth_error');

  useEffect(() => {
    const c = conn.data;
    if (!c) return;
    const { base_url, auth, private_network, test: t, ...other } = c.config;
    const { account, domain, ...rest } = c.type === '4me' ? other : { ...other, account: undefined, domain: undefined };
    const authCfg: Record<string, string> = {};
    for (const [k, v] of Object.entries(auth ?? {})) if (k !== 'type') authCfg[k] = Array.isArray(v) ? v.join(' ') : String(v);
    const authType = auth?.type ?? (c.type === '4me' ? 'oauth_client_credentials' : 'none');
    setForm({ name: c.name, type: c.type, base_url: base_url ?? '', auth: authType, authCfg, secrets: {}, privateNet: !!private_network, testPath: t?.path ?? '', extra: JSON.stringify(rest, null, 2), customHeaders: '', account: account ?? '', domain: domain ?? '' });
  }, [conn.data]);

  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const fourme = form.type === '4me';
  const auths = authOf(form.type);
  const spec = auths[form.auth] ?? Object.values(auths)[0]!;
  const isSet = (k: string) => conn.data?.secret_fields.includes(k);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const extra = form.extra.trim() ? jsonField(form.extra, 'Other configuration') as Record<string, unknown> : {};
      const auth: Record<string, unknown> = { type: form.auth };
      for (const [k] of spec.config) {
        const v = form.authCfg[k]?.trim();
        if (v) auth[k] = k === 'scopes' ? v.split(/\s+/) : v;
      }
      const config: Record<string, unknown> = fourme
        ? { ...extra, account: form.account.trim(), ...(form.domain.trim() ? { domain: form.domain.trim() } : {}), ...(form.base_url ? { base_url: form.base_url } : {}), auth: { type: form.auth }, ...(form.privateNet ? { private_network: true } : {}) }
        : { ...extra, ...(form.base_url ? { base_url: form.base_url } : {}), ...(form.auth !== 'none' ? { auth } : {}), ...(form.privateNet ? { private_network: true } : {}), ...(form.testPath ? { test: { path: form.testPath } } : {}) };
      const secrets: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(form.secrets)) if (v) secrets[k] = v;
      if (form.auth === 'custom' && form.customHeaders.trim()) secrets.headers = jsonField(form.customHeaders, 'Secret headers');
      const body = { ...(isNew ? { name: form.name, type: form.type } : {}), config, ...(Object.keys(secrets).length ? { secrets } : {}) };
      const saved = isNew ? await api<ConnectionView>('/connections', { body }) : await api<ConnectionView>(`/connections/${enc(name!)}`, { method: 'PATCH', body });
      set({ secrets: {} });
      if (isNew) navigate(`/connections/${enc(saved.name)}`, true);
      else conn.set(saved);
    });
  };
  const runTest = () => test.run(async () => setTestResult(await api(`/connections/${enc(name!)}/${fourme ? '4me/test' : 'test'}`, { method: 'POST' })));
  const connect = () => act.run(async () => {
    const r = await api<{ authorization_url: string }>(`/connections/${enc(name!)}/oauth/authorize`);
    window.location.assign(r.authorization_url);
  });
  const remove = () => act.run(async () => {
    if (!confirm(`Delete connection ${name}?`)) return;
    await api(`/connections/${enc(name!)}`, { method: 'DELETE' });
    navigate('/connections');
  });

  return (
    <Page title={isNew ? 'New connection' : `Connection ${name}`} actions={!isNew && editor && (
      <>
        <button type="button" className="secondary" onClick={runTest} disabled={test.busy}>Test connection</button>
        {form.auth === 'oauth2_authorization_code' && <button type="button" onClick={connect} disabled={act.busy}>Connect</button>}
        <button type="button" className="danger" onClick={remove} disabled={act.busy}>Delete</button>
      </>
    )}>
      <ErrorBox error={conn.error ?? act.error ?? test.error} labels={LABELS} />
      {oauth === 'authorized' && <p role="status" className="ok">Connected: the provider granted access and the token is stored.</p>}
      {oauthError && <div role="alert" className="error">Connect failed: {oauthError}</div>}
      {testResult && (
        <div role="status" className={testResult.ok ? 'ok' : 'error'}>
          {`${testResult.ok ? 'Connection works' : 'Connection failed'}${testResult.status ? `: HTTP ${testResult.status}` : ''}${testResult.me ? `: signed in as ${testResult.me.name ?? testResult.me.id} in account ${testResult.account}` : ''}`} {testResult.url && <code>{testResult.url}</code>}
          {testResult.error && <Json value={testResult.error} />}
        </div>
      )}
      <form className="form" onSubmit={submit} aria-label="Connection">
        <fieldset disabled={!editor} className="form">
          {isNew && (
            <div className="row">
              <label>Name<input required pattern="[a-z0-9][a-z0-9_-]*" value={form.name} onChange={(e) => set({ name: e.target.value })} /></label>
              <label>Type
                <select required value={form.type} onChange={(e) => set({ type: e.target.value, auth: Object.keys(authOf(e.target.value))[0]!, authCfg: {}, secrets: {} })}>
                  {TYPES.map(([t, label]) => <option key={t} value={t}>{label}</option>)}
                </select>
              </label>
            </div>
          )}
          {fourme && (
            <div className="row">
              <label>Account<input required value={form.account} pattern="[A-Za-z0-9][A-Za-z0-9-]*" onChange={(e) => set({ account: e.target.value })} placeholder="mycompany" /></label>
              <label>Domain<input value={form.domain} onChange={(e) => set({ domain: e.target.value })} placeholder="4me.com, au.4me.com, xurrent.com, 4me.qa…" /></label>
            </div>
          )}
          <label>{fourme ? 'Base URL (optional: the sandbox or a proxy)' : 'Base URL'}<input type="url" value={form.base_url} onChange={(e) => set({ base_url: e.target.value })} placeholder={fourme ? 'http://127.0.0.1:4444' : 'https://api.example.com'} /></label>
          <label>Authentication
            <select value={form.auth} onChange={(e) => set({ auth: e.target.value })}>
              {Object.entries(auths).map(([k, a]) => <option key={k} value={k}>{a.label}</option>)}
            </select>
          </label>
          {spec.config.map(([k, label]) => <label key={k}>{label}<input value={form.authCfg[k] ?? ''} onChange={(e) => set({ authCfg: { ...form.authCfg, [k]: e.target.value } })} /></label>)}
          {spec.secrets.map(([k, label]) => (
            <label key={k}>{label} <span className="muted">(write-only{isSet(k) ? '; set — type to replace' : ''})</span>
              <input type="password" autoComplete="new-password" value={form.secrets[k] ?? ''} placeholder={isSet(k) ? '••••••••' : ''} onChange={(e) => set({ secrets: { ...form.secrets, [k]: e.target.value } })} />
            </label>
          ))}
          {form.auth === 'custom' && <label>Secret headers (JSON, write-only)<textarea rows={3} value={form.customHeaders} onChange={(e) => set({ customHeaders: e.target.value })} placeholder='{"X-Api-Key": "…"}' /></label>}
          <label className="check"><input type="checkbox" checked={form.privateNet} onChange={(e) => set({ privateNet: e.target.checked })} /> Allow private network addresses (on-premise APIs)</label>
          {!fourme && <label>Test request path<input value={form.testPath} onChange={(e) => set({ testPath: e.target.value })} placeholder="/health (default: the base URL)" /></label>}
          <label>Other configuration (JSON)<textarea rows={4} value={form.extra} onChange={(e) => set({ extra: e.target.value })} /></label>
          <div><button type="submit" disabled={act.busy}>{isNew ? 'Create connection' : 'Save connection'}</button></div>
        </fieldset>
      </form>
      {!isNew && conn.data?.type === '4me' && <FourmeInbound name={conn.data.name} />}
      {!isNew && conn.data && conn.data.type !== '4me' && editor && <Wizard connection={conn.data} />}
    </Page>
  );
}

function Wizard({ connection }: { connection: ConnectionView }) {
  const [step, setStep] = useState(1);
  const [req, setReq] = useState({ name: '', method: 'GET', url: '', headers: '', body: '' });
  const [answer, setAnswer] = useState<any>(null);
  const [apply, setApply] = useState({ recipe: '', step_id: '' });
  const [applied, setApplied] = useState<any>(null);
  const recipes = useLoad(() => api<{ items: Array<{ name: string }> }>('/recipes'), []);
  const act = useAction();
  const body = () => ({
    url: req.url, method: req.method, ...(req.name ? { name: req.name } : {}),
    ...(req.headers.trim() ? { headers: jsonField(req.headers, 'Headers') } : {}),
    ...(req.body.trim() ? { body: jsonField(req.body, 'Body') } : {}),
  });
  const send = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      setAnswer(await api(`/connections/${enc(connection.name)}/test-request`, { body: body() }));
      setStep(2);
    });
  };
  const doApply = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const r = await api(`/connections/${enc(connection.name)}/test-request`, { body: { ...body(), apply: { recipe: apply.recipe, draft: true, ...(apply.step_id ? { step_id: apply.step_id } : {}) } } });
      if (!r.applied) throw new Error(`The request answered HTTP ${r.response?.status}; only a successful request is applied`);
      setApplied(r.applied);
    });
  };
  const steps = ['Method and URL', 'Request and response', 'Apply to a recipe'];
  return (
    <section className="panel wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title">Test request</h2>
      <ol className="stepper">{steps.map((s, i) => <li key={s} aria-current={step === i + 1 ? 'step' : undefined}>{i + 1}. {s}</li>)}</ol>
      <ErrorBox error={act.error} labels={LABELS} />
      {step === 1 && (
        <form className="form" onSubmit={send} aria-label="Method and URL">
          <div className="row">
            <label>Method<select value={req.method} onChange={(e) => setReq({ ...req, method: e.target.value })}>{['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].map((m) => <option key={m}>{m}</option>)}</select></label>
            <label style={{ flex: 1 }}>URL<input required value={req.url} onChange={(e) => setReq({ ...req, url: e.target.value })} placeholder={connection.config.base_url ? `${connection.config.base_url}/path or /path` : 'https://…'} /></label>
          </div>
          <label>Step name (optional)<input value={req.name} onChange={(e) => setReq({ ...req, name: e.target.value })} /></label>
          <label>Headers (JSON, optional)<textarea rows={2} value={req.headers} onChange={(e) => setReq({ ...req, headers: e.target.value })} /></label>
          {!['GET', 'HEAD'].includes(req.method) && <label>Body (JSON, optional)<textarea rows={3} value={req.body} onChange={(e) => setReq({ ...req, body: e.target.value })} /></label>}
          <div><button type="submit" disabled={act.busy}>Send request</button></div>
        </form>
      )}
      {step === 2 && answer && (
        <div>
          <p><strong>{answer.request.method}</strong> <code>{answer.request.url}</code> → <span className={answer.ok ? 'st-ok' : 'st-failed'} data-testid="response-status">HTTP {answer.response.status}</span> <span className="muted">{answer.response.timing?.total_ms !== undefined ? `${answer.response.timing.total_ms} ms` : ''}</span></p>
          <details><summary>Response headers</summary><Json value={answer.response.headers} /></details>
          <h3>Response body</h3><Json value={answer.response.body} label="Response body" />
          <h3>Suggested step</h3><Json value={answer.suggested_step} label="Suggested step" />
          <div className="actions"><button type="button" className="secondary" onClick={() => setStep(1)}>Back</button><button type="button" onClick={() => setStep(3)} disabled={!answer.ok}>Next</button></div>
        </div>
      )}
      {step === 3 && (
        <form className="form" onSubmit={doApply} aria-label="Apply to a recipe">
          <label>Recipe<select required value={apply.recipe} onChange={(e) => setApply({ ...apply, recipe: e.target.value })}>
            <option value="">Choose a recipe</option>
            {recipes.data?.items.map((r) => <option key={r.name}>{r.name}</option>)}
          </select></label>
          <label>Step id (optional)<input value={apply.step_id} pattern="[a-z_][a-z0-9_]*" onChange={(e) => setApply({ ...apply, step_id: e.target.value })} /></label>
          <div className="actions"><button type="button" className="secondary" onClick={() => setStep(2)}>Back</button><button type="submit" disabled={act.busy || !apply.recipe}>Apply as a step</button></div>
          {applied && <p role="status" className="ok">Added step <code>{applied.step_id}</code> to the draft of <Link to={`/recipes/${enc(applied.recipe)}`}>{applied.recipe}</Link> — publish it in the editor.</p>}
        </form>
      )}
    </section>
  );
}
