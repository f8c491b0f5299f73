/**
 * A relation as templates see it (`{{ this }}`, `{{ ref('orders') }}`): it prints as the quoted,
 * qualified name and exposes its parts (`this.schema`, `this.identifier`, `this.name`).
 */
import type { RelationParts, SqlQuoting } from './adapters/model-adapter.ts';

/** A named relation that renders as its quoted, qualified name. */
export class Relation {
  constructor(
    readonly parts: RelationParts,
    private readonly quoting: SqlQuoting,
  ) {}

  get database(): string | undefined {
    return this.parts.database;
  }

  get schema(): string {
    return this.parts.schema;
  }

  get identifier(): string {
    return this.parts.identifier;
  }

  get name(): string {
    return this.parts.identifier;
  }

  /** The unquoted `schema.identifier`, for messages. */
  get qualified(): string {
    return [this.parts.database, this.parts.schema, this.parts.identifier].filter(Boolean).join('.');
  }

  render(): string {
    return this.quoting.relation(this.parts);
  }

  toString(): string {
    return this.render();
  }
}
