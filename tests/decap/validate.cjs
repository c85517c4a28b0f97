// Validates a Decap CMS configuration (YAML) with the schema Decap itself uses at start-up:
// `constants/configSchema.js` of the decap-cms-core package, unpacked by `setup.sh`. The three
// modules it imports from the rest of Decap are replaced by their constant values.
// Usage: node validate.cjs <config.yml>   (exit 0 when Decap accepts it)
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const here = __dirname;
const schemaFile = path.join(here, "package", "dist", "esm", "constants", "configSchema.js");
let src = fs.readFileSync(schemaFile, "utf8");
src = src.replace(/^import .*$/gm, "").replace(/^export /gm, "");
const prelude = `
const AJV = require("ajv").default;
const { select, uniqueItemProperties, instanceof: instanceOf, prohibited } = require("ajv-keywords/dist/keywords");
const ajvErrorsModule = require("ajv-errors");
const ajvErrors = ajvErrorsModule.default || ajvErrorsModule;
const frontmatterFormats = ["yaml-frontmatter", "toml-frontmatter", "json-frontmatter"];
const extensionFormatters = { yml: 1, yaml: 1, toml: 1, json: 1, md: 1, markdown: 1, html: 1 };
const I18N_STRUCTURE = { MULTIPLE_FOLDERS: "multiple_folders", MULTIPLE_FILES: "multiple_files", SINGLE_FILE: "single_file" };
const I18N_FIELD = { TRANSLATE: "translate", DUPLICATE: "duplicate", NONE: "none" };
const WIDGETS = ["string", "text", "markdown", "datetime", "date", "boolean", "list", "object",
  "image", "file", "select", "number", "hidden", "relation", "map", "code", "color"];
const getWidgets = () => WIDGETS.map((name) => ({ name, schema: {} }));
`;
const mod = { exports: {} };
new Function("module", "require", prelude + src + "\nmodule.exports = { validateConfig, getConfigSchema };")(mod, require);

const config = YAML.parse(fs.readFileSync(process.argv[2], "utf8"));
console.error = () => {};
try {
  mod.exports.validateConfig(config);
  console.log("valid");
} catch (e) {
  process.stdout.write("invalid: " + String(e.message || e) + "\n");
  process.exit(1);
}
