// What the computes, storage and networks views share: a New button opening
// the kind's form, the tag filter, errors in place, the table (or a word when
// it is empty) and the Learn OCCI panel.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Entity } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { ErrorNote, StateBadge } from './components.js';
import type { ExchangeLog } from './exchanges.js';
import { collectionOf } from './format.js';
import { Learn } from './learn.js';
import { EntityTable, type Column } from './table.js';
import { TagFilter, withTag } from './tags.js';

type OnError = (m: string | undefined) => void;

interface KindViewProps {
  cloud: Cloud;
  log: ExchangeLog;
  /** The kind's term (compute, storage, network) and what people call one (compute, volume, network). */
  kind: string;
  noun: string;
  caption: string;
  rows: Entity[];
  form: (done: () => void) => ComponentChildren;
  /** Columns after the title and state. */
  columns: (onError: OnError) => Column[];
  skip?: string[];
  extra?: (e: Entity, onError: OnError) => ComponentChildren;
}

export function KindView({ cloud, log, kind, noun, caption, rows, form, columns, skip, extra }: KindViewProps) {
  const [creating, setCreating] = useState(false);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string>();
  const s = cloud.state;
  const shown = withTag(rows, tag);
  const state: Column = { label: 'state', cell: (e) => <StateBadge entity={e} pending={s.pending.get(e.location)} /> };
  return (
    <>
      <div class="toolbar">
        <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
          New {noun}
        </button>
        <TagFilter cloud={cloud} value={tag} onChange={setTag} />
      </div>
      {creating ? form(() => setCreating(false)) : null}
      <ErrorNote message={error} />
      {shown.length === 0 ? (
        <p>{tag ? `No ${noun} carries this tag.` : `No ${noun}s yet: create one with “New ${noun}”.`}</p>
      ) : (
        <EntityTable
          caption={caption}
          rows={shown}
          cloud={cloud}
          onError={setError}
          columns={[state, ...columns(setError)]}
          {...(skip ? { skip } : {})}
          {...(extra ? { extra: (e: Entity) => extra(e, setError) } : {})}
        />
      )}
      <Learn urls={[collectionOf(s.discovery, kind)].filter((u): u is string => !!u)} cloud={cloud} log={log} />
    </>
  );
}
