// Unit tests of the rules module every self-assessment page loads (site_templates/selfassess/selfassess-rules.js)
// and of selfassess-core.js's pure functions, at their edges: calendar dates, month arithmetic, the risk rule's
// cut-offs, a number at each bound and one beyond, typed date parts, the words messages join.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

const DIR = new URL("../../site_templates/selfassess/", import.meta.url);

/** The scripts named, run as a page runs them; the window they fill in. */
function load(names, data) {
  const window = { GPQS_SELFASSESS: data };
  const context = vm.createContext({ window, Date, Number, String, Math, Array, Object, JSON, RegExp });
  for (const name of names) { vm.runInContext(readFileSync(new URL(name, DIR), "utf8"), context); }
  return window;
}

const MESSAGES = {
  select_missing: "select {id}", number_missing: "number {id}", number_not_number: "not a number {id}",
  number_between: "between {minimum} and {maximum}", number_at_least: "at least {minimum}",
  number_at_most: "at most {maximum}", date_missing: "date {id}", date_incomplete: "date lacks {parts}",
  date_not_real: "not a real date", text_missing: "text {id}", action_missing: "action",
  action_owner_missing: "owner", action_due_missing: "due",
};
const window = load(["selfassess-rules.js", "selfassess-core.js"], {
  questions: [], form_messages: MESSAGES, action_plan_required: true,
});
const R = window.GPQS_RULES;
const G = window.GPQS;
const plain = (value) => JSON.parse(JSON.stringify(value)); // an object of this realm, to compare

/** A question as edition.js gives it, of the answer kind named. */
const question = (kind, fields = {}) => ({
  question_id: "Q1.1", required: true, answers: [], risk_answers: [], risk_below: null, risk_above: null,
  risk_older_than_months: null, minimum: null, maximum: null, unit: "", answer_type: { kind }, ...fields,
});

test("a calendar date is real only within Python's years and each month's days", () => {
  assert.deepEqual(plain(R.realDate(1, 1, 1)), { year: 1, month: 1, day: 1 });
  assert.deepEqual(plain(R.realDate(9999, 12, 31)), { year: 9999, month: 12, day: 31 });
  assert.equal(R.realDate(0, 12, 31), null);
  assert.equal(R.realDate(10000, 1, 1), null);
  assert.equal(R.realDate(2024, 13, 1), null);
  assert.equal(R.realDate(2024, 4, 31), null);
  assert.ok(R.realDate(2024, 2, 29)); // a leap year
  assert.ok(R.realDate(2000, 2, 29)); // divisible by 400
  assert.equal(R.realDate(1900, 2, 29), null); // divisible by 100 only
  assert.equal(R.realDate(2023, 2, 29), null);
  assert.equal(R.realDate(2024, 1, 0), null);
});

test("an ISO date is read strictly: four-digit year, two-digit month and day, a real day", () => {
  assert.deepEqual(plain(R.parseIsoDate("2024-02-29")), { year: 2024, month: 2, day: 29 });
  assert.equal(R.parseIsoDate("2023-02-29"), null);
  assert.equal(R.parseIsoDate("2024-2-9"), null);
  assert.equal(R.parseIsoDate("20240209"), null);
  assert.equal(R.parseIsoDate(" 2024-02-09"), null);
  assert.equal(R.parseIsoDate(""), null);
  assert.equal(R.isoDate({ year: 987, month: 3, day: 4 }), "0987-03-04");
});

test("months back land on the same day, or the shorter month's last day, across years", () => {
  assert.deepEqual(plain(R.monthsBefore({ year: 2024, month: 2, day: 29 }, 12)), { year: 2023, month: 2, day: 28 });
  assert.deepEqual(plain(R.monthsBefore({ year: 2025, month: 5, day: 31 }, 3)), { year: 2025, month: 2, day: 28 });
  assert.deepEqual(plain(R.monthsBefore({ year: 2025, month: 1, day: 15 }, 1)), { year: 2024, month: 12, day: 15 });
  assert.deepEqual(plain(R.monthsBefore({ year: 2025, month: 1, day: 15 }, 0)), { year: 2025, month: 1, day: 15 });
  assert.deepEqual(plain(R.monthsBefore({ year: 2024, month: 12, day: 31 }, -2)), { year: 2025, month: 2, day: 28 });
});

test("a date flags a risk from the day before its cut-off, not on it nor after", () => {
  const q = question("date", { risk_older_than_months: 12 });
  const received = { year: 2025, month: 3, day: 31 }; // a year back from a long month: no 31 February
  assert.equal(R.flagsRisk(q, "2024-03-30", received), true);
  assert.equal(R.flagsRisk(q, "2024-03-31", received), false);
  assert.equal(R.flagsRisk(q, "2024-04-01", received), false);
  const leap = { year: 2024, month: 2, day: 29 };
  assert.equal(R.flagsRisk(q, "2023-02-27", leap), true);
  assert.equal(R.flagsRisk(q, "2023-02-28", leap), false);
  assert.equal(R.flagsRisk(question("date"), "1999-01-01", leap), false); // no rule, no risk
  assert.equal(R.flagsRisk(q, "31/01/2020", leap), false); // not the collector's date
});

test("never done is read as never, and flags a risk wherever an old date would", () => {
  const q = question("date", { risk_older_than_months: 12 });
  const day = { year: 2025, month: 3, day: 31 };
  for (const never of ["never", "Never", "never done", "NEVER DONE"]) {
    assert.deepEqual(plain(R.readAnswer(q, never)), { value: "never", problem: "" });
    assert.equal(R.flagsRisk(q, never, day), true);
  }
  assert.equal(R.flagsRisk(question("date"), "never", day), false); // no age rule, no risk
  assert.equal(R.readAnswer(q, "nevermore").problem, "answer_not_date");
  assert.equal(R.readAnswer(question("number"), "never").problem, "answer_not_number");
});

test("a number flags a risk strictly beyond a threshold; not a number, or a blank, never does", () => {
  const q = question("number", { risk_below: 10, risk_above: 20 });
  const day = { year: 2025, month: 1, day: 1 };
  assert.equal(R.flagsRisk(q, "9.999", day), true);
  assert.equal(R.flagsRisk(q, "10", day), false);
  assert.equal(R.flagsRisk(q, "20", day), false);
  assert.equal(R.flagsRisk(q, "20.001", day), true);
  assert.equal(R.flagsRisk(q, "-5", day), true);
  assert.equal(R.flagsRisk(q, "1e3", day), false); // the collector takes no exponent
  assert.equal(R.flagsRisk(q, "  ", day), false);
});

test("a fixed answer flags a risk whatever its case and surrounding spaces; text never does", () => {
  const q = question("fixed", { answers: ["yes", "no"], risk_answers: ["no"] });
  const day = { year: 2025, month: 1, day: 1 };
  assert.equal(R.flagsRisk(q, " NO ", day), true);
  assert.equal(R.flagsRisk(q, "yes", day), false);
  assert.equal(R.flagsRisk(q, "nope", day), false);
  assert.equal(R.flagsRisk(question("text", { risk_answers: ["no"] }), "no", day), false);
  assert.equal(R.casefold("STRASSE"), R.casefold("stra\u00dfe"));
});

test("words are joined as the collector joins them", () => {
  assert.equal(R.joinWords([]), "");
  assert.equal(R.joinWords(["yes"]), "yes");
  assert.equal(R.joinWords(["yes", "no"]), "yes or no");
  assert.equal(R.joinWords(["a", "b", "c"], "and"), "a, b and c");
});

test("a number answer is checked at each bound and one beyond, in the form's words", () => {
  const q = question("number", { minimum: 0, maximum: 100, unit: "%" });
  const messages = (answer) => plain(G.answerProblems(q, { ...G.emptyEntry(), answer }).map((p) => p.message));
  assert.deepEqual(messages("0"), []);
  assert.deepEqual(messages("100"), []);
  assert.deepEqual(messages("-0.5"), ["between 0 and 100"]);
  assert.deepEqual(messages("100.01"), ["between 0 and 100"]);
  assert.deepEqual(messages("ten"), ["not a number Q1.1"]);
  assert.deepEqual(messages(""), ["number Q1.1"]);
  const floor = question("number", { minimum: 5 });
  assert.deepEqual(plain(G.answerProblems(floor, { ...G.emptyEntry(), answer: "4" }).map((p) => p.message)),
    ["at least 5"]);
});

test("a risk answer asks for its action plan", () => {
  const q = question("fixed", { answers: ["yes", "no"], risk_answers: ["no"] });
  const parts = (entry) => plain(G.answerProblems(q, { ...G.emptyEntry(), ...entry }).map((p) => p.part));
  assert.deepEqual(parts({ answer: "yes" }), []);
  assert.deepEqual(parts({ answer: "maybe" }), ["answer"]);
  assert.deepEqual(parts({ answer: "no" }).slice(0, 2), ["action", "action_owner"]);
});

test("typed date parts are read as the form reads them", () => {
  const read = (day, month, year) => plain(G.readDateParts({ day, month, year }));
  assert.deepEqual(read("29", "2", "2024"), { value: "2024-02-29", problem: null, missing: [] });
  assert.equal(read("29", "2", "2023").problem, "not_real");
  assert.equal(read("1", "1", "24").problem, "not_real"); // a two-digit year
  assert.deepEqual(read("", "", ""), { value: "", problem: "missing", missing: ["day", "month", "year"] });
  assert.deepEqual(read("3", "", "2024").missing, ["month"]);
  assert.deepEqual(plain(G.splitDate("2024-02-09")), { day: "9", month: "2", year: "2024" });
});

/** The answer carried forward to q from a return of the edition before, where q has changed: "" when the collector
    would refuse it (as generator/carry.carried_answer decides), in the collector's spelling when it would take it. */
function carried(q, answer) {
  const core = load(["selfassess-rules.js", "selfassess-core.js"], {
    questions: [q], form_messages: MESSAGES, action_plan_required: true,
  }).GPQS;
  const lineage = {
    from: "2024-25", questions: { [q.question_id]: { from: q.question_id, check_again: true } }, removed: [],
    reasons: { [q.question_id]: "it changed" }, not_fitting: "; {answer} no longer fits",
  };
  const result = core.carryForward({ rows: [{ question_id: q.question_id, answer }] }, lineage);
  return result.answers[q.question_id].answer;
}

test("carrying forward keeps exactly the answers the collector takes, in its spelling", () => {
  const q = question("number", { minimum: 0, maximum: 2000 });
  for (const fits of ["0", "2000", "1000.5", "-0"]) { assert.equal(carried(q, fits), fits); }
  for (const beyond of ["2000.5", "-1", "1_000", "1e3", "nan", "inf", "ten", " 12 3"]) { assert.equal(carried(q, beyond), ""); }
  const dated = question("date");
  assert.equal(carried(dated, "31/12/2025"), "2025-12-31"); // the collector forgives a day-first date
  assert.equal(carried(dated, "2024-02-29"), "2024-02-29");
  for (const wrong of ["20240229", "2023-02-29", "29/02/2023", "2024-2-29"]) { assert.equal(carried(dated, wrong), ""); }
  const fixed = question("fixed", { answers: ["yes", "no"] });
  assert.equal(carried(fixed, "Yes"), "yes");
  assert.equal(carried(fixed, "maybe"), "");
});

test("a question offering fewer answers checks again only an answer it no longer takes, as carry.py does", () => {
  const q = question("fixed", { answers: ["yes", "partial", "no"], risk_answers: ["no", "partial"] });
  const core = load(["selfassess-rules.js", "selfassess-core.js"], {
    questions: [q], form_messages: MESSAGES, action_plan_required: true,
  }).GPQS;
  const carry = (answer, changes) => plain(core.carryForward({ rows: [{ question_id: q.question_id, answer }] }, {
    from: "2024-25", questions: { [q.question_id]: { from: q.question_id, check_again: false, changes } },
    removed: [], reasons: { [q.question_id]: "it offers fewer answers" }, not_fitting: "; {answer} no longer fits",
  }));
  const narrowed = carry("Partial", ["narrowed"]);
  assert.deepEqual([narrowed.kept, narrowed.check_again], [[q.question_id], []]);
  assert.equal(narrowed.answers[q.question_id].answer, "Partial"); // kept as given, like any kept answer
  const dropped = carry("not applicable", ["narrowed"]);
  assert.deepEqual([dropped.kept, dropped.check_again], [[], [q.question_id]]);
  assert.equal(dropped.answers[q.question_id].answer, "");
  assert.equal(dropped.answers[q.question_id].check_again, "it offers fewer answers; not applicable no longer fits");
  // without that change, an answer is kept as it was given, even one the question never took
  assert.deepEqual(carry("not applicable", ["moved"]).kept, [q.question_id]);
});
