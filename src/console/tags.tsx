// Tags are user-defined mixins: listed, defined and deleted in the query
// interface; entities are tagged and untagged from the tables; tables filter
// by tag.
import { useState } from 'preact/hooks';
import type { CategoryInfo, Entity } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { confirm, ErrorNote } from './components.js';
import type { ExchangeLog } from './exchanges.js';
import { messageOf, titleOf } from './format.js';
import { Field, FormCard } from './form.js';
import { Learn } from './learn.js';

const tagName = (t: CategoryInfo): string => t.title ?? t.term;

export function TagCell({ entity, cloud, onError }: { entity: Entity; cloud: Cloud; onError: (m: string | undefined) => void }) {
  const tags = cloud.state.discovery?.tags() ?? [];
  const mine = tags.filter((t) => entity.mixins.includes(t.id));
  const others = tags.filter((t) => !entity.mixins.includes(t.id));
  const [pick, setPick] = useState('');
  const name = titleOf(entity);
  const busy = cloud.state.pending.has(entity.location);
  const change = async (t: CategoryInfo, add: boolean): Promise<void> => {
    const work = () => (add ? cloud.client.tag(t.id, [entity.location]) : cloud.client.untag(t.id, [entity.location]));
    onError(await cloud.act(entity.location, add ? 'tagging…' : 'untagging…', work));
    setPick('');
  };
  const chosen = others.find((t) => t.id === pick);
  return (
    <span class="tags">
      {mine.map((t) => (
        <span class="tag" key={t.id}>
          {tagName(t)}
          <button type="button" class="tag-remove" disabled={busy} aria-label={`remove tag ${tagName(t)} from ${name}`} onClick={() => void change(t, false)}>
            ×
          </button>
        </span>
      ))}
      {others.length > 0 ? (
        <span class="tag-add">
          <select aria-label={`tag to add to ${name}`} value={pick} onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">add tag…</option>
            {others.map((t) => (
              <option key={t.id} value={t.id}>
                {tagName(t)}
              </option>
            ))}
          </select>
          <button type="button" disabled={!chosen || busy} aria-label={`tag ${name}`} onClick={() => chosen && void change(chosen, true)}>
            tag
          </button>
        </span>
      ) : null}
    </span>
  );
}

export function TagFilter({ cloud, value, onChange }: { cloud: Cloud; value: string; onChange: (id: string) => void }) {
  const tags = cloud.state.discovery?.tags() ?? [];
  if (tags.length === 0) return null;
  return (
    <label class="filter">
      Show tag{' '}
      <select value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">all</option>
        {tags.map((t) => (
          <option key={t.id} value={t.id}>
            {tagName(t)}
          </option>
        ))}
      </select>
    </label>
  );
}

export const withTag = (entities: Entity[], tag: string): Entity[] => (tag ? entities.filter((e) => e.mixins.includes(tag)) : entities);

export function TagsView({ cloud, log }: { cloud: Cloud; log: ExchangeLog }) {
  const [termText, setTerm] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const s = cloud.state;
  const tags = s.discovery?.tags() ?? [];
  const all = [...s.computes, ...s.storages, ...s.networks];
  const guard = async (work: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      await cloud.rediscover();
      await cloud.refresh();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const create = async (): Promise<void> => {
    await cloud.client.defineMixin({ term: termText.trim(), ...(title.trim() ? { title: title.trim() } : {}) });
    setTerm('');
    setTitle('');
    await cloud.rediscover();
  };
  const remove = async (t: CategoryInfo): Promise<void> => {
    if (await confirm(`Delete the tag ${tagName(t)}? Entities keep running; they lose the tag.`, 'delete')) void guard(() => cloud.client.deleteMixin(t.id));
  };
  return (
    <>
      <FormCard label="New tag" action="Create tag" submit={create}>
        <label>
          Term (letters, digits, -, _ and .)
          <input required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" value={termText} onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <Field label="Title (optional)" value={title} set={setTitle} />
      </FormCard>
      <ErrorNote message={error} />
      {tags.length === 0 ? (
        <p>No tags yet. A tag is a mixin you define; tag computes, storage and networks with it from their tables.</p>
      ) : (
        <table class="table">
          <caption>Tags</caption>
          <thead>
            <tr>
              <th scope="col">tag</th>
              <th scope="col">type id</th>
              <th scope="col">tagged</th>
              <th scope="col">
                <span class="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tags.map((t) => (
              <tr key={t.id}>
                <td data-label="tag">{tagName(t)}</td>
                <td data-label="type id" class="mono">
                  {t.id}
                </td>
                <td data-label="tagged">{all.filter((e) => e.mixins.includes(t.id)).map(titleOf).join(', ') || '—'}</td>
                <td>
                  <button type="button" class="danger" disabled={busy} aria-label={`delete tag ${tagName(t)}`} onClick={() => void remove(t)}>
                    delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Learn urls={[cloud.client.endpoint.queryInterface]} cloud={cloud} log={log} />
    </>
  );
}
