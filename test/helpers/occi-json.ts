// Every JSON document the server writes is checked here, strictly: answers
// against the OCCI 1.2 JSON rendering's schema (test/fixtures, R140), error
// bodies against our own error shape. A JSON entity answered for its own URL
// must also sit at `<kind location><id>` (docs/decisions.md), so clients can
// address what they read.
import { readFileSync } from 'node:fs';
import ajvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';

// A CommonJS module: under NodeNext its class is the default export's `default`.
const Ajv = ajvDraft04.default;

const SCHEMA_FILE = new URL('../../../test/fixtures/occi-1.2-json.schema.json', import.meta.url);

const ERROR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['status', 'message', 'request_id'],
      properties: { status: { type: 'integer' }, message: { type: 'string', minLength: 1 }, request_id: { type: 'string' } },
    },
  },
};

interface Validators {
  document: ValidateFunction;
  error: ValidateFunction;
  /** One definition of the OCCI schema, for a readable message when a document fails. */
  definition(name: string): ValidateFunction;
}

let compiled: Validators | undefined;

function validators(): Validators {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { id: string };
  ajv.addSchema(schema);
  const document = ajv.getSchema(schema.id)!;
  const error = ajv.compile(ERROR_SCHEMA);
  const definition = (name: string): ValidateFunction => ajv.getSchema(`${schema.id}#/definitions/${name}`)!;
  compiled = { document, error, definition };
  return compiled;
}

/** The definition a document means to be, judged by its members. */
function likelyDefinition(doc: Record<string, unknown>): string {
  if ('action' in doc && typeof doc.action === 'string') return 'actionInvocation';
  if ('kind' in doc) return 'source' in doc || 'target' in doc ? 'link' : 'resource';
  if ('term' in doc) return 'location' in doc && !('parent' in doc) ? 'mixin' : 'attributes' in doc && !('location' in doc) ? 'action' : 'kind';
  return 'collection';
}

function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 8)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
    .join('; ');
}

/** Throws unless `body` is a valid OCCI 1.2 JSON document (2xx) or error body (other statuses). */
export function checkJsonAnswer(status: number, body: string, what: string): void {
  if (body === '') return;
  const doc = JSON.parse(body) as unknown;
  const v = validators();
  if (status >= 400) {
    if (!v.error(doc)) throw new Error(`${what}: error body ${body.slice(0, 300)} is not {"error": {status, message, request_id}}: ${explain(v.error.errors)}`);
    return;
  }
  if (v.document(doc)) return;
  const name = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? likelyDefinition(doc as Record<string, unknown>) : 'collection';
  const specific = v.definition(name);
  specific(doc);
  throw new Error(`${what}: answer is not OCCI 1.2 JSON (as a ${name}: ${explain(specific.errors)}): ${body.slice(0, 400)}`);
}

const KIND_LOCATIONS: Record<string, string> = {
  compute: '/compute/',
  network: '/network/',
  storage: '/storage/',
  networkinterface: '/networkinterface/',
  storagelink: '/storagelink/',
};

/** Where an entity read in JSON lives: its kind's location followed by its id (urn:uuid: dropped). */
export function entityPath(entity: { kind: string; id: string }): string {
  const term = entity.kind.slice(entity.kind.lastIndexOf('#') + 1);
  const location = KIND_LOCATIONS[term];
  if (!location) throw new Error(`no location known for kind ${entity.kind}`);
  return location + entity.id.replace(/^urn:uuid:/i, '');
}

/** Throws unless a JSON entity answered for `path` says, by kind and id, that it lives there. */
export function checkAddressable(path: string, body: string, what: string): void {
  const doc = JSON.parse(body) as { kind?: unknown; id?: unknown };
  if (typeof doc.kind !== 'string' || typeof doc.id !== 'string') return;
  const derived = entityPath({ kind: doc.kind, id: doc.id });
  if (derived !== path) throw new Error(`${what}: entity with kind ${doc.kind} and id ${doc.id} gives ${derived}, not the URL it was read at`);
}
