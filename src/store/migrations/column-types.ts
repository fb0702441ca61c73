import { sql, type ColumnDataType, type ColumnDefinitionBuilder, type Expression } from 'kysely';
import type { StoreEngine } from '../ports.js';

/**
 * The only place the engines differ: column types. Everything else (tables, indexes, queries) is shared.
 */
export interface ColumnTypes {
  /** Auto-increment integer primary key; ids only ever grow, so they order rows by insertion. */
  autoId: ColumnDataType;
  autoIdModifier: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /**
   * ISO-8601 timestamps as text. On PostgreSQL the "C" collation makes comparisons byte-wise, so `<`, `>`
   * and ORDER BY on these columns mean earlier/later whatever the database's locale.
   */
  time: ColumnDataType | Expression<unknown>;
}

export function columnTypes(engine: StoreEngine): ColumnTypes {
  if (engine === 'sqlite') {
    return {
      autoId: 'integer',
      autoIdModifier: (column) => column.primaryKey().autoIncrement(),
      time: 'text',
    };
  }
  return {
    autoId: 'serial',
    autoIdModifier: (column) => column.primaryKey(),
    time: sql`text collate "C"`,
  };
}
