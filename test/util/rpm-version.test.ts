// rpm's version order, row by row (the cases rpm's own test suite checks rpmvercmp with), and epochs first.
import { describe, expect, it } from 'vitest';
import { compareEvr, rpmVerCmp } from '../../engine/util/rpm-version.js';

const rows: [string, string, number][] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0.1', '2.0', 1],
  ['2.0', '2.0.1', -1],
  ['5.5p1', '5.5p2', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['xyz10', 'xyz10.1', -1],
  ['1.0010', '1.9', 1],
  ['1.05', '1.5', 0],
  ['1.0', '1', 1],
  ['2.0', '2_0', 0],
  ['a', 'b', -1],
  ['1.0a', '1.0', 1],
  ['1.0', '1.0a', -1],
  ['6.0.rc1', '6.0', 1],
  ['10b2', '10a1', 1],
  ['1.0~rc1', '1.0', -1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0^', '1.0', 1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git1', '1.01', -1],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.30.2', '1.30.10', -1],
];

describe('rpmVerCmp', () => {
  it.each(rows)('%s vs %s is %i', (a, b, want) => {
    expect(rpmVerCmp(a, b)).toBe(want);
    expect(rpmVerCmp(b, a)).toBe(-want || 0);
  });
});

describe('compareEvr', () => {
  it('orders by epoch first, then version, then release', () => {
    expect(compareEvr({ epoch: '1', version: '1.0', release: '1' }, { epoch: '0', version: '9.0', release: '1' })).toBe(1);
    expect(compareEvr({ epoch: '', version: '1.0', release: '2' }, { epoch: '0', version: '1.0', release: '10' })).toBe(-1);
    expect(compareEvr({ epoch: '0', version: '1.0', release: '1.el9' }, { epoch: '0', version: '1.0', release: '1.el9' })).toBe(0);
  });
});
