import { describe, expect, it } from 'vitest';
import { METRIC_DEFAULTS } from '../../../shared/metrics.ts';
import { displayId, metricHelp, reasonLabel, worse } from './labels.ts';

const center = { tz: 'Asia/Shanghai', today: '2026-11-23', slThresholdSec: 30, shortAbandonSec: 8, slTarget: 0.9 };

describe('metricHelp', () => {
  it('explains SL with the shared defaults when no center is known', () => {
    const text = metricHelp('en', 'serviceLevel');
    expect(text).toContain(`answered ≤ ${METRIC_DEFAULTS.slThresholdSec} s`);
    expect(text).toContain(`abandoned ≥ ${METRIC_DEFAULTS.shortAbandonSec} s`);
    expect(text).toContain('Target 80%');
  });

  it('follows the center\'s configured thresholds so text and number agree', () => {
    expect(metricHelp('en', 'serviceLevel', center)).toContain('answered ≤ 30 s / (answered + abandoned ≥ 8 s + timed out). Target 90%');
    expect(metricHelp('zh-CN', 'serviceLevel', center)).toContain('30 秒内接通');
    expect(metricHelp('en', 'abandonRate', center)).toContain('abandoned ≥ 8 s');
  });

  it('builds the grade rule from the shared grade table', () => {
    expect(metricHelp('en', 'grade')).toContain('A ≥ 17 CPH & 65%');
    expect(metricHelp('zh-CN', 'grade')).toContain('见习 ≥ 11 CPH & 52%');
  });

  it('states the CPH warm-up and the break limits from METRIC_DEFAULTS', () => {
    expect(metricHelp('en', 'cph')).toContain(`${METRIC_DEFAULTS.cphMinLoggedInSec / 60} min`);
    expect(metricHelp('en', 'breakOverrun')).toContain('longer than 5 min');
    expect(metricHelp('en', 'breakOverrun')).toContain('longer than 10 min');
  });
});

describe('labels', () => {
  it('translates known reason codes and shows unknown ones readably', () => {
    expect(reasonLabel('zh-CN', 'short_break')).toBe('小休');
    expect(reasonLabel('en', 'meal')).toBe('Meal');
    expect(reasonLabel('en', 'system_issue')).toBe('system issue');
    expect(reasonLabel('en', null)).toBeNull();
  });

  it('derives readable names from ids', () => {
    expect(displayId('t-central')).toBe('Central');
    expect(displayId('sales')).toBe('Sales');
    expect(displayId('q_vip_line')).toBe('Vip line');
    expect(displayId('t-')).toBe('t-');
  });

  it('picks the worse severity', () => {
    expect(worse('ok', 'amber')).toBe('amber');
    expect(worse('red', 'amber')).toBe('red');
    expect(worse('ok', 'ok')).toBe('ok');
  });
});
