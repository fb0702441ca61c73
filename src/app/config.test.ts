import { describe, expect, it } from 'vitest';
import { RampartError } from '../shared/errors.js';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('uses embedded defaults when nothing is set, and treats empty variables as unset', () => {
    const config = readConfig({ DATABASE_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config).toMatchObject({
      RAMPART_PORT: 7300,
      RAMPART_HOST: '127.0.0.1',
      RAMPART_PLAYBOOKS: 'playbooks',
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      readConfig({ RAMPART_PORT: '99999', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).details.map((d) => d.path)).toEqual(['RAMPART_PORT', 'LOG_LEVEL']);
  });
});
