import { describe, expect, it } from 'vitest';
import { fractionOf, issuesByField, numberOf, pairOf, percentText } from './forms.ts';

describe('admin form helpers', () => {
  it('puts each API issue at the longest matching field, the rest at the form', () => {
    const fields = ['name', 'scope', 'thresholds.serviceLevel', 'thresholds.serviceLevel.red'];
    expect(issuesByField([
      { path: 'scope.teams[0]', message: 'bad id' },
      { path: 'thresholds.serviceLevel.red', message: 'red must be at or below amber' },
      { path: 'thresholds.serviceLevel', message: 'expected object' },
      { path: '(body)', message: 'nothing to change' },
      { path: 'name', message: 'must not be empty' },
      { path: 'name', message: 'at most 80 characters' },
    ], fields)).toEqual({
      scope: 'bad id',
      'thresholds.serviceLevel.red': 'red must be at or below amber',
      'thresholds.serviceLevel': 'expected object',
      '': 'nothing to change',
      name: 'must not be empty at most 80 characters',
    });
    // `names` is not the field `name`.
    expect(issuesByField([{ path: 'names', message: 'x' }], ['name'])).toEqual({ '': 'x' });
  });

  it('converts percent and number inputs; blank inherits, junk reaches the server as invalid', () => {
    expect(fractionOf('80')).toBe(0.8);
    expect(fractionOf(' 4,5 ')).toBe(0.045);
    expect(fractionOf('')).toBeUndefined();
    expect(fractionOf('abc')).toBeNaN();
    expect(percentText(0.045)).toBe('4.5');
    expect(percentText(undefined)).toBe('');
    expect(numberOf('60')).toBe(60);
    expect(numberOf(' ')).toBeUndefined();
    expect(pairOf(undefined, undefined)).toBeUndefined();
    expect(pairOf(0.8, undefined)).toEqual({ amber: 0.8, red: Number.NaN });
  });
});
