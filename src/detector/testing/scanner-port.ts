import { nginxLine } from './log-lines.js';

/**
 * A scanner-path list ported the way the issue describes it was, before filters had lists: one rule per path
 * (each counting only its own hits). It stands for a big playbook in the rule-index bench and tests.
 */
const PROBES = [
  '/wp-login.php', '/wp-admin/', '/xmlrpc.php', '/.env', '/.git/config', '/.git/HEAD', '/phpmyadmin/', '/pma/',
  '/adminer.php', '/server-status', '/config.php', '/config.json', '/backup.zip', '/backup.sql', '/db.sql',
  '/dump.sql', '/.aws/credentials', '/.ssh/id_rsa', '/.htaccess', '/.htpasswd', '/web.config', '/composer.json',
  '/composer.lock', '/package.json', '/.DS_Store', '/debug.log', '/error.log', '/actuator/env', '/actuator/health',
  '/console/', '/manager/html', '/solr/admin/', '/jenkins/', '/cgi-bin/test.cgi', '/shell.php', '/cmd.php',
  '/eval-stdin.php', '/vendor/phpunit/', '/telescope/requests', '/_profiler/', '/info.php', '/phpinfo.php',
  '/test.php', '/setup.php', '/install.php', '/owa/', '/autodiscover/autodiscover.xml', '/ecp/', '/remote/login',
  '/boaform/admin/formLogin', '/HNAP1/', '/GponForm/diag_Form', '/cgi-bin/luci', '/api/jsonws/invoke',
  '/solr/', '/druid/index.html', '/nacos/', '/.vscode/sftp.json', '/sftp-config.json', '/wp-config.php.bak',
];
const DIRS = ['', '/old', '/backup', '/wp', '/blog', '/test', '/site', '/new', '/admin', '/dev'];

export const SCANNER_PATHS: readonly string[] = DIRS.flatMap((dir) => PROBES.map((probe) => `${dir}${probe}`));

/** YAML-shaped rules, as a playbook would have them: half also require a 404/403, all group per address. */
export function scannerPortRules(count = SCANNER_PATHS.length): Record<string, unknown>[] {
  return SCANNER_PATHS.slice(0, count).map((path, i) => ({
    name: `scan-${i}`,
    source: 'gateway',
    filter: i % 2 === 0 ? { path: `${path}*`, status: [404, 403] } : { path },
    group_by: ['ip'],
    trigger: { type: 'threshold', count: 3, window: '10m' },
  }));
}

/** nginx lines of one scanner trying `paths`, `times` over, from `start`, a request every `gapMs`. */
export function* scannerLines(ip: string, paths: readonly string[], times: number, start: number, gapMs = 200): Generator<string> {
  let time = start;
  for (let round = 0; round < times; round++)
    for (const path of paths) {
      time += gapMs;
      yield nginxLine({ time, ip, method: 'GET', uri: path, status: 404, bytes: 162, userAgent: 'Mozilla/5.0 zgrab/0.x', requestTime: 0.001 });
    }
}
