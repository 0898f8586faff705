// Kind, Mixin and Action objects for discovery (spec §5.4, R35, R134, R135).
import {
  effectiveKindAttributes,
  typeId,
  type Action,
  type AttributeDefinition,
  type Kind,
  type Mixin,
} from '../../model/category.js';
import type { CategoryView } from '../document.js';
import { attributeDescription, type AttributeDescriptionJson } from './attribute-json.js';
import { ownObject } from './own.js';

type Descriptions = Record<string, AttributeDescriptionJson>;

export interface KindJson {
  term: string;
  scheme: string;
  title?: string;
  parent?: string;
  attributes: Descriptions;
  actions?: string[];
  location?: string;
}

export interface MixinJson {
  term: string;
  scheme: string;
  title?: string;
  depends?: string[];
  applies?: string[];
  attributes: Descriptions;
  actions?: string[];
  location: string;
}

export interface ActionJson {
  term: string;
  scheme: string;
  title?: string;
  attributes: Descriptions;
}

export interface CategoriesJson {
  kinds: KindJson[];
  mixins: MixinJson[];
  actions: ActionJson[];
}

const descriptions = (defs: Iterable<AttributeDefinition>): Descriptions =>
  ownObject([...defs].map((d) => [d.name, attributeDescription(d)] as const));

const head = (c: { term: string; scheme: string; title?: string }): { term: string; scheme: string; title?: string } =>
  c.title === undefined ? { term: c.term, scheme: c.scheme } : { term: c.term, scheme: c.scheme, title: c.title };

/** `actions` only when there are some: the schema wants at least one item in it (R140). */
const actionList = (actions: readonly Action[]): { actions?: string[] } => (actions.length > 0 ? { actions: actions.map(typeId) } : {});

/** A Kind with its own and inherited attributes (D15); `location` defaults to the kind's own path. */
export function kindJson(kind: Kind, location: string | undefined = kind.location): KindJson {
  return {
    ...head(kind),
    ...(kind.parent ? { parent: typeId(kind.parent) } : {}),
    attributes: descriptions(effectiveKindAttributes(kind).values()),
    ...actionList(kind.actions),
    ...(location !== undefined ? { location } : {}),
  };
}

/** A Mixin with its own attributes; `depends` and `applies` only when non-empty (R135). */
export function mixinJson(mixin: Mixin, location: string = mixin.location): MixinJson {
  return {
    ...head(mixin),
    ...(mixin.depends.length > 0 ? { depends: mixin.depends.map(typeId) } : {}),
    ...(mixin.applies.length > 0 ? { applies: mixin.applies.map(typeId) } : {}),
    attributes: descriptions(mixin.attributes.values()),
    ...actionList(mixin.actions),
    location,
  };
}

export function actionJson(action: Action): ActionJson {
  return { ...head(action), attributes: descriptions(action.attributes.values()) };
}

/** The query interface body: all three arrays, always present (R35). */
export function categoriesJson(list: readonly CategoryView[]): CategoriesJson {
  const out: CategoriesJson = { kinds: [], mixins: [], actions: [] };
  for (const { category, location } of list) {
    if (category.class === 'kind') out.kinds.push(kindJson(category, location ?? category.location));
    else if (category.class === 'mixin') out.mixins.push(mixinJson(category, location ?? category.location));
    else out.actions.push(actionJson(category));
  }
  return out;
}
