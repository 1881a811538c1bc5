// Writes the swagger document the app build generated (app/target/swagger.json) in a stable form: the
// generator orders resource classes as the file system lists them, so tags are sorted by name and paths and
// definitions by key; everything else stays as generated. Usage: node normalize.js IN OUT
'use strict';
const fs = require('fs');

const [input, output] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(input, 'utf8'));
const sortedKeys = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
doc.tags.sort((a, b) => a.name.localeCompare(b.name));
doc.paths = sortedKeys(doc.paths);
doc.definitions = sortedKeys(doc.definitions);
fs.writeFileSync(output, JSON.stringify(doc, null, 2) + '\n');
