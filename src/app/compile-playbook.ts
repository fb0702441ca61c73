import { compileRule } from '../detector/index.js';
import { compileGatewayConfig } from '../gateway/index.js';
import { compileTemplate } from '../notify/index.js';
import {
  loadPlaybook,
  playbookErrorAt,
  type Playbook,
  type PlaybookError,
  type PlaybookLoadResult,
} from '../playbook/index.js';
import { isRampartError } from '../shared/errors.js';
import { gatewayInputFromPlaybook } from './gateway-input.js';

type Path = (string | number)[];

/** "detection.rules[name].trigger.errors" or "gateway.rate_limits[0].key" → a path a YAML node can be found by. */
function toPath(text: string, playbook: Playbook): Path {
  const path: Path = [];
  for (const part of text.replace(/^gateway config: /, '').split('.')) {
    const m = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m?.[1]) continue;
    path.push(m[1]);
    for (const index of (m[2] ?? '').matchAll(/\[([^\]]*)\]/g)) {
      const key = index[1] ?? '';
      if (/^\d+$/.test(key)) path.push(Number(key));
      else if (m[1] === 'rules') path.push(playbook.detection.rules.findIndex((r) => r.name === key));
      else path.push(key);
    }
  }
  return path;
}

function asError(error: unknown, file: string, playbook: Playbook, fallback: Path): PlaybookError {
  if (!isRampartError(error)) throw error;
  const detail = error.details[0];
  const path = detail?.path ? toPath(detail.path, playbook) : fallback;
  return playbookErrorAt(
    file,
    path.length > 0 ? path : fallback,
    detail?.message ?? error.message,
    'a value start-up refuses',
  );
}

/**
 * Everything `rampart up` compiles from one parsed playbook before it serves, without starting anything: the
 * notifier's templates (every placeholder a known variable), the detector's rules (filters, group keys,
 * triggers, patterns) and the gateway's config (routes, limits, switches, tokens). Start-up runs it on every
 * playbook it loads (app/open-desk.ts) and `rampart playbook validate` runs this same function, so validate
 * refuses exactly what up refuses. What only the environment decides (a JWT secret's variable, a monitor's
 * `${NAME}`) is checked at start-up alone.
 */
export function compilePlaybook(playbook: Playbook, file: string): PlaybookError[] {
  const errors: PlaybookError[] = [];
  playbook.comms.templates.forEach((template, i) => {
    try {
      compileTemplate(template, playbook.service.name);
    } catch (error) {
      const part = isRampartError(error) && error.details[0]?.path?.endsWith('.subject') ? 'subject' : 'body';
      if (!isRampartError(error)) throw error;
      errors.push(
        playbookErrorAt(
          file,
          ['comms', 'templates', i, part],
          'only known template variables',
          error.message.replace(/^.*uses /, ''),
        ),
      );
    }
  });
  playbook.detection.rules.forEach((rule, i) => {
    try {
      compileRule(rule, playbook);
    } catch (error) {
      errors.push(asError(error, file, playbook, ['detection', 'rules', i]));
    }
  });
  if (playbook.gateway) {
    try {
      // Secrets come from the environment at start-up; the shape of every token, limit and route does not.
      const input = gatewayInputFromPlaybook(playbook, { env: {}, missingJwtSecret: 'read-claims' }, file);
      compileGatewayConfig(input, {});
    } catch (error) {
      errors.push(asError(error, file, playbook, ['gateway']));
    }
  }
  return errors;
}

/** A loaded playbook that start-up would also refuse becomes a failed result, with the compilers' errors. */
export function withStartupChecks(result: PlaybookLoadResult): PlaybookLoadResult {
  if (!result.ok) return result;
  const errors = compilePlaybook(result.playbook, result.file);
  return errors.length > 0 ? { ok: false, file: result.file, errors } : result;
}

/** What `rampart playbook validate` checks for one file: loading, then everything start-up compiles. */
export async function checkPlaybookFile(
  file: string,
  options: { cwd?: string } = {},
): Promise<PlaybookLoadResult> {
  return withStartupChecks(await loadPlaybook(file, options));
}
