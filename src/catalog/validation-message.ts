import type { ErrorObject } from 'ajv';
import { closestNames } from '../text';

/**
 * One validation failure, said so a model can fix it in one turn: the closest accepted argument for an
 * unknown one (`limt` → `limit`), the type of a missing one, every allowed value of an enum, the type
 * that was expected and what was sent. Errors come from ajv with `allErrors` and `verbose`, so an
 * unknown argument can be paired with the required one it was meant to be (`user_id` → `userId`).
 */

interface SchemaNode {
  type?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: unknown;
  enum?: unknown;
}

export interface ValidationMessage {
  pointer: string;
  message: string;
}

const typeOf = (schema: SchemaNode | undefined): string => {
  if (!schema) return 'any';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return typeof schema.type === 'string' ? schema.type : 'any';
};

const shown = (value: unknown): string => {
  if (value === null) return 'null';
  const text = JSON.stringify(value);
  const kind = Array.isArray(value) ? 'array' : typeof value;
  if (text === undefined) return kind;
  return `${kind} ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
};

const params = <T>(e: ErrorObject): T => e.params as T;
const propertiesOf = (e: ErrorObject): Record<string, SchemaNode> => (e.parentSchema as SchemaNode | undefined)?.properties ?? {};

export function describeValidation(errors: ErrorObject[] | null | undefined): ValidationMessage {
  const list = errors ?? [];
  if (list.length === 0) return { pointer: '/', message: 'arguments do not match the schema' };
  const unknown = list.filter((e) => e.keyword === 'additionalProperties');
  const missing = list.filter((e) => e.keyword === 'required');

  // An unknown argument that spells a missing or accepted one.
  for (const e of unknown) {
    const name = String(params<{ additionalProperty?: unknown }>(e).additionalProperty);
    const properties = propertiesOf(e);
    const missingHere = missing.filter((m) => m.instancePath === e.instancePath).map((m) => String(params<{ missingProperty?: unknown }>(m).missingProperty));
    const [closest] = closestNames(name, [...missingHere, ...Object.keys(properties)], 1);
    const at = `${e.instancePath}/${name}`;
    if (closest !== undefined) {
      const required = missingHere.includes(closest) ? ', required' : '';
      return { pointer: at, message: `argument ${at} is not accepted; did you mean '${closest}' (${typeOf(properties[closest])}${required})?` };
    }
    const accepted = Object.keys(properties);
    return { pointer: at, message: `argument ${at} is not accepted; accepted arguments: ${accepted.length > 0 ? accepted.slice(0, 15).join(', ') : 'none'}` };
  }
  const [first] = missing.length > 0 ? missing : list;
  const e = first!;
  switch (e.keyword) {
    case 'required': {
      const name = String(params<{ missingProperty?: unknown }>(e).missingProperty);
      const at = `${e.instancePath}/${name}`;
      return { pointer: at, message: `missing required argument ${at} (${typeOf(propertiesOf(e)[name])})` };
    }
    case 'enum': {
      const allowed = params<{ allowedValues?: unknown[] }>(e).allowedValues ?? [];
      return { pointer: e.instancePath || '/', message: `argument ${e.instancePath || '/'} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${shown(e.data)})` };
    }
    case 'const':
      return { pointer: e.instancePath || '/', message: `argument ${e.instancePath || '/'} must be ${JSON.stringify(params<{ allowedValue?: unknown }>(e).allowedValue)} (got ${shown(e.data)})` };
    case 'type': {
      // A model often sends null for "no value": the schema wants the argument left out.
      const omit = e.data === null && e.instancePath !== '' ? '; leave the argument out rather than sending null' : '';
      return { pointer: e.instancePath || '/', message: `argument ${e.instancePath || '/'} must be ${String(params<{ type?: unknown }>(e).type)} (got ${shown(e.data)})${omit}` };
    }
    default:
      return { pointer: e.instancePath || '/', message: `argument ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.data !== undefined ? ` (got ${shown(e.data)})` : ''}` };
  }
}
