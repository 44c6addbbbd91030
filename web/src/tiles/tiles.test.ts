import type { Component } from 'svelte';
import { render as renderHtml } from 'svelte/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../lib/i18n.svelte.ts';
import { agentRow, queueRow, snapshot, T0 } from '../test/fixtures.ts';
import AgentTile from './AgentTile.svelte';
import AlertsPanel from './AlertsPanel.svelte';
import ConnectionBadge from './ConnectionBadge.svelte';
import QueueTile from './QueueTile.svelte';

/**
 * Renders a tile to HTML (server-side rendering: the same component code, no DOM needed) and
 * exposes its visible text, the way a viewer reads it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render<P extends Record<string, any>>(component: Component<P>, props: P) {
  const html = renderHtml(component, { props }).body;
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#8239;|&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
  return { html, text };
}

beforeEach(() => {
  i18n.lang = 'en';
  i18n.tz = 'Asia/Shanghai';
  i18n.center = null;
});

describe('QueueTile', () => {
  it('shows the queue figures with a word beside every threshold colour', () => {
    const { text } = render(QueueTile, { queue: queueRow({ waiting: 3 }), now: T0, slTarget: 0.8 });
    expect(text).toContain('Service level 74% ● AMBER target 80%');
    expect(text).toContain('Abandon rate 6.1% ● AMBER');
    expect(text).toContain('Answer rate 90%');
    expect(text).toContain('ASA 14 s');
    expect(text).toContain('AHT 4:05');
    expect(text).toContain('Offered 100');
  });

  it('ticks the longest wait from when the oldest call queued, and turns red past the threshold', () => {
    const queue = queueRow({ waiting: 2, longestWaitSec: 50, oldestQueuedAt: T0 - 50_000, severity: { serviceLevel: 'ok', abandonRate: 'ok', longestWaitSec: 'ok' } });
    const before = render(QueueTile, { queue, now: T0, slTarget: 0.8 }).text;
    expect(before).toContain('Longest wait 0:50');
    expect(before).not.toContain('RED');
    const after = render(QueueTile, { queue, now: T0 + 75_000, slTarget: 0.8 }).text;
    expect(after).toContain('Longest wait 2:05 ▲ RED');
  });

  it('shows the projected service level and flags it when it falls below target', () => {
    const queue = queueRow({ slForecast: { in15: 0.72, in30: 0.85, target: 0.8 } });
    expect(render(QueueTile, { queue, now: T0, slTarget: 0.8 }).text).toContain('▼ forecast: 15 min 72% · 30 min 85%');
    const tv = render(QueueTile, { queue, now: T0, slTarget: 0.8, variant: 'tv' }).text;
    expect(tv).toContain('▼ next: 72% · 85%');
    expect(render(QueueTile, { queue: queueRow({ slForecast: { in15: null, in30: null, target: 0.8 } }), now: T0, slTarget: 0.8 }).text).not.toContain('forecast');
  });

  it('explains how each rate is computed', () => {
    const { html } = render(QueueTile, { queue: queueRow(), now: T0, slTarget: 0.8 });
    expect(html).toContain('title="SL = answered ≤ 20 s / (answered + abandoned ≥ 5 s + timed out)');
    expect(html).toContain('title="Answer rate = answered / (answered + all abandoned + timed out).');
  });

  it('speaks Chinese', () => {
    i18n.lang = 'zh-CN';
    const { text } = render(QueueTile, { queue: queueRow(), now: T0, slTarget: 0.8 });
    expect(text).toContain('服务水平 74% ● 预警 目标 80%');
    expect(text).toContain('放弃率 6.1%');
    expect(text).toContain('接通率 90%');
    expect(text).toContain('平均应答速度 14 秒');
  });
});

describe('AgentTile', () => {
  it('shows live time in state and the break reason', () => {
    const row = agentRow({ state: 'break', reason: 'short_break', stateSince: T0 - 120_000, overrunAt: T0 + 180_000 });
    const { text } = render(AgentTile, { row, now: T0 });
    expect(text).toContain('Lily Xu');
    expect(text).toContain('Short break');
    expect(text).toContain('2:00');
    expect(text).not.toContain('OVER');
  });

  it('flags an overrun once now passes overrunAt, without waiting for the server', () => {
    const row = agentRow({ state: 'break', reason: 'short_break', stateSince: T0 - 120_000, overrunAt: T0 + 180_000 });
    const { text, html } = render(AgentTile, { row, now: T0 + 181_000 });
    expect(text).toContain('5:01');
    expect(text).toContain('▲ Short break OVER');
    expect(html).toMatch(/class="[^"]*overrun/);
  });

  it('advances CPH and grade to now with the shared formulas', () => {
    const row = agentRow({ handled: 17, loggedInSec: 3000, cph: 20.4, successRate: 0.7, grade: 'A', figuresAt: T0 });
    expect(render(AgentTile, { row, now: T0 + 600_000 }).text).toContain('CPH 17.0');
  });

  it('is a labelled, pressable button when the agent can be opened', () => {
    const { html } = render(AgentTile, { row: agentRow(), now: T0, selected: true, onselect: () => {} });
    expect(html).toMatch(/<button[^>]*type="button"/);
    expect(html).toContain('aria-pressed="true"');
    expect(html).toContain('aria-label="Lily Xu, Available, 1:00, Adherence 95%"');
  });

  it('shows adherence with its threshold icon on desks, not on the TV', () => {
    const good = render(AgentTile, { row: agentRow({ adherence: 0.95 }), now: T0, onselect: () => {} });
    expect(good.text).toContain('Available ✓ 95%');
    const red = render(AgentTile, { row: agentRow({ adherence: 0.7 }), now: T0, onselect: () => {} });
    expect(red.text).toContain('Available ▲ 70%');
    expect(red.html).toContain('aria-label="Lily Xu, Available, 1:00, Adherence 70% (RED)"');
    expect(render(AgentTile, { row: agentRow({ adherence: 0.7 }), now: T0, variant: 'tv' }).text).not.toContain('70%');
  });
});

describe('AlertsPanel', () => {
  it('lists red before amber with names and live durations', () => {
    const snap = snapshot({
      agents: [agentRow({ id: 'a1', name: 'Lily Xu', state: 'away', stateSince: T0 - 660_000 })],
      alerts: [
        { id: 'x1', rule: 'service_level', severity: 'amber', since: T0 - 600_000, queueId: 'sales', value: 0.74 },
        { id: 'x2', rule: 'away_overrun', severity: 'red', since: T0 - 60_000, agentId: 'a1' },
      ],
    });
    const { text } = render(AlertsPanel, { alerts: snap.alerts, agents: snap.agents, queues: snap.queues, now: T0 });
    expect(text).toContain('▲ RED Lily Xu: away from seat 11:00 since 09:59');
    expect(text).toContain('● AMBER Sales: service level 74% since 09:50');
    expect(text.indexOf('Lily Xu')).toBeLessThan(text.indexOf('Sales:'));
  });
});

describe('ConnectionBadge', () => {
  it('says live, connecting or stale since a time in the center zone', () => {
    expect(render(ConnectionBadge, { status: { kind: 'live' } }).text).toContain('Live');
    expect(render(ConnectionBadge, { status: { kind: 'stale', sinceMs: Date.UTC(2026, 10, 23, 6, 3) } }).text).toContain('Stale since 14:03');
    expect(render(ConnectionBadge, { status: { kind: 'connecting' } }).text).toContain('Connecting…');
    i18n.lang = 'zh-CN';
    expect(render(ConnectionBadge, { status: { kind: 'live' } }).text).toContain('实时');
  });
});
