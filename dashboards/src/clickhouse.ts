import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';

/** The ClickHouse data source picked by the dashboard's `clickhouse` variable. */
export const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: '${clickhouse}' };

export type ClickHouseQueryType = 'table' | 'timeseries' | 'logs';

// The plugin's Format enum; it decides how Grafana turns the result into frames.
const FORMAT: Record<ClickHouseQueryType, number> = { timeseries: 0, table: 1, logs: 2 };

/**
 * A raw-SQL query of grafana-clickhouse-datasource. The SDK ships no builder for this plugin,
 * so this follows the SDK README's recipe for a custom query type.
 */
export interface ClickHouseQuery {
  refId?: string;
  hide?: boolean;
  datasource: { type: string; uid: string };
  editorType: 'sql';
  queryType: ClickHouseQueryType;
  format: number;
  rawSql: string;
  // Marks this as a Dataquery variant for the SDK's types; JSON.stringify drops it.
  _implementsDataqueryVariant(): void;
}

export class ClickHouseQueryBuilder implements Builder<Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string) {
    this.internal = {
      datasource: { ...CLICKHOUSE },
      editorType: 'sql',
      queryType: 'table',
      format: FORMAT.table,
      rawSql,
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }

  queryType(queryType: ClickHouseQueryType): this {
    this.internal.queryType = queryType;
    this.internal.format = FORMAT[queryType];
    return this;
  }
}
