// Entry of the extension-host suite: the same `run()` serves the code-server runner and @vscode/test-electron.
export { run } from './runSuite';
