import { describe, expect, it } from 'vitest';
import { regexHazard } from './regex-hazard.js';

describe('regexHazard: playbook regexes that would backtrack catastrophically are refused', () => {
  it.each([
    ['(a+)+$', /repetition inside a repetition \(a\+ /],
    ['(\\w+\\s?)*$', /repetition inside a repetition/],
    ['^(?:[a-z0-9]+)+$', /repetition inside a repetition/],
    ['(\\d{1,3})+', /repetition inside a repetition/],
    ['(a|a)*b', /repeated alternatives cannot start alike/],
    ['(a|ab)*c', /repeated alternatives cannot start alike/],
    ['(?:x(a|a))*', /repeated alternatives cannot start alike/],
    ['(?i)(?:Get|get)+', /repeated alternatives cannot start alike/],
    ['(.)\\1', /without backreferences/],
    ['[', /a regular expression that compiles/],
  ])('%s', (pattern, reason) => {
    expect(regexHazard(pattern)).toMatch(reason);
  });

  it.each([
    'union\\s+select',
    '(?i)union.*select',
    '(?:union|select).*from',
    '<script',
    '\\.(php|asp)$',
    '^/wp-(admin|login)',
    '(\\.\\./)+etc',
    '(\\d{1,3}\\.){3}\\d{1,3}',
    '(?:GET|POST)+',
    '(\\w|-)+',
    'a{2,}',
    '(?<=/)admin(?!\\.css)',
  ])('lets %s through', (pattern) => {
    expect(regexHazard(pattern)).toBeNull();
  });
});
