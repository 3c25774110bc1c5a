// The repository's templates/ ship inside this package, so that an app registers them
// from node_modules without copying files: copied in before npm pack, removed after.
const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '../../../templates');
const target = path.resolve(__dirname, '../templates');

if (process.argv[2] === 'copy') {
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(source, target, { recursive: true });
} else if (process.argv[2] === 'remove') {
  fs.rmSync(target, { recursive: true, force: true });
} else {
  throw new Error('usage: node scripts/packTemplates.js copy|remove');
}
