// Validate a project's YAML files as YAML 1.1 tools do (ajv-cli with js-yaml and the
// like): unquoted dates and times read as dates, JSON Schema 2020-12 by ajv. ajv, yaml
// and picomatch are yaml-language-server's own dependencies (package-lock.json).
// Usage: node yaml11_validate.js ROOT MAPPING.json; prints "path: ok" or "path: errors".
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const Ajv2020 = require("ajv/dist/2020").default;
const picomatch = require("picomatch");

const [root, mappingFile] = process.argv.slice(2);
const mapping = JSON.parse(fs.readFileSync(mappingFile, "utf8"));
const files = fs.readdirSync(root, { recursive: true }).filter((f) => f.endsWith(".yaml"));
for (const [schemaPath, globs] of Object.entries(mapping)) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(path.resolve(root, schemaPath), "utf8")));
  const included = picomatch(globs.filter((g) => !g.startsWith("!")));
  const excluded = picomatch(globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1)));
  for (const file of files.filter((f) => included(f) && !excluded(f))) {
    const data = YAML.parse(fs.readFileSync(path.join(root, file), "utf8"), { version: "1.1" });
    console.log(`${file}: ${validate(data) ? "ok" : JSON.stringify(validate.errors)}`);
  }
}
