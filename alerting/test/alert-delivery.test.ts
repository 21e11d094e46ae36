import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fillSettings, TEMPLATE_FILE } from '../src/alertmanager';
import { ALERTING_ROOT, generatedFiles } from '../src/outputs';
import { prometheusRuleFile } from '../src/prometheus';
import { expandLabels, runbookUrl, type AlertRule } from '../src/rule';
import { GROUPS, RULES } from '../src/rules';
import { amtool, startAlertmanager } from './support/alertmanager';
import { startHttpCapture, startSmtpCapture, type Mail } from './support/capture';
import { AUTH, json, startDemoCollector, startPrometheus, until } from './support/live';

const rule = (alert: string) => RULES.find((r) => r.alert === alert)!;
const AGENT_DOWN = rule('AiArmAgentDown');
const UNPRICED = rule('AiArmUnpricedSpend');
const ROUTING_KEY = 'aiarmtestroutingkey0123456789abc';
const EMAILS = 'finops@example.org';

type Slack = { channel?: string; attachments: { title: string; text: string }[] };
type PagerDuty = { routing_key: string; dedup_key: string; event_action: string; payload: { summary: string; severity: string; custom_details: Record<string, string> }; links?: { href: string; text: string }[] };
/** `[FIRING:1] AiArmAgentDown` / `[RESOLVED] AiArmAgentDown`, as the aiarm.title template writes it. */
const titled = (title: string) => /^\[(FIRING|RESOLVED)[^\]]*\] (\w+)/.exec(title);

/**
 * The rule files as generated, on a faster clock: every group evaluated each second and every
 * `for` cut to 1 s, so one test sees an alert fire and resolve in seconds instead of the 5 to
 * 60 minutes the rules wait in production. Queries, labels and annotations are untouched.
 */
const fastRules = () => GROUPS.map((g) => ({ name: g.name, file: prometheusRuleFile([{ ...g, interval: '1s', rules: g.rules.map((r): AlertRule => ({ ...r, for: r.for === '0s' ? '0s' : '1s' })) }]) }));

/**
 * Alerts reaching people: Debian's Prometheus evaluates the project's rules against the live
 * demo collector, Debian's Alertmanager routes them with the generated alertmanager.yml
 * (settings filled as envsubst would, secrets in files), and they arrive at capture servers
 * shaped like a Slack incoming webhook and PagerDuty's Events API v2, and at a real SMTP server.
 * The demo drives two alerts: an agent that vanished (critical, platform) and spend on a model
 * the price table lacks (warning, finops); the fixes the runbook names clear them: pausing the
 * agent, and a contract price for the model.
 */
describe('alert delivery end to end: Prometheus and Alertmanager to Slack and PagerDuty capture servers and an SMTP server', () => {
  const stops: (() => Promise<void>)[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('each receiver gets the alerts the policy tree sends it, firing with severity, summary and runbook, then resolved', async () => {
    const http = await startHttpCapture();
    stops.push(http.stop);
    const smtp = await startSmtpCapture();
    stops.push(smtp.stop);
    const collector = await startDemoCollector();
    stops.push(collector.stop);
    dirs.push(collector.dir);
    const { url, simulator } = collector;
    const metrics = async () => (await fetch(`${url}/metrics`)).text();

    // An hour passes in the demo world: the demo's doomed agent vanishes and is found DOWN.
    await until('the first poll of both vendors', async () => ((await metrics()).match(/ai_arm_collector_polls_total\{[^}]*result="success"\} [1-9]/g)?.length === 2 ? true : undefined));
    const post = <T>(base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      json<T>(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const now = (await post<{ now: number }>(simulator, '/_sim/clock', {})).now;
    await post(simulator, '/_sim/clock', { now: new Date((now + 3600) * 1000).toISOString() });
    const down = await until('an agent DOWN and unpriced openai spend in /metrics', async () => {
      const text = await metrics();
      const agents = [...text.matchAll(/ai_arm_agent_health\{([^}]*)\} 1\n/g)].filter((m) => m[1]!.includes('health_status="down"')).map((m) => /gen_ai_agent_id="([^"]+)"/.exec(m[1]!)![1]!);
      const unpriced = text.split('\n').some((l) => l.startsWith('ai_arm_cost_month_to_date{') && l.includes('cost_kind="unpriced"') && l.includes('gen_ai_provider_name="openai"') && Number(l.split(' ').pop()) > 0);
      return agents.length > 0 && unpriced ? agents : undefined;
    });

    // Alertmanager on the generated file: settings filled, secrets in files, PagerDuty's endpoint
    // moved to the capture server; a test only also shortens the waits and drops STARTTLS.
    const dir = mkdtempSync(join(tmpdir(), 'ai-arm-delivery-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'SLACK_WEBHOOK_URL'), `${http.url}/services/T000/B000/slack-capture\n`);
    writeFileSync(join(dir, 'PAGERDUTY_KEY'), ROUTING_KEY);
    writeFileSync(join(dir, 'SMTP_PASSWORD'), 'unused: no SMTP_USERNAME, no authentication');
    const generated = generatedFiles(undefined, { secretsDir: dir, pagerdutyUrl: `${http.url}/v2/enqueue` })['alertmanager/alertmanager.yml']!;
    const filled = fillSettings(generated, { SLACK_CHANNEL: '#ai-ops', ALERT_EMAILS: EMAILS, ALERT_EMAIL_FROM: 'alertmanager@example.org', SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port) });
    const config = parse(filled) as { global: Record<string, unknown>; route: Record<string, unknown> };
    config.global.smtp_require_tls = false;
    Object.assign(config.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    copyFileSync(join(ALERTING_ROOT, 'alertmanager', TEMPLATE_FILE), join(dir, TEMPLATE_FILE));
    const check = amtool(['check-config', join(dir, 'alertmanager.yml')]);
    expect(check).toEqual({ status: 0, output: expect.stringMatching(/SUCCESS/) });
    const alertmanager = await startAlertmanager(join(dir, 'alertmanager.yml'));
    stops.push(alertmanager.stop);

    const ruleFiles = fastRules().map((r) => {
      const file = join(dir, `${r.name}.rules.yml`);
      writeFileSync(file, JSON.stringify(r.file));
      return file;
    });
    const prometheus = await startPrometheus(new URL(url).host, join(dir, 'prometheus-data'), { ruleFiles, alertmanager: alertmanager.address });
    stops.push(prometheus.stop);

    const slack = () => http.requests.filter((r) => r.path.startsWith('/services/')).map((r) => r.body as Slack);
    const pagerduty = () => http.requests.filter((r) => r.path === '/v2/enqueue').map((r) => r.body as PagerDuty);
    const slackSays = (status: 'FIRING' | 'RESOLVED', alert: string) => slack().flatMap((b) => b.attachments).find((a) => titled(a.title)?.[1] === status && titled(a.title)?.[2] === alert);
    const pdEvent = (action: 'trigger' | 'resolve', alert: string) => pagerduty().find((e) => e.event_action === action && titled(e.payload.summary)?.[2] === alert);
    // What arrived, for a failure's message: titles per receiver and the collector's gauges.
    const delivered = async () =>
      [
        `slack: ${slack().flatMap((b) => b.attachments.map((a) => a.title)).join(' | ')}`,
        `pagerduty: ${pagerduty().map((e) => `${e.event_action} ${e.payload.summary}`).join(' | ')}`,
        `mail: ${smtp.mails.map((m) => m.subject).join(' | ')}`,
        ...(await metrics()).split('\n').filter((l) => /^ai_arm_(agent_health\{.*down.*\} 1|cost_month_to_date\{.*unpriced)/.test(l)),
        ...alertmanager.output().split('\n').filter((l) => /level=(error|warn)/.test(l)).slice(-10),
      ].join('\n');
    const mailSays = (status: 'FIRING' | 'RESOLVED', alert: string) => smtp.mails.find((m) => titled(m.subject)?.[1] === status && titled(m.subject)?.[2] === alert);

    await until(
      'both alerts delivered firing: Slack, PagerDuty, e-mail',
      async () => (slackSays('FIRING', AGENT_DOWN.alert) && slackSays('FIRING', UNPRICED.alert) && pdEvent('trigger', AGENT_DOWN.alert) && mailSays('FIRING', UNPRICED.alert) ? true : undefined),
      60_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await delivered()}`);
    });

    // What each says: the alert, its severity and team, its summary and its runbook.
    const agentSummaries = down.map((id) => expandLabels(AGENT_DOWN.summary, { gen_ai_agent_id: id, gen_ai_provider_name: 'anthropic' }));
    const unpricedSummary = expandLabels(UNPRICED.summary, { gen_ai_provider_name: 'openai' });
    const slackDown = slackSays('FIRING', AGENT_DOWN.alert)!;
    for (const s of agentSummaries) expect(slackDown.text).toContain(`${s} (critical, team platform)`);
    expect(slackDown.text).toContain(`Runbook: ${runbookUrl(AGENT_DOWN)}`);
    const slackUnpriced = slackSays('FIRING', UNPRICED.alert)!;
    expect(slackUnpriced.text).toContain(`${unpricedSummary} (warning, team finops)`);
    expect(slackUnpriced.text).toContain(`Runbook: ${runbookUrl(UNPRICED)}`);
    expect(slack().every((b) => b.channel === '#ai-ops')).toBe(true);

    const trigger = pdEvent('trigger', AGENT_DOWN.alert)!;
    expect(trigger).toEqual(expect.objectContaining({ routing_key: ROUTING_KEY, dedup_key: expect.stringMatching(/\S/), links: [{ href: runbookUrl(AGENT_DOWN), text: 'Runbook' }] }));
    expect(trigger.payload.severity).toBe('critical');
    if (down.length === 1) expect(trigger.payload.summary).toBe(`[FIRING:1] ${AGENT_DOWN.alert}: ${agentSummaries[0]}`);
    for (const s of agentSummaries) expect(trigger.payload.custom_details.message).toContain(s);
    expect(trigger.payload.custom_details.runbook_url).toBe(runbookUrl(AGENT_DOWN));

    const mail = mailSays('FIRING', UNPRICED.alert)!;
    expect(mail.to).toEqual([EMAILS]);
    expect(mail.from).toBe('alertmanager@example.org');
    expect(mail.text).toContain(`${unpricedSummary} (warning, team finops)`);
    expect(mail.text).toContain(`Runbook: ${runbookUrl(UNPRICED)}`);

    // The runbook's fixes: pause the vanished agents; give the unpriced model a contract price.
    for (const id of down) await post(url, `/api/v1/agents/${id}/pause`, {}, AUTH);
    const model = /"model":"([^"]+)"[^\n]*usage the price table cannot price/.exec(collector.output())?.[1] ?? /usage the price table cannot price[^\n]*"model":"([^"]+)"/.exec(collector.output())?.[1];
    expect(model).toBeDefined();
    await post(url, '/api/v1/costs/prices', { vendor: 'OPENAI', model, entry: { effective_from: '2024-01-01', input: 150, cached_input: 150, output: 600 } }, AUTH);

    await until(
      'both alerts delivered resolved',
      async () => (slackSays('RESOLVED', AGENT_DOWN.alert) && slackSays('RESOLVED', UNPRICED.alert) && pdEvent('resolve', AGENT_DOWN.alert) && mailSays('RESOLVED', UNPRICED.alert) ? true : undefined),
      60_000,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await delivered()}`);
    });
    // PagerDuty closes the incident it opened: the same dedup key.
    expect(pdEvent('resolve', AGENT_DOWN.alert)).toEqual(expect.objectContaining({ routing_key: ROUTING_KEY, dedup_key: trigger.dedup_key }));
    expect(slackSays('RESOLVED', AGENT_DOWN.alert)!.text).toContain(`Runbook: ${runbookUrl(AGENT_DOWN)}`);
    expect(mailSays('RESOLVED', UNPRICED.alert)!.text).toContain(unpricedSummary);
    expect(mailSays('RESOLVED', UNPRICED.alert)!.to).toEqual([EMAILS]);

    // Routing, for every alert that went anywhere (the demo fires others too): PagerDuty only
    // critical ones, e-mail only the finops team's, Slack everything the others got.
    const alertOf = (title: string) => rule(titled(title)![2]!);
    const paged = pagerduty().map((e) => alertOf(e.payload.summary));
    const mailed = smtp.mails.map((m: Mail) => alertOf(m.subject));
    const posted = new Set(slack().flatMap((b) => b.attachments.map((a) => alertOf(a.title).alert)));
    expect(paged.filter((r) => r.severity !== 'critical').map((r) => r.alert)).toEqual([]);
    expect(mailed.filter((r) => r.team !== 'finops').map((r) => r.alert)).toEqual([]);
    expect([...paged, ...mailed].filter((r) => !posted.has(r.alert)).map((r) => r.alert)).toEqual([]);
    expect(pagerduty().every((e) => e.payload.severity === 'critical' && e.routing_key === ROUTING_KEY)).toBe(true);
  }, 180_000);
});
