// Every .env file the extension reads, every value once: the glob, the name rule, the merge and the CLI's walk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { collectEnvSecrets, ENV_FILE_GLOB, isEnvFileName } from '../../../src/core/secrets/envSecrets';
import { MAX_ENV_FILES, readWorkspaceEnvFiles, readWorkspaceEnvSecrets } from '../../../src/core/secrets/workspaceEnv';

/**
 * The subset of VS Code's glob syntax the glob may use (`{a,b}`, `**` + "/", `*`), translated the way VS Code's
 * glob.ts does, to check what the glob matches. An empty brace alternative is refused: VS Code's file
 * search never matched a plain `.env` with `.env{,.local}`.
 */
function globToRegExp(glob: string): RegExp {
  const part = (p: string): string => {
    let out = '';
    for (let i = 0; i < p.length; i++) {
      if (p.startsWith('**/', i)) { out += '(?:[^/]*/)*'; i += 2; continue; }
      if (p[i] === '*') { out += '[^/]*'; continue; }
      if (p[i] === '{') {
        const close = p.indexOf('}', i);
        const choices = p.slice(i + 1, close).split(',');
        assert.ok(choices.every((c) => c !== ''), `empty brace alternative in ${glob}`);
        out += `(?:${choices.map(part).join('|')})`;
        i = close;
        continue;
      }
      assert.ok(!'[]?'.includes(p[i]), `unsupported glob syntax in ${glob}`);
      out += p[i].replace(/[.+^$()|\\]/g, '\\$&');
    }
    return out;
  };
  return new RegExp(`^${part(glob)}$`);
}

const READ = ['.env', '.env.local', '.env.development', '.env.development.local', '.env.test', '.env.test.local', '.env.production', '.env.staging', '.env.preview.local'];
const PLACEHOLDERS = ['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.local.example', '.env.example.local', '.env.EXAMPLE', '.env.development.sample', '.env.tpl', '.env.schema', '.env.local-example'];
const OTHERS = ['.envrc', '.environment', 'env', '.env.', 'x.env', 'app.env', '.env-local', 'README.md'];

describe('.env files: which are read', () => {
  it('ENV_FILE_GLOB has no empty brace alternative and matches .env and every .env.<name>, at any depth', () => {
    const re = globToRegExp(ENV_FILE_GLOB);
    for (const name of READ) {
      assert.match(name, re, name);
      assert.match(`apps/api/${name}`, re, `apps/api/${name}`);
    }
    for (const name of ['.envrc', '.environment', 'env', 'x.env', '.env-local']) assert.doesNotMatch(name, re, name);
  });

  it('isEnvFileName reads .env and .env.<name>, and not placeholders or other files', () => {
    for (const name of READ) assert.equal(isEnvFileName(name), true, name);
    for (const name of [...PLACEHOLDERS, ...OTHERS]) assert.equal(isEnvFileName(name), false, name);
  });

  it('every name the rule reads is one the glob finds', () => {
    const re = globToRegExp(ENV_FILE_GLOB);
    for (const name of [...READ, ...PLACEHOLDERS, ...OTHERS]) if (isEnvFileName(name)) assert.match(name, re, name);
  });
});

describe('.env files: every value once', () => {
  it('puts plain .env first, then the other files by name, each distinct value once with its first label', () => {
    const secrets = collectEnvSecrets([
      { label: '.env.local', text: 'SESSION_SECRET=local-secret\nAUTH_SECRET=shared' },
      { label: '.env.development', text: 'SESSION_SECRET=plain-secret\nCOOKIE_SECRET=dev-only' },
      { label: '.env', text: 'SESSION_SECRET=plain-secret\nAUTH_SECRET=shared' },
      { label: 'api/.env', text: 'SESSION_SECRET=api-secret' },
    ]);
    assert.deepEqual(secrets.map((s) => [s.label, s.value]), [
      ['SESSION_SECRET (.env)', 'plain-secret'],
      ['AUTH_SECRET (.env)', 'shared'],
      ['SESSION_SECRET (api/.env)', 'api-secret'],
      ['COOKIE_SECRET (.env.development)', 'dev-only'],
      ['SESSION_SECRET (.env.local)', 'local-secret'],
    ]);
  });

  it('gives the same result whatever order the files come in', () => {
    const files = [
      { label: '.env.test', text: 'SESSION_SECRET=t' },
      { label: '.env', text: 'SESSION_SECRET=p' },
      { label: '.env.local', text: 'SESSION_SECRET=l\nJWT_SECRET=t' },
    ];
    const expected = collectEnvSecrets(files).map((s) => s.label);
    assert.deepEqual(expected, ['SESSION_SECRET (.env)', 'SESSION_SECRET (.env.local)', 'JWT_SECRET (.env.local)'], 'the value t of .env.test is JWT_SECRET of .env.local');
    assert.deepEqual(collectEnvSecrets([...files].reverse()).map((s) => s.label), expected);
  });
});

describe('.env files: the walk of a directory (CLI --workspace)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'session-lens-env-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };

  it('reads every .env file under DIR, labelled relative to DIR, skipping placeholders, node_modules and .git', async () => {
    write('.env', 'SESSION_SECRET=plain');
    write('.env.local', 'SESSION_SECRET=local');
    write('.env.development', 'SESSION_SECRET=plain\nPORT=3000');
    write('.env.example', 'SESSION_SECRET=change-me');
    write('packages/api/.env.production', 'AUTH_SECRET=api');
    write('node_modules/lib/.env', 'SESSION_SECRET=from-a-dependency');
    write('.git/.env', 'SESSION_SECRET=from-git');
    const secrets = await readWorkspaceEnvSecrets(dir);
    assert.deepEqual(secrets.map((s) => [s.label, s.value]), [
      ['SESSION_SECRET (.env)', 'plain'],
      ['SESSION_SECRET (.env.local)', 'local'],
      ['AUTH_SECRET (packages/api/.env.production)', 'api'],
    ]);
  });

  it('stops at a bounded number of files and says so, and refuses a DIR it cannot list', async () => {
    for (let i = 0; i < MAX_ENV_FILES + 3; i++) write(`.env.f${String(i).padStart(2, '0')}`, `SESSION_SECRET=s${i}`);
    const found = await readWorkspaceEnvFiles(dir);
    assert.equal(found.files.length, MAX_ENV_FILES);
    assert.equal(found.notes.length, 1);
    assert.match(found.notes[0], /first 20 \.env files/);
    await assert.rejects(readWorkspaceEnvFiles(path.join(dir, 'missing')));
  });

  it('reads a symbolic link to a .env file and does not follow links to directories', async function () {
    write('shared/env.txt', 'SESSION_SECRET=linked');
    write('loop/.env.loop', 'SESSION_SECRET=loop');
    try {
      symlinkSync(path.join(dir, 'shared/env.txt'), path.join(dir, '.env'));
      symlinkSync(dir, path.join(dir, 'loop/again'));
    } catch {
      this.skip();
    }
    const secrets = await readWorkspaceEnvSecrets(dir);
    assert.deepEqual(secrets.map((s) => s.label), ['SESSION_SECRET (.env)', 'SESSION_SECRET (loop/.env.loop)']);
  });
});
