import type { AlertStatus, QualityAlert, QualityAlertType, Severity } from '@ai-arm/schemas';
import { audited } from '../../audit/audited';
import type { AuditedRequest } from '../../audit/context';
import { appendAudit } from '../../audit/log';
import { grafanaUser } from '../../auth/headers';
import { systemPrincipal } from '../../auth/principal';
import { ApiError } from '../../errors';
import type { ControlPlaneDb } from '../../stores/postgres/types';

/** What the quality monitor found: an alert to open, or to update while it is not resolved. */
export interface AlertCondition {
  agentId: string;
  type: QualityAlertType;
  severity: Severity;
  metric: string;
  threshold: number;
  actualValue: number;
  message: string;
  sourceId?: string | null;
}

interface Row {
  id: string;
  agent_id: string;
  type: QualityAlertType;
  severity: Severity;
  metric: string;
  threshold: number;
  actual_value: number;
  message: string;
  status: AlertStatus;
  source_id: string | null;
  note: string;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
}

const COLUMNS = 'id, agent_id, type, severity, metric, threshold, actual_value, message, status, source_id, note, created_at, updated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by';
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const toAlert = (r: Row): QualityAlert => ({
  id: r.id,
  agentId: r.agent_id,
  type: r.type,
  severity: r.severity,
  metric: r.metric,
  threshold: r.threshold,
  actualValue: r.actual_value,
  message: r.message,
  status: r.status,
  sourceId: r.source_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  acknowledgedAt: isoOrNull(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  resolvedAt: isoOrNull(r.resolved_at),
  resolvedBy: r.resolved_by,
  note: r.note,
});

export interface AlertQuery {
  status?: AlertStatus;
  type?: QualityAlertType;
  agentId?: string;
  limit: number;
}

/** Which way a person moves an alert: acknowledged while it is open, resolved from open or acknowledged. */
const MOVES = {
  acknowledge: { from: ['OPEN'], to: 'ACKNOWLEDGED', at: 'acknowledged' },
  resolve: { from: ['OPEN', 'ACKNOWLEDGED'], to: 'RESOLVED', at: 'resolved' },
} as const;

/**
 * Quality alerts: the monitor opens one per agent, type and metric while its condition holds
 * (updating it rather than opening another), and resolves it when the condition clears; people
 * acknowledge and resolve them. Every change of state is audited; the monitor's as the collector.
 */
export class QualityAlertStore {
  constructor(private readonly db: ControlPlaneDb) {}

  async list(organizationId: string, q: AlertQuery): Promise<QualityAlert[]> {
    const where = ['organization_id = $1'];
    const params: unknown[] = [organizationId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.type) add('type = ?', q.type);
    if (q.agentId) add('agent_id = ?', q.agentId);
    params.push(q.limit);
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM quality_alerts WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id LIMIT $${params.length}`, params);
    return rows.map(toAlert);
  }

  async get(organizationId: string, id: string): Promise<QualityAlert | null> {
    const [row] = await this.db.query<Row>(`SELECT ${COLUMNS} FROM quality_alerts WHERE organization_id = $1 AND id = $2`, [organizationId, id]);
    return row ? toAlert(row) : null;
  }

  /** Open alerts (open or acknowledged) by type, for the gauge. */
  async openCounts(organizationId: string): Promise<Map<QualityAlertType, number>> {
    const rows = await this.db.query<{ type: QualityAlertType; n: number }>(
      "SELECT type, count(*)::int AS n FROM quality_alerts WHERE organization_id = $1 AND status <> 'RESOLVED' GROUP BY type",
      [organizationId],
    );
    return new Map(rows.map((r) => [r.type, r.n]));
  }

  /** The monitor found the condition: the alert not yet resolved is updated, or a new one opened. True when one was opened. */
  async raise(organizationId: string, c: AlertCondition): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [updated] = await tx.query<{ id: string }>(
        `UPDATE quality_alerts SET actual_value = $5, threshold = $6, message = $7, severity = $8, source_id = coalesce($9, source_id), updated_at = now()
          WHERE organization_id = $1 AND agent_id = $2 AND type = $3 AND metric = $4 AND status <> 'RESOLVED' RETURNING id`,
        [organizationId, c.agentId, c.type, c.metric, c.actualValue, c.threshold, c.message, c.severity, c.sourceId ?? null],
      );
      if (updated) return false;
      const [row] = await tx.query<Row>(
        `INSERT INTO quality_alerts (organization_id, agent_id, type, severity, metric, threshold, actual_value, message, source_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [organizationId, c.agentId, c.type, c.severity, c.metric, c.threshold, c.actualValue, c.message, c.sourceId ?? null],
      );
      await appendAudit(tx, systemContext(organizationId), { action: 'quality_alert.open', resourceType: 'quality_alert', resourceId: row!.id, before: null, after: toAlert(row!) });
      return true;
    });
  }

  /** The condition cleared: alerts of this agent, type and metric not yet resolved are resolved by the collector. */
  async clear(organizationId: string, agentId: string, type: QualityAlertType, metric: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        `UPDATE quality_alerts SET status = 'RESOLVED', resolved_at = now(), resolved_by = 'system', updated_at = now(), note = CASE WHEN note = '' THEN 'condition cleared' ELSE note END
          WHERE organization_id = $1 AND agent_id = $2 AND type = $3 AND metric = $4 AND status <> 'RESOLVED' RETURNING ${COLUMNS}`,
        [organizationId, agentId, type, metric],
      );
      for (const r of rows) await appendAudit(tx, systemContext(organizationId), { action: 'quality_alert.resolve', resourceType: 'quality_alert', resourceId: r.id, before: null, after: toAlert(r) });
      return rows.length;
    });
  }

  /** A person acknowledges or resolves an alert; a move its state does not allow is a CONFLICT. */
  async move(request: AuditedRequest, id: string, action: keyof typeof MOVES, note: string | undefined): Promise<QualityAlert> {
    const org = request.organizationId;
    const move = MOVES[action];
    const who = grafanaUser(request) ?? request.principal.actorName;
    const result = await audited(this.db, request, async (tx) => {
      const [before] = await tx.query<Row>(`SELECT ${COLUMNS} FROM quality_alerts WHERE organization_id = $1 AND id = $2 FOR UPDATE`, [org, id]);
      if (!before) return null;
      if (!(move.from as readonly string[]).includes(before.status)) {
        throw new ApiError('CONFLICT', `alert ${id} is ${before.status}: only ${move.from.join(' or ')} alerts can be ${move.to.toLowerCase()}`, { status: before.status });
      }
      const [after] = await tx.query<Row>(
        `UPDATE quality_alerts SET status = $3, ${move.at}_at = now(), ${move.at}_by = $4, note = coalesce($5, note), updated_at = now()
          WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [org, id, move.to, who, note ?? null],
      );
      return { result: toAlert(after!), audit: { action: `quality_alert.${action}`, resourceType: 'quality_alert', resourceId: id, before: toAlert(before), after: toAlert(after!) } };
    });
    if (!result) throw new ApiError('NOT_FOUND', `no quality alert ${id}`);
    return result;
  }
}

const systemContext = (organizationId: string) => ({ principal: systemPrincipal(organizationId), ipAddress: null, userAgent: null, requestId: 'quality-monitor' });

