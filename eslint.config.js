// The linter of the site's JavaScript (site_templates/) and its unit tests (tests/js/), run by the test command.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["site_templates/assets/iframe-worker-shim.js"] }, // vendored, kept as its authors wrote it
  js.configs.recommended,
  {
    files: ["site_templates/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      "no-var": "off", // the scripts are written for every browser a practice may have, in ES5 style with var
      eqeqeq: "error",
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      strict: ["error", "function"],
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    rules: { eqeqeq: "error", "no-shadow": "error" },
  },
];
