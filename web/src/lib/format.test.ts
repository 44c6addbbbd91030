import { describe, expect, it } from 'vitest';
import { Formatter, translate } from './format.ts';
import { initialLang, MESSAGES } from './messages.ts';

const T = Date.UTC(2026, 10, 23, 6, 3, 7); // 14:03:07 in Asia/Shanghai

describe('Formatter', () => {
  const en = new Formatter('en', 'Asia/Shanghai');
  const zh = new Formatter('zh-CN', 'Asia/Shanghai');

  it('shows null, undefined and NaN as a dash, never 0 or NaN', () => {
    for (const f of [en, zh]) {
      expect(f.int(null)).toBe('—');
      expect(f.pct(null)).toBe('—');
      expect(f.pct(Number.NaN)).toBe('—');
      expect(f.dec1(undefined)).toBe('—');
      expect(f.duration(null)).toBe('—');
      expect(f.seconds(null)).toBe('—');
    }
  });

  it('formats rates as percent with the requested precision', () => {
    expect(en.pct(0.8)).toBe('80%');
    expect(en.pct(0.0437, 1)).toBe('4.4%');
    expect(zh.pct(0.8)).toBe('80%');
    expect(en.pct(0)).toBe('0%');
  });

  it('groups thousands and rounds', () => {
    expect(en.int(12345.6)).toBe('12,346');
    expect(zh.int(12345)).toBe('12,345');
    expect(en.dec1(14.26)).toBe('14.3');
  });

  it('formats durations as m:ss below an hour and h:mm:ss from an hour, clamping negatives', () => {
    expect(en.duration(0)).toBe('0:00');
    expect(en.duration(65.9)).toBe('1:05');
    expect(en.duration(3599)).toBe('59:59');
    expect(en.duration(3600 + 62)).toBe('1:01:02');
    expect(en.duration(-5)).toBe('0:00');
  });

  it('shows short averages in seconds with the locale unit', () => {
    expect(en.seconds(14.2)).toBe('14 s');
    expect(zh.seconds(14.2)).toBe('14 秒');
    expect(en.seconds(185)).toBe('3:05');
  });

  it('shows clock times in the center time zone, not the browser one', () => {
    expect(en.clock(T)).toBe('14:03');
    expect(en.clockSec(T)).toBe('14:03:07');
    expect(new Formatter('en', 'Europe/London').clock(T)).toBe('06:03');
    expect(zh.clock(T)).toBe('14:03');
  });

  it('falls back to UTC for an unknown time zone instead of throwing', () => {
    expect(new Formatter('en', 'Mars/Olympus').clock(T)).toBe('06:03');
  });
});

describe('messages', () => {
  it('zh-CN translates every key, with the same placeholders as English', () => {
    const en = MESSAGES.en;
    const zh = MESSAGES['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('uses the manual\'s call-center vocabulary in zh-CN', () => {
    const zh = MESSAGES['zh-CN'];
    expect(zh['m.answerRate']).toBe('接通率');
    expect(zh['m.abandonRate']).toBe('放弃率');
    expect(zh['reason.short_break']).toBe('小休');
    expect(zh['m.serviceLevel']).toBe('服务水平');
    expect(zh['m.asa']).toBe('平均应答速度');
    expect(zh['m.aht']).toBe('平均处理时长');
    expect(zh['role.teamlead']).toBe('班长');
    expect(zh['role.supervisor']).toBe('主管');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'conn.stale', { time: '14:03' })).toBe('Stale since 14:03');
    expect(translate('zh-CN', 'alerts.since', { time: '14:03' })).toBe('14:03 起');
    expect(translate('en', 'conn.stale')).toBe('Stale since {time}');
  });
});

describe('initialLang', () => {
  it('prefers ?lang=, then the saved toggle, then the browser', () => {
    expect(initialLang('?lang=zh-CN', 'en', ['en-US'])).toBe('zh-CN');
    expect(initialLang('?lang=zh', null, ['en-US'])).toBe('zh-CN');
    expect(initialLang('?lang=en', 'zh-CN', ['zh-CN'])).toBe('en');
    expect(initialLang('', 'zh-CN', ['en-US'])).toBe('zh-CN');
    expect(initialLang('', null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(initialLang('?lang=xx', 'garbage', ['fr-FR'])).toBe('en');
  });
});
