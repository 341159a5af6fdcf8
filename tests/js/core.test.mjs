// Unit tests of the self-assessment's rules in the browser (site_templates/selfassess/selfassess-core.js),
// run with Node's own test runner: the risk rule at its edges, month arithmetic, how numbers are written.
// The collector's side of the same rules is tested in Python; tests/test_selfassess_reader.py holds the two
// to the same verdicts in a real browser.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const SCRIPTS = ["selfassess-rules.js", "selfassess-core.js"].map(
  (name) => new URL(`../../site_templates/selfassess/${name}`, import.meta.url),
);

/** The rules and selfassess-core.js loaded as a page loads them, with the edition's data they need. */
function loadCore(questions = []) {
  const window = { GPQS_SELFASSESS: { questions, form_messages: {} } };
  const context = vm.createContext({ window, Date, Number, String, Math, Array, Object, JSON });
  for (const script of SCRIPTS) {
    vm.runInContext(readFileSync(script, "utf8"), context);
  }
  return window;
}

const { GPQS: G, GPQS_RULES: R } = loadCore();
const RECEIVED = { year: 2031, month: 8, day: 15 };
/** A question as edition.js gives it, of the answer kind named ("fixed", "number", "date" or "text"). */
const rule = (kind, fields) => ({
  answer_type: { kind }, answers: [], risk_answers: [], risk_below: null, risk_above: null,
  risk_older_than_months: null, ...fields,
});

test("a date flags a risk only when it is before the cut-off, not on it", () => {
  const q = rule("date", { risk_older_than_months: 36 });
  assert.equal(G.flagsRisk(q, "2028-08-14", RECEIVED), true);
  assert.equal(G.flagsRisk(q, "2028-08-15", RECEIVED), false);
  assert.equal(G.flagsRisk(q, "2028-08-16", RECEIVED), false);
  assert.equal(G.flagsRisk(q, "", RECEIVED), false);
  assert.equal(G.flagsRisk(q, "not a date", RECEIVED), false);
});

test("a month back from a month's last day lands on the shorter month's last day", () => {
  const back = (day, months) => ({ ...R.monthsBefore(day, -months) }); // an object of this realm, to compare
  assert.deepEqual(back({ year: 2031, month: 3, day: 31 }, -1), { year: 2031, month: 2, day: 28 });
  assert.deepEqual(back({ year: 2032, month: 2, day: 29 }, -12), { year: 2031, month: 2, day: 28 });
  assert.deepEqual(back({ year: 2031, month: 1, day: 15 }, -1), { year: 2030, month: 12, day: 15 });
});

test("a number flags a risk strictly below or above its thresholds", () => {
  const below = rule("number", { risk_below: 90 });
  assert.equal(G.flagsRisk(below, "89.99", RECEIVED), true);
  assert.equal(G.flagsRisk(below, "90", RECEIVED), false);
  assert.equal(G.flagsRisk(below, "100", RECEIVED), false);
  const above = rule("number", { risk_above: 0 });
  assert.equal(G.flagsRisk(above, "0", RECEIVED), false);
  assert.equal(G.flagsRisk(above, "0.01", RECEIVED), true);
  assert.equal(G.flagsRisk(above, "abc", RECEIVED), false);
});

test("a fixed answer flags a risk when the standards list it", () => {
  const q = rule("fixed", {
    answers: ["yes", "partial", "no", "not applicable"], risk_answers: ["no", "partial"],
  });
  assert.equal(G.flagsRisk(q, "no", RECEIVED), true);
  assert.equal(G.flagsRisk(q, " partial ", RECEIVED), true);
  assert.equal(G.flagsRisk(q, "yes", RECEIVED), false);
});

test("numbers are written as the collector writes them: no point on a whole number, never rounded", () => {
  assert.equal(G.numberText(100), "100");
  assert.equal(G.numberText(1234567), "1234567");
  assert.equal(G.numberText(2.75), "2.75");
  assert.equal(G.numberText(null), "");
});
