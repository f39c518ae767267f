// Automatic following of debug sessions: only in trusted workspaces, and only with the setting on (default).
import assert from 'node:assert/strict';
import { mayFollowAutomatically } from '../../../src/core/inspector/followPolicy';

describe('following debug sessions automatically', () => {
  const cases: [trusted: boolean, setting: boolean | undefined, expected: boolean][] = [
    [true, true, true],
    [true, undefined, true],
    [true, false, false],
    [false, true, false],
    [false, undefined, false],
    [false, false, false],
  ];
  for (const [workspaceTrusted, autoConnectSetting, expected] of cases) {
    it(`${workspaceTrusted ? 'trusted' : 'untrusted'} workspace, setting ${autoConnectSetting ?? 'unset'}: ${expected ? 'follows' : 'does not follow'}`, () => {
      assert.equal(mayFollowAutomatically({ workspaceTrusted, autoConnectSetting }), expected);
    });
  }
});
