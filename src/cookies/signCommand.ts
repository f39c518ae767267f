// "Sign Cookie…": a session id + a secret -> the express-session / @fastify/session cookie and a Cookie header.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { DEFAULT_COOKIE_NAMES, newSessionId, signCookie, type SignFormat } from '../core/cookies/sign';
import type { DecodedDocuments } from './decodedDocument';

export interface SignArg {
  sid?: string;
  /** Label of a stored or .env secret. */
  secretLabel?: string;
  /** An ad hoc secret value (used once, never stored or shown). */
  secret?: string;
  format?: SignFormat;
  name?: string;
}

export interface SignResult {
  uri: vscode.Uri;
  value: string;
  header: string;
}

export async function signCookieCommand(services: Services, documents: DecodedDocuments, arg: SignArg = {}): Promise<SignResult | undefined> {
  const { secrets, log } = services;
  const format = arg.format ?? (await vscode.window.showQuickPick(
    [{ label: 'express-session', description: 's:<sid>.<signature>, URL-encoded, cookie connect.sid', id: 'express-session' as const },
      { label: '@fastify/session', description: '<sid>.<signature>, cookie sessionId', id: 'fastify-session' as const }],
    { title: 'Session Lens: Sign Cookie (1/3)', placeHolder: 'Which library reads the cookie?' }))?.id;
  if (!format) return undefined;

  const sid = arg.sid ?? await vscode.window.showInputBox({
    title: 'Session Lens: Sign Cookie (2/3)', prompt: 'The session id (a new random one is pre-filled)', value: newSessionId(), ignoreFocusOut: true,
    validateInput: (t) => (t && !/[\s;,]/.test(t) ? undefined : 'A session id without spaces, ";" or ","'),
  });
  if (sid === undefined) return undefined;

  let secret = arg.secret;
  let secretLabel = arg.secret !== undefined ? 'the secret given' : arg.secretLabel;
  if (secret === undefined) {
    const all = await secrets.list();
    if (arg.secretLabel !== undefined) {
      secret = all.find((s) => s.label === arg.secretLabel)?.value;
      if (secret === undefined) throw new Error(`no signing secret is labelled "${arg.secretLabel}"`);
    } else {
      const enter = { label: '$(key) Enter a secret…', id: -1 };
      const picked = await vscode.window.showQuickPick([...all.map((s, i) => ({ label: s.label, description: s.origin === 'env' ? '.env' : 'stored', id: i })), enter],
        { title: 'Session Lens: Sign Cookie (3/3)', placeHolder: 'The secret the server signs with (its first secret)' });
      if (!picked) return undefined;
      if (picked.id >= 0) {
        secret = all[picked.id].value;
        secretLabel = all[picked.id].label;
      } else {
        secret = await vscode.window.showInputBox({ title: 'Session Lens: Sign Cookie', prompt: 'The signing secret (used once; not stored)', password: true, ignoreFocusOut: true });
        if (secret === undefined) return undefined;
        secretLabel = 'a secret entered once';
      }
    }
  }
  log.addSecretValues([secret]);

  const signed = signCookie(format, sid, secret, arg.name ?? DEFAULT_COOKIE_NAMES[format]);
  if ('error' in signed) throw new Error(signed.error);
  const text = [
    '# Session Lens: signed cookie', '',
    `- **Library:** ${format}`, `- **Cookie name:** ${signed.name}`, `- **Session id:** \`${sid}\``, `- **Signed with:** ${secretLabel}`, '',
    'Cookie value:', '', '```text', signed.value, '```', '',
    'Header (HTTP client, .http file):', '', '```http', signed.header, '```', '',
    'curl:', '', '```sh', `curl ${signed.curl} http://localhost:3000/`, '```', '',
  ].join('\n');
  const uri = documents.addText('Signed Cookie', text, [secret]);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  log.info('cookies', `signed a ${format} cookie for session ${sid} with ${secretLabel}`);
  void vscode.window.showInformationMessage(`Session Lens: ${signed.name} signed.`, 'Copy Cookie Header').then(
    (choice) => (choice ? vscode.env.clipboard.writeText(signed.header) : undefined), () => undefined);
  return { uri, value: signed.value, header: signed.header };
}
