// The browser's scripts decide by each question's answer_type.kind ("fixed", "number", "date" or "text"), as
// edition.js gives it from generator/answertypes.py, never by a type's name: a type added there of a kind that
// exists needs no JavaScript. This walks every script's syntax tree (TypeScript's parser) for a type's name.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import ts from "typescript";

const DIR = new URL("../../site_templates/selfassess/", import.meta.url);

/** Names that are only ever answer types: found anywhere, as a string or a name. */
const NAMES = new Set(["yes_no_partial_na", "yes_no_partial", "yes_no", "choice"]);
/** Types named by ordinary words (also kinds): found only where compared with or looked up by a `type`. */
const WORDS = new Set(["number", "date", "text"]);

/** Whether a node reads a `type`: `q.type`, `q["type"]` or a variable named type. */
function readsType(node) {
  if (ts.isPropertyAccessExpression(node)) { return node.name.text === "type"; }
  if (ts.isElementAccessExpression(node)) { return ts.isStringLiteral(node.argumentExpression) && node.argumentExpression.text === "type"; }
  return ts.isIdentifier(node) && node.text === "type";
}

const COMPARE = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken,
]);

/** The answer types a script names, as [name, line]. */
export function namedTypes(source, file = "script.js") {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const found = [];
  const at = (node, name) => found.push([name, tree.getLineAndCharacterOfPosition(node.getStart()).line + 1]);
  const visit = (node) => {
    if ((ts.isStringLiteral(node) || ts.isIdentifier(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
        NAMES.has(node.text)) {
      at(node, node.text);
    }
    if (ts.isBinaryExpression(node) && COMPARE.has(node.operatorToken.kind)) {
      for (const [one, other] of [[node.left, node.right], [node.right, node.left]]) {
        if (ts.isStringLiteral(one) && WORDS.has(one.text) && readsType(other)) { at(one, one.text); }
      }
    }
    if (ts.isSwitchStatement(node) && readsType(node.expression)) {
      for (const clause of node.caseBlock.clauses) {
        if (ts.isCaseClause(clause) && ts.isStringLiteral(clause.expression) && WORDS.has(clause.expression.text)) {
          at(clause.expression, clause.expression.text);
        }
      }
    }
    if (ts.isElementAccessExpression(node) && readsType(node.argumentExpression) &&
        ts.isObjectLiteralExpression(node.expression)) {
      for (const property of node.expression.properties) {
        if (property.name && WORDS.has(property.name.text)) { at(property.name, property.name.text); }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

test("no script of the self-assessment names an answer type", () => {
  const scripts = readdirSync(DIR).filter((name) => name.endsWith(".js"));
  assert.ok(scripts.length >= 6);
  const found = {};
  for (const name of scripts) {
    const names = namedTypes(readFileSync(new URL(name, DIR), "utf8"), name);
    if (names.length) { found[name] = names; }
  }
  assert.deepEqual(found, {});
});

test("the scan finds a branch on a type's name, and not an ordinary word", () => {
  const names = (source) => namedTypes(source).map(([name]) => name);
  assert.deepEqual(names('if (q.type === "number") { go(); }'), ["number"]);
  assert.deepEqual(names('if ("date" !== question["type"]) { go(); }'), ["date"]);
  assert.deepEqual(names("var RADIO = { yes_no: true, yes_no_partial_na: true, choice: true };"),
    ["yes_no", "yes_no_partial_na", "choice"]);
  assert.deepEqual(names('if (q.type === "yes_no") { go(); }'), ["yes_no"]);
  assert.deepEqual(names('switch (q.type) { case "text": go(); }'), ["text"]);
  assert.deepEqual(names('var input = { number: 1, text: 2 }[q.type];'), ["number", "text"]);
  assert.deepEqual(names('if (q.answer_type.kind === "date") { go(); }'), []);
  assert.deepEqual(names('var kind = spec.type || "any"; if (kind === "number") { go(); }'), []);
  assert.deepEqual(names('input.type = "text"; var d = { date: read };'), []);
  assert.deepEqual(names("// a choice of yes_no answers\nvar a = 1;"), []);
});
