/**
 * The fields of a config, read from its JSON Schema: name, type, required, default and
 * description, nested objects flattened to dotted names (two levels), secrets marked.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  description?: string;
  additionalProperties?: JsonSchema | boolean;
};

export interface SchemaField {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
  secret: boolean;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map(typeOf))].join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return schema.items ? `${typeOf(schema.items)}[]` : 'array';
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') return `map of ${typeOf(schema.additionalProperties)}`;
  return schema.type ?? 'any';
}

/** The fields of an object schema, nested objects flattened up to `depth` levels. */
export function schemaFields(schema: unknown, secretFields: readonly string[] = [], depth = 2, prefix = ''): SchemaField[] {
  const s = (schema ?? {}) as JsonSchema;
  const merged: JsonSchema = s.allOf ? s.allOf.reduce<JsonSchema>((acc, part) => ({ ...acc, properties: { ...acc.properties, ...part.properties }, required: [...(acc.required ?? []), ...(part.required ?? [])] }), s) : s;
  const required = new Set(merged.required ?? []);
  const out: SchemaField[] = [];
  for (const [key, prop] of Object.entries(merged.properties ?? {})) {
    const name = prefix + key;
    if (key === 'type' && prop.const !== undefined) continue;
    out.push({
      name,
      type: prop.properties ? 'object' : typeOf(prop),
      required: required.has(key),
      ...(prop.default !== undefined ? { default: prop.default } : {}),
      ...(prop.description ? { description: prop.description } : {}),
      secret: secretFields.includes(name) || secretFields.includes(key),
    });
    if (prop.properties && depth > 1) out.push(...schemaFields(prop, secretFields, depth - 1, `${name}.`));
  }
  return out;
}

export function SchemaFields({ schema, secretFields = [], label }: { schema: unknown; secretFields?: readonly string[]; label: string }) {
  const fields = schemaFields(schema, secretFields);
  if (fields.length === 0) return <p className="muted small">No config fields.</p>;
  return (
    <div className="table-wrap">
      <table className="table fields-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Default</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name}>
              <td className="mono nowrap">
                {f.name}
                {f.required ? (
                  <span className="required" title="required">
                    *<span className="sr-only"> (required)</span>
                  </span>
                ) : null}
                {f.secret ? <span className="tag tag-warn">secret</span> : null}
              </td>
              <td className="mono muted type-cell">{f.type}</td>
              <td className="mono">{f.default !== undefined ? JSON.stringify(f.default) : ''}</td>
              <td className="small">{f.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
