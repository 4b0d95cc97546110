import { useState, type FormEvent } from 'react';
import { api } from './api';
import { ErrorBox } from './ui';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('/session', { body: { token: token.trim() } });
      setToken('');
      onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Hookflow</h1>
        <p className="muted">Paste an API token. It is kept in an HttpOnly session cookie, never in the page.</p>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        <ErrorBox error={error} />
        <button type="submit" disabled={busy || !token.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
