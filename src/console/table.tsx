// The table every kind is shown in: a title column linking to the detail
// page, the view's own columns, tags, and the actions allowed now. Below
// 600 px wide each row becomes a card (styles.css), labelled by data-label.
import type { ComponentChildren } from 'preact';
import type { Entity } from '../client/index.js';
import type { Cloud } from './cloud.js';
import { ActionButtons, DeleteButton } from './components.js';
import { detailHref, titleOf } from './format.js';
import { TagCell } from './tags.js';

export interface Column {
  label: string;
  cell: (e: Entity) => ComponentChildren;
  mono?: boolean;
}

interface Props {
  caption: string;
  rows: Entity[];
  columns: Column[];
  cloud: Cloud;
  onError: (m: string | undefined) => void;
  /** Actions offered by other controls of the view. */
  skip?: string[];
  /** More controls in the actions cell (attach, resize). */
  extra?: (e: Entity) => ComponentChildren;
}

export function EntityTable({ caption, rows, columns, cloud, onError, skip, extra }: Props) {
  return (
    <div class="table-wrap">
      <table class="table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">title</th>
            {columns.map((c) => (
              <th scope="col" key={c.label}>
                {c.label}
              </th>
            ))}
            <th scope="col">tags</th>
            <th scope="col">actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.location} data-location={e.location}>
              <th scope="row" data-label="title">
                <a href={detailHref(e.location)}>{titleOf(e)}</a>
              </th>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label} class={c.mono ? 'mono' : undefined}>
                  {c.cell(e)}
                </td>
              ))}
              <td data-label="tags">
                <TagCell entity={e} cloud={cloud} onError={onError} />
              </td>
              <td data-label="actions" class="actions">
                <ActionButtons entity={e} cloud={cloud} onError={onError} {...(skip ? { skip } : {})} />
                {extra?.(e)}
                <DeleteButton entity={e} cloud={cloud} onError={onError} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
