// Mocha reporter: the spec reporter's output, plus the run's counts written as JSON to the file named by
// SESSION_LENS_STATS_FILE (read by scripts/test-all.mjs to print one summary line for all layers).
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SessionLensReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.SESSION_LENS_STATS_FILE;
      if (!file) return;
      const { passes, failures, pending, tests } = runner.stats ?? this.stats;
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending, tests }));
    });
  }
}
module.exports = SessionLensReporter;
