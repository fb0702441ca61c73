import type { RequestEvent } from '../domain/request-event.js';
import type { RuleRunner } from './rule-runner.js';
import { routeNameOf } from './rules/index.js';
import type { IndexKeys, RouteNames } from './rules/index.js';

interface PathNode {
  next: Map<number, PathNode> | undefined;
  /** Rules (by order) one of whose path prefixes ends here. */
  rules: number[] | undefined;
}

/** Leaves of the signature tree hold at most this many methods; others are computed per event. */
const MAX_METHODS = 32;
const MAX_ROUTES = 256;
const NO_RULES: readonly RuleRunner[] = [];

/**
 * The rules of one event source, indexed so an event meets only the rules that can match it. Rules whose path
 * must start with literal prefixes sit in a trie of those prefixes: a walk along the event's path finds them.
 * The others are looked up by the event's signature (route name, status class, decision, method), whose rule
 * list is computed once per signature and kept. Both kinds are then checked against the signature, and the
 * candidates keep the rules' own order, so signals come out as they would without the index.
 */
export class RuleIndex {
  private readonly runners: readonly RuleRunner[];
  private readonly keys: readonly IndexKeys[];
  private readonly bySignature: number[] = [];
  private readonly root: PathNode = { next: undefined, rules: undefined };
  private readonly hasPaths: boolean;
  private readonly tree = new Map<string, (Map<string, Map<string, readonly RuleRunner[]>> | undefined)[]>();
  /** Per rule: the event count at which the path walk last took it, so a rule is taken once per event. */
  private readonly taken: number[];
  private stamp = 0;
  private readonly order: ReadonlyMap<RuleRunner, number>;

  constructor(
    runners: readonly RuleRunner[],
    private readonly routes: RouteNames,
  ) {
    this.runners = runners;
    this.keys = runners.map((r) => r.rule.index);
    this.taken = runners.map(() => -1);
    this.order = new Map(runners.map((r, i) => [r, i]));
    let hasPaths = false;
    this.keys.forEach((keys, order) => {
      if (keys.pathPrefixes === undefined) {
        this.bySignature.push(order);
        return;
      }
      hasPaths = true;
      for (const prefix of keys.pathPrefixes) this.addPrefix(prefix, order);
    });
    this.hasPaths = hasPaths;
  }

  private addPrefix(prefix: string, order: number): void {
    let at = this.root;
    for (let i = 0; i < prefix.length; i++) {
      const code = prefix.charCodeAt(i);
      at.next ??= new Map();
      let child = at.next.get(code);
      if (child === undefined) at.next.set(code, (child = { next: undefined, rules: undefined }));
      at = child;
    }
    at.rules ??= [];
    if (!at.rules.includes(order)) at.rules.push(order);
  }

  /** The rules this event may match, in their own order. */
  candidates(event: RequestEvent): readonly RuleRunner[] {
    const route = routeNameOf(event, this.routes) ?? '';
    const status = event.status;
    const statusClass = status >= 900 || status < 0 ? 9 : Math.floor(status / 100);
    const listed = this.signatureRules(route, statusClass, event.decision, event.method);
    if (!this.hasPaths || event.path === '') return listed;
    const hits = this.pathHits(event.path, route, statusClass, event.decision, event.method);
    if (hits === undefined) return listed;
    const merged = [...listed, ...hits.map((order) => this.runners[order] as RuleRunner)];
    const order = this.order;
    return merged.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  }

  private pathHits(path: string, route: string, statusClass: number, decision: string, method: string): number[] | undefined {
    const stamp = ++this.stamp;
    let hits: number[] | undefined;
    let at: PathNode | undefined = this.root;
    for (let i = 0; i < path.length; i++) {
      at = at.next?.get(path.charCodeAt(i));
      if (at === undefined) break;
      if (at.rules === undefined) continue;
      for (const order of at.rules) {
        if (this.taken[order] === stamp) continue;
        this.taken[order] = stamp;
        if (admits(this.keys[order] as IndexKeys, route, statusClass, decision, method)) (hits ??= []).push(order);
      }
    }
    return hits;
  }

  private signatureRules(route: string, statusClass: number, decision: string, method: string): readonly RuleRunner[] {
    if (this.bySignature.length === 0) return NO_RULES;
    let classes = this.tree.get(route);
    if (classes === undefined) {
      if (this.tree.size >= MAX_ROUTES) return this.compute(route, statusClass, decision, method);
      this.tree.set(route, (classes = new Array<undefined>(10)));
    }
    let decisions = classes[statusClass];
    if (decisions === undefined) classes[statusClass] = decisions = new Map<string, Map<string, readonly RuleRunner[]>>();
    let methods = decisions.get(decision);
    if (methods === undefined) decisions.set(decision, (methods = new Map<string, readonly RuleRunner[]>()));
    let list = methods.get(method);
    if (list === undefined) {
      list = this.compute(route, statusClass, decision, method);
      if (methods.size < MAX_METHODS) methods.set(method, list);
    }
    return list;
  }

  private compute(route: string, statusClass: number, decision: string, method: string): readonly RuleRunner[] {
    const list = this.bySignature
      .filter((order) => admits(this.keys[order] as IndexKeys, route, statusClass, decision, method))
      .map((order) => this.runners[order] as RuleRunner);
    return list.length === 0 ? NO_RULES : list;
  }
}

function admits(keys: IndexKeys, route: string, statusClass: number, decision: string, method: string): boolean {
  if (keys.statusClasses !== undefined && !keys.statusClasses.has(statusClass)) return false;
  if (keys.routes !== undefined && !keys.routes.has(route)) return false;
  if (keys.decisions !== undefined && !keys.decisions.has(decision)) return false;
  return keys.methods === undefined || keys.methods.has(method);
}
