import { describe, expect, it } from 'vitest';
import { requestEvent } from '../testing/events.js';
import { groupKeyOf, MAX_KEY_LENGTH } from './event-fields.js';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])/;
const NO_ROUTES = new Map<string, string>();

describe('group keys of hostile text', () => {
  const byAgent = groupKeyOf(['user_agent'], NO_ROUTES);
  const byAgentAndPath = groupKeyOf(['user_agent', 'path'], NO_ROUTES);
  const agent = (userAgent: string) => requestEvent({ userAgent });

  it('are made visible, one field or several', () => {
    expect(byAgent(agent('x\u001b[31m\r\n\u202e'))).toBe('x\\x1b[31m\\r\\n\\u202e');
    expect(byAgentAndPath(requestEvent({ userAgent: 'ua\u0085', path: '/p\u2028' }))).toBe('ua\\x85|/p\\u2028');
  });

  it('stay apart when the values differ: a raw ESC and the text "\\x1b" are two keys', () => {
    const keys = ['\u001b', '\\x1b', '\\\u001b', '\u202e', '\\u202e', '\r\n', '\\r\\n'].map((ua) => byAgent(agent(ua)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are cut to MAX_KEY_LENGTH after escaping, before an escape or a surrogate pair rather than through it', () => {
    for (const filler of ['', 'a', 'ab', 'abc', 'abcd', 'abcde']) {
      for (const tail of ['\u001b', '\u202e', '🚀', '\\']) {
        const key = byAgent(agent(filler + tail.repeat(400))) ?? '';
        expect(key.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
        expect(key.length).toBeGreaterThan(MAX_KEY_LENGTH - 6);
        expect(key).not.toMatch(HIDDEN);
        expect(key).not.toMatch(/(^|[^\\])(\\\\)*\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$/);
      }
    }
    const combined = byAgentAndPath(requestEvent({ userAgent: '\u001b'.repeat(100), path: '/p' })) ?? '';
    expect(combined.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
    expect(combined).not.toMatch(HIDDEN);
  });

  it('of several fields stay apart when a value holds the separator: ("a|b", "c") is not ("a", "b|c")', () => {
    const key = (userAgent: string, path: string) => byAgentAndPath(requestEvent({ userAgent, path }));
    const keys = [key('a|b', 'c'), key('a', 'b|c'), key('a\\x7cb', 'c'), key('a', 'b\\x7cc')];
    expect(new Set(keys).size).toBe(4);
    expect(key('a|b', 'c')).toBe('a\\x7cb|c');
    expect(key('Mozilla/5.0', '/api')).toBe('Mozilla/5.0|/api');
  });

  it('leave ordinary text as it was', () => {
    expect(byAgent(agent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Ünïcödé 🚀'))).toBe(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Ünïcödé 🚀',
    );
  });
});
