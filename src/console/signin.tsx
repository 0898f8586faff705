// Sign in with a token, or (on the OpenStack backend) with a user name,
// password and project that the server exchanges for a token at Keystone.
import { useEffect, useState } from 'preact/hooks';
import type { OcciClient } from '../client/index.js';
import type { ExchangeLog } from './exchanges.js';
import { messageOf } from './format.js';
import { keystoneOffered, passwordToken, signInWithToken } from './session.js';

export function SignIn({ log, onSignedIn, notice }: { log: ExchangeLog; onSignedIn: (c: OcciClient) => void; notice?: string | undefined }) {
  const [token, setToken] = useState('');
  const [user, setUser] = useState({ username: '', password: '', project: '', domain: '' });
  const [keystone, setKeystone] = useState(false);
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void keystoneOffered().then(setKeystone);
  }, []);
  const attempt = async (e: Event, get: () => Promise<string>): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signInWithToken(await get(), log.add));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
      setUser((u) => ({ ...u, password: '' }));
    }
  };
  const field = (name: keyof typeof user, label: string, type = 'text', autocomplete = 'off') => (
    <label>
      {label}
      <input type={type} autoComplete={autocomplete} value={user[name]} required={name === 'username' || name === 'password'} onInput={(e) => setUser({ ...user, [name]: (e.currentTarget as HTMLInputElement).value })} />
    </label>
  );
  return (
    <main class="signin" id="main">
      <h1>Sign in to snf-occi</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <form class="card form" aria-label="Sign in with a token" onSubmit={(e) => void attempt(e, async () => token.trim())}>
        <h2>With a token</h2>
        <label>
          Token
          <input type="password" autoComplete="off" required value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <p class="hint">
          On the embedded cloud, <code>npx snf-occi token</code> prints it; on OpenStack, <code>openstack token issue -f value -c id</code>.
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {keystone ? (
        <form
          class="card form"
          aria-label="Sign in with a password"
          onSubmit={(e) => void attempt(e, () => passwordToken({ username: user.username.trim(), password: user.password, project: user.project.trim(), domain: user.domain.trim() }))}
        >
          <h2>With your OpenStack password</h2>
          {field('username', 'User name', 'text', 'username')}
          {field('password', 'Password', 'password', 'current-password')}
          {field('project', 'Project')}
          {field('domain', 'Domain (if not Default)')}
          <p class="hint">snf-occi asks the cloud's Keystone for a token and forgets the password.</p>
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      ) : null}
      <p class="hint">The token stays in this tab only and is forgotten when you sign out or close it.</p>
    </main>
  );
}
