import { describe, expect, it } from 'vitest';
import { AddressError, expandHostPattern, expandHostRange, isIpAddress, parseAddress } from '../../engine/inventory/address.js';

describe('expandHostRange', () => {
  it.each([
    ['www[01:03].example.com', ['www01.example.com', 'www02.example.com', 'www03.example.com']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['n[1:9:4]', ['n1', 'n5', 'n9']],
    ['n[:2]', ['n0', 'n1', 'n2']],
    ['r[1:2]-c[a:b]', ['r1-ca', 'r1-cb', 'r2-ca', 'r2-cb']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']],
    ['n[08:10]', ['n08', 'n09', 'n10']],
  ])('%s', (pattern, hosts) => {
    expect(expandHostRange(pattern)).toEqual(hosts);
  });

  it.each([
    ['n[1]', 'begin:end'],
    ['n[1:]', 'end value'],
    ['n[01:100]', 'equal-length'],
    ['n[c:a]', 'begin <= end'],
    ['n[1:3:0]', 'step'],
    ['n[a:5]', 'numbers or single letters'],
    ['n[1:3', 'unclosed'],
  ])('%s is an error mentioning %s', (pattern, words) => {
    expect(() => expandHostRange(pattern)).toThrow(AddressError);
    expect(() => expandHostRange(pattern)).toThrow(words);
  });
});

describe('parseAddress / expandHostPattern', () => {
  it.each([
    ['host:2222', 'host', 2222],
    ['[::1]:22', '::1', 22],
    ['10.0.0.1:22', '10.0.0.1', 22],
    ['fe80::1', 'fe80::1', undefined],
    ['web[1:2]:22', 'web[1:2]', 22],
    ['my_host', 'my_host', undefined],
  ])('%s', (text, host, port) => {
    expect(parseAddress(text, true)).toEqual({ host, port });
  });

  // plain ASCII names take a fast path; it must not accept what Ansible's hostname pattern refuses
  it.each([
    ['node-1.example.com', true],
    ['_srv.x9', true],
    ['a', true],
    ['1.2.3.999', true],
    ['hôte.exemple', true],
    ['trailing-', false],
    ['trailing_', false],
    ['-leading', false],
    ['_', false],
    ['a..b', false],
    ['a.-b', false],
    ['a.b_', false],
  ])('%s is a valid hostname: %s', (name, valid) => {
    if (valid) expect(parseAddress(name, false).host).toBe(name);
    else expect(() => parseAddress(name, false)).toThrow(AddressError);
  });

  it('keeps the whole text as the name when it is not a valid address, as Ansible does', () => {
    expect(expandHostPattern('bad!name:22')).toEqual({ hosts: ['bad!name:22'], port: undefined });
  });

  it('knows IP addresses (for inventory_hostname_short)', () => {
    expect(isIpAddress('10.1.2.3')).toBe(true);
    expect(isIpAddress('::1')).toBe(true);
    expect(isIpAddress('m1.example.com')).toBe(false);
  });
});
