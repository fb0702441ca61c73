/**
 * The smallest playbook of a service behind nginx (no gateway section) for the enforcement tests, followed by
 * `tail` (its `detection:` and `enforcement:` sections). Default tail: blocks served to CrowdSec bouncers.
 */
export function shopPlaybook(tail = 'enforcement:\n  bouncers: true\n'): string {
  return `rampart: 1
service:
  name: shop
  title: Shop
  upstream: { url: "http://127.0.0.1:9" }
  routes: [{ name: login, pattern: /login }]
severity:
  scale: [{ name: SEV-1, rank: 1 }, { name: SEV-2, rank: 2 }]
  default: SEV-2
checklist:
  phases: [{ name: Now, time_box: 15m, steps: [{ id: look, title: Look }] }]
${tail}`;
}
