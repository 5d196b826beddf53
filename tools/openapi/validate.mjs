// Usage: node validate.mjs openapi.json
// Exits 0 when the document is a valid OpenAPI 3.x document, 1 otherwise.
import { Validator } from "@seriousme/openapi-schema-validator";
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs FILE");
  process.exit(2);
}
const validator = new Validator();
const doc = JSON.parse(readFileSync(file, "utf8"));
const res = await validator.validate(doc);
if (!res.valid) {
  console.error(JSON.stringify(res.errors, null, 2));
  process.exit(1);
}
console.log(`valid OpenAPI ${validator.version}`);
