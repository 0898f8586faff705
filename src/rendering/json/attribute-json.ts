// Attribute descriptions for discovery (spec §5.6, R136–R138): only mutable,
// required, type, pattern (a draft-04 JSON Schema), default and description.
import type { AttributeDefinition, AttributeType, AttributeValue, ValueKind } from '../../model/category.js';

export const JSON_SCHEMA_DRAFT4 = 'http://json-schema.org/draft-04/schema#';

/** The JSON type of each value kind (spec §2.7, §5.6). */
export const JSON_TYPE: Readonly<Record<ValueKind, AttributeType>> = {
  string: 'string',
  enum: 'string',
  uri: 'string',
  integer: 'number',
  float: 'number',
  boolean: 'boolean',
  list: 'array',
  hash: 'object',
};

export interface JsonSchemaJson {
  $schema: string;
  type: string;
  enum?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

export interface AttributeDescriptionJson {
  mutable: boolean;
  required: boolean;
  type: AttributeType;
  pattern?: JsonSchemaJson;
  default?: AttributeValue;
  description?: string;
}

/** The validation schema, or undefined when it would say no more than `type`. */
function schema(def: AttributeDefinition): JsonSchemaJson | undefined {
  // "integer" is narrower than the description's "number", so it is worth a schema on its own.
  const integer = def.valueKind === 'integer';
  if (!integer && !def.enum && def.pattern === undefined && def.minimum === undefined && def.maximum === undefined) {
    return undefined;
  }
  const out: JsonSchemaJson = { $schema: JSON_SCHEMA_DRAFT4, type: integer ? 'integer' : JSON_TYPE[def.valueKind] };
  if (def.enum) out.enum = [...def.enum];
  if (def.pattern !== undefined) out.pattern = def.pattern;
  if (def.minimum !== undefined) out.minimum = def.minimum;
  if (def.maximum !== undefined) out.maximum = def.maximum;
  return out;
}

export function attributeDescription(def: AttributeDefinition): AttributeDescriptionJson {
  const out: AttributeDescriptionJson = { mutable: def.mutable, required: def.required, type: JSON_TYPE[def.valueKind] };
  const pattern = schema(def);
  if (pattern) out.pattern = pattern;
  if (def.default !== undefined) out.default = def.default;
  if (def.description !== undefined) out.description = def.description;
  return out;
}
