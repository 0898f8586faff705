// Short constructors for attribute definitions, so the catalogues read like the spec's tables.
import type { AttributeDefinition, AttributeValue, ValueKind } from './category.js';

interface Options {
  mutable?: boolean;
  required?: boolean;
  default?: AttributeValue;
  pattern?: string;
  /** What the pattern asks for, in words. */
  patternText?: string;
  minimum?: number;
  maximum?: number;
  description?: string;
}

export function attr(name: string, valueKind: ValueKind, description: string, o: Options = {}): AttributeDefinition {
  return {
    name,
    valueKind,
    mutable: o.mutable ?? true,
    required: o.required ?? false,
    description,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.pattern !== undefined ? { pattern: o.pattern } : {}),
    ...(o.patternText !== undefined ? { patternText: o.patternText } : {}),
    ...(o.minimum !== undefined ? { minimum: o.minimum } : {}),
    ...(o.maximum !== undefined ? { maximum: o.maximum } : {}),
  };
}

export function enumAttr(name: string, values: readonly string[], description: string, o: Options = {}): AttributeDefinition {
  return { ...attr(name, 'enum', description, o), enum: values };
}

/** A server-managed attribute: clients never set it (spec §1.3 mutability). */
export function immutable(def: AttributeDefinition): AttributeDefinition {
  return { ...def, mutable: false, required: false };
}
