// "Learn OCCI": the requests behind a view and the server's answers, in JSON
// (as the console read them) and in text/plain (read on demand), with the
// changes made from the console, tokens and passwords masked.
import { useEffect, useState } from 'preact/hooks';
import { mask, type RawAnswer } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { exchangeText, pretty, type ExchangeLog } from './exchanges.js';
import { messageOf } from './format.js';
import { savedToken } from './session.js';

type Shown = 'json' | 'text';

function rawText(url: string, type: string, a: RawAnswer): string {
  const shown = ['content-type', 'link', 'location', 'x-occi-location', 'category', 'x-occi-attribute'];
  const headers = Object.entries(a.headers).filter(([n]) => shown.includes(n.toLowerCase()));
  return [`GET ${url}`, `Accept: ${type}`, `X-Auth-Token: ${mask(savedToken() ?? '')}`, '', `→ ${a.status}`, ...headers.map(([n, v]) => `${n}: ${v}`), '', pretty(a.body)].join('\n');
}

function Rendering({ url, cloud, log }: { url: string; cloud: Cloud; log: ExchangeLog }) {
  const [shown, setShown] = useState<Shown>('json');
  const [text, setText] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (shown !== 'text') return;
    let live = true;
    cloud.client.raw(url, 'text/plain').then(
      (a) => live && setText(rawText(url, 'text/plain', a)),
      (e: unknown) => live && setError(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [shown, url]);
  const json = log.lastRead(url);
  const body = shown === 'json' ? (json ? exchangeText(json) : 'Not read yet: it appears after the next refresh.') : (error ?? text ?? 'Reading…');
  return (
    <div class="learn-item">
      <div class="row" role="group" aria-label={`Rendering of ${url}`}>
        <button type="button" aria-pressed={shown === 'json'} onClick={() => setShown('json')}>
          application/occi+json
        </button>
        <button type="button" aria-pressed={shown === 'text'} onClick={() => setShown('text')}>
          text/plain
        </button>
      </div>
      <pre tabIndex={0} class="learn-text" data-rendering={shown}>
        {body}
      </pre>
    </div>
  );
}

export function Learn({ urls, cloud, log }: { urls: string[]; cloud: Cloud; log: ExchangeLog }) {
  const [open, setOpen] = useState(false);
  const [, redraw] = useState(0);
  useEffect(() => log.subscribe(() => redraw((n) => n + 1)), [log]);
  const writes = log.recentWrites();
  return (
    <details class="learn" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>Learn OCCI: the requests behind this view</summary>
      {open ? (
        <>
          <p>
            The console speaks OCCI to this server like any client: each view is a GET on a collection, an entity or the query interface. Here is what it sent and
            what came back, and the same in the text/plain rendering.
          </p>
          {urls.map((u) => (
            <Rendering key={u} url={u} cloud={cloud} log={log} />
          ))}
          <h3>Your last changes</h3>
          {writes.length === 0 ? (
            <p>None yet: what you create, change or delete shows here, request and answer.</p>
          ) : (
            writes.slice(0, 3).map((e, i) => (
              <pre key={`${i}-${e.url}`} tabIndex={0} class="learn-text">
                {exchangeText(e)}
              </pre>
            ))
          )}
        </>
      ) : null}
    </details>
  );
}
