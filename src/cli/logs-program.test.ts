import { describe, expect, it } from 'vitest';
import { isLogsCommand } from './logs-program.js';

describe('the lean `rampart logs` program', () => {
  it('is used for logs commands, global options before them included, and not for help or other commands', () => {
    expect(isLogsCommand(['logs', 'replay', 'a.log', '--playbook', 'p.yaml'])).toBe(true);
    expect(isLogsCommand(['--playbooks', 'dir', 'logs', 'replay', 'a.log'])).toBe(true);
    expect(isLogsCommand(['--playbooks=dir', 'logs', 'replay', 'a.log'])).toBe(true);
    expect(isLogsCommand(['logs'])).toBe(false);
    expect(isLogsCommand(['logs', 'replay', '--help'])).toBe(false);
    expect(isLogsCommand(['up'])).toBe(false);
    expect(isLogsCommand(['playbook', 'validate', 'logs'])).toBe(false);
  });
});
