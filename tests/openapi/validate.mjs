// validate.mjs: check an OpenAPI document with an independent validator
// (@readme/openapi-parser: the official OpenAPI 3.0/3.1 JSON schemas plus
// $ref resolution), pinned by package-lock.json. Prints "ok" or every error
// and exits 1.
//   node tests/openapi/validate.mjs docs/openapi.json
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';

const file = process.argv[2];
if (!file) {
	console.error('usage: validate.mjs FILE');
	process.exit(2);
}
const doc = JSON.parse(readFileSync(file, 'utf8'));
if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.1.')) {
	console.error(`${file}: not an OpenAPI 3.1 document (openapi: ${doc.openapi})`);
	process.exit(1);
}
const r = await validate(structuredClone(doc));
if (!r.valid) {
	for (const e of r.errors)
		console.error(`${file}: ${e.message}`);
	process.exit(1);
}
for (const w of r.warnings || [])
	console.error(`${file}: warning: ${w.message}`);
console.log(`ok: ${file} is a valid OpenAPI ${doc.openapi} document`);
