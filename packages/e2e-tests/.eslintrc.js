module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // fixtures/ holds a whole other app, linted as that app would lint it, not as this package.
  ignorePatterns: ['fixtures/**'],
});
