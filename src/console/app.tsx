// The console: signed in or not, the navigation, the current view (from the
// URL's hash), the cloud's refresh status and the confirmation dialog.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { OcciClient } from '../client/index.js';
import { Cloud } from './cloud.js';
import { ConfirmDialog } from './components.js';
import { ExchangeLog } from './exchanges.js';
import { messageOf } from './format.js';
import { forgetToken, savedToken, signInWithToken } from './session.js';
import { SignIn } from './signin.js';
import { TagsView } from './tags.js';
import { ComputesView } from './views/computes.js';
import { DetailView } from './views/detail.js';
import { GraphView } from './views/graph.js';
import { NetworksView } from './views/networks.js';
import { OverviewView } from './views/overview.js';
import { StorageView } from './views/storage.js';

const VIEWS = [
  ['overview', 'Overview'],
  ['computes', 'Computes'],
  ['storage', 'Storage'],
  ['networks', 'Networks'],
  ['graph', 'Graph'],
  ['tags', 'Tags'],
] as const;

interface Route {
  view: string;
  url?: string;
}

function parseRoute(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, '').split('?');
  if (path === 'detail') {
    const url = new URLSearchParams(query ?? '').get('u') ?? '';
    // Only this server's entities are opened.
    if (url.startsWith(`${location.origin}/`)) return { view: 'detail', url };
  }
  return { view: VIEWS.some(([v]) => v === path) ? (path as string) : 'overview' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Signed({ cloud, log, onSignOut }: { cloud: Cloud; log: ExchangeLog; onSignOut: () => void }) {
  const route = useRoute();
  const [, redraw] = useState(0);
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    const off = cloud.subscribe(() => redraw((n) => n + 1));
    cloud.start();
    return () => {
      off();
      cloud.stop();
    };
  }, [cloud]);
  useEffect(() => {
    // A new view: focus its heading, so keyboard and screen reader users start there.
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.view, route.url, cloud.state.loaded]);
  const s = cloud.state;
  const title = VIEWS.find(([v]) => v === route.view)?.[1];
  const props = { cloud, log };
  return (
    <>
      <header class="top">
        <a class="brand" href="#/overview">
          snf-occi
        </a>
        <nav aria-label="Views">
          {VIEWS.map(([v, label]) => (
            <a key={v} href={`#/${v}`} aria-current={route.view === v ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button type="button" class="signout" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={main}>
        {title ? (
          <h1 tabIndex={-1} class="view-title">
            {title}
          </h1>
        ) : null}
        {s.error ? (
          <p class="error" role="alert">
            Could not read the cloud: {s.error}
          </p>
        ) : null}
        {!s.loaded ? (
          <p aria-live="polite">Reading the cloud…</p>
        ) : route.view === 'detail' && route.url ? (
          <DetailView {...props} url={route.url} />
        ) : route.view === 'computes' ? (
          <ComputesView {...props} />
        ) : route.view === 'storage' ? (
          <StorageView {...props} />
        ) : route.view === 'networks' ? (
          <NetworksView {...props} />
        ) : route.view === 'graph' ? (
          <GraphView {...props} />
        ) : route.view === 'tags' ? (
          <TagsView {...props} />
        ) : (
          <OverviewView {...props} />
        )}
      </main>
      <ConfirmDialog />
    </>
  );
}

export function App() {
  const log = useMemo(() => new ExchangeLog(), []);
  const [client, setClient] = useState<OcciClient>();
  const [notice, setNotice] = useState<string>();
  const [checking, setChecking] = useState(savedToken() !== undefined);
  useEffect(() => {
    const token = savedToken();
    if (!token) return;
    signInWithToken(token, log.add).then(setClient, (e: unknown) => {
      forgetToken();
      setNotice(messageOf(e));
    }).finally(() => setChecking(false));
  }, []);
  const signOut = (message?: string): void => {
    forgetToken();
    setClient(undefined);
    setNotice(message);
  };
  const cloud = useMemo(() => (client ? new Cloud(client, (m) => signOut(`The server no longer accepts your token (${m}); sign in again.`)) : undefined), [client]);
  if (checking) return <p class="boot">Signing in…</p>;
  if (!cloud) return <SignIn log={log} notice={notice} onSignedIn={setClient} />;
  return <Signed cloud={cloud} log={log} onSignOut={() => signOut()} />;
}
