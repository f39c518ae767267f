// Everything the rules read about one file, built once per lint run.
import type * as t from '@babel/types';
import { FileIndex, indexFile, isFunctionNode } from './ast';
import { Bindings } from './bindings';
import { CodeStyle, detectStyle } from './edits';
import { CookieCall, SessionSite, findCookieCalls, findSessionSites } from './sites';
import type { MemoKey } from './memo';
import type { LintEnvironment } from './types';
import { Evaluator } from './values';

export class FileModel {
  readonly index: FileIndex;
  readonly bindings: Bindings;
  readonly evaluator: Evaluator;
  readonly style: CodeStyle;
  private sitesCache?: SessionSite[];
  private cookieCallsCache?: CookieCall[];
  /** What rules derive from the file once and share (see `memo`). */
  private readonly memos = new Map<MemoKey<unknown>, unknown>();

  constructor(readonly source: string, readonly file: t.File, readonly fileName: string, readonly environment: LintEnvironment) {
    this.index = indexFile(file);
    this.bindings = new Bindings(this.index);
    this.evaluator = new Evaluator(this.index, this.bindings, source);
    this.style = detectStyle(file, source, this.index.quotes);
  }

  get sites(): SessionSite[] {
    return (this.sitesCache ??= findSessionSites(this));
  }

  get cookieCalls(): CookieCall[] {
    return (this.cookieCallsCache ??= findCookieCalls(this));
  }

  /**
   * The value `build` derives from this file, built on first use and kept with the model. (A module-level
   * WeakMap keyed by the model would do the same, but V8's young-generation GC keeps the keys of a long-lived
   * WeakMap alive, so every file's tree was promoted to the old generation: linting spent 40% of its time in GC.)
   */
  memo<T>(key: MemoKey<T>, build: (model: FileModel) => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = build(this);
    this.memos.set(key, value);
    return value;
  }

  text(node: t.Node): string {
    return this.source.slice(node.start ?? 0, node.end ?? 0);
  }

  /** The statement (direct child of a block or the program) that contains `node`. */
  statementOf(node: t.Node): t.Node {
    let current = node;
    for (let p = this.index.parents.get(current); p; p = this.index.parents.get(p)) {
      if (p.type === 'Program' || p.type === 'BlockStatement' || p.type === 'StaticBlock' || p.type === 'SwitchCase') return current;
      current = p;
    }
    return current;
  }

  enclosingFunction(node: t.Node): t.Function | undefined {
    for (let p = this.index.parents.get(node); p; p = this.index.parents.get(p)) if (isFunctionNode(p)) return p;
    return undefined;
  }

  usesModule(...modules: string[]): boolean {
    return modules.some((m) => this.bindings.modules.has(m));
  }

  /**
   * A dependency's version as [major, minor]: the installed one when the adapter found it, else the lowest version
   * the declared range allows; undefined when the project does not list it or the range names no version.
   */
  dependencyVersion(name: string): [number, number] | undefined {
    const range = this.environment.installed?.[name] ?? this.environment.dependencies?.[name];
    // The lookbehind starts a match only at the first digit of a run (no quadratic retries inside long runs).
    const m = range ? /(?<!\d)(\d+)\.(\d+)/.exec(range) ?? /(\d+)/.exec(range) : null;
    return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
  }
}
