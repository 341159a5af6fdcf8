/* The rule every page of the self-assessment applies alike, written once: whether an answer flags a
   risk, and so asks for an action plan. It mirrors the collector's rule (generator/risk.py): an answer
   flags a risk when it is one of the question's risk_answers (case and surrounding spaces ignored), a
   number below risk_below or above risk_above, or a date more than risk_older_than_months months
   before the day the return is received (on the online form: today). The online form
   (selfassess-core.js) and the check page (selfassess-check.js) both use it through
   window.GPQS_RULES; tests/test_selfassess_reader.py holds it to the collector at every edge. */
(function (window) {
  "use strict";

  /** Python's str.casefold for the letters answers are written in. @param {string} text */
  function casefold(text) { return text.toLowerCase().replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3"); }

  /**
   * A message template with its {names} filled in from `values` (generator/returns/messages.render, and the form's).
   * @param {string} template @param {Record<string, unknown>} values
   */
  function fill(template, values) {
    return template.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /** @param {number} value @param {number} width */
  function pad(value, width) {
    var text = String(value);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  /** @param {number} year @param {number} month */
  function lastDay(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

  /**
   * A real calendar date (years 1 to 9999, as Python's dates), or null.
   * @param {number} year @param {number} month @param {number} day
   * @returns {{year: number, month: number, day: number} | null}
   */
  function realDate(year, month, day) {
    if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= lastDay(year, month))) {
      return null;
    }
    return { year: year, month: month, day: day };
  }

  /**
   * The same day `months` calendar months earlier (the month's last day where it is shorter), as
   * generator/risk.py's months_before; later for a negative number.
   * @param {{year: number, month: number, day: number}} day
   * @param {number} months
   */
  function monthsBefore(day, months) {
    var index = day.year * 12 + day.month - 1 - months;
    var year = Math.floor(index / 12);
    var month = index - year * 12 + 1;
    return { year: year, month: month, day: Math.min(day.day, lastDay(year, month)) };
  }

  /** @param {{year: number, month: number, day: number}} date */
  function isoDate(date) { return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2); }

  /** A number as the collector takes one (generator/returns/validate.NUMBER): 12, -3, 12.5. */
  var NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
  var ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

  /**
   * 'YYYY-MM-DD' read strictly (as Python's date.fromisoformat and the collector read it), or null.
   * @param {string} text
   */
  function parseIsoDate(text) {
    var match = ISO_DATE.exec(String(text));
    return match ? realDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
  }

  /** A date question's answer when it has never been done (generator/answertypes.NEVER), and how it may be written. */
  var NEVER = "never";
  var NEVER_WORDS = ["never", "never done"];

  /** @param {string} text */
  function isNever(text) { return NEVER_WORDS.indexOf(casefold(text.trim())) >= 0; }

  var UK_DATE = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/;

  /**
   * A date written day first (31/12/2025) as YYYY-MM-DD, any other value unchanged (generator/returns/read.iso_date).
   * @param {string} value
   */
  function forgivenDate(value) {
    var match = UK_DATE.exec(value);
    var date = match ? realDate(Number(match[3]), Number(match[2]), Number(match[1])) : null;
    return date ? isoDate(date) : value;
  }

  /**
   * A stripped, non-empty answer to `q` as the collector reads it (generator/answertypes.AnswerType.reader): the
   * answer in the collector's spelling, and the collector's message code when it is refused ('' when accepted).
   * @param {AnswerRule} q
   * @param {string} value
   * @returns {{value: string, problem: string}}
   */
  function readAnswer(q, value) {
    var kind = q.answer_type.kind;
    if (kind === "fixed") {
      var found = q.answers.filter(function (a) { return casefold(a) === casefold(value); });
      return found.length ? { value: found[found.length - 1], problem: "" } : { value: value, problem: "answer_not_allowed" };
    }
    if (kind === "number") {
      var number = Number(value);
      var outside = (q.minimum !== null && number < q.minimum) || (q.maximum !== null && number > q.maximum);
      return { value: value, problem: !NUMBER.test(value) ? "answer_not_number" : (outside ? "answer_out_of_range" : "") };
    }
    if (kind === "date") {
      if (isNever(value)) { return { value: NEVER, problem: "" }; }
      var date = forgivenDate(value);
      return { value: date, problem: parseIsoDate(date) ? "" : "answer_not_date" };
    }
    return { value: value, problem: "" };
  }

  /** The computer's date today, as {year, month, day}. */
  function today() {
    var now = new Date();
    return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
  }

  /**
   * 'a', 'a or b', 'a, b or c' (generator/answertypes.listed): the words of the collector's and the form's messages.
   * @param {ArrayLike<string>} words
   * @param {string} [last] the word before the last item, "or" unless given
   */
  function joinWords(words, last) {
    var items = Array.prototype.slice.call(words);
    if (items.length <= 1) { return items.join(""); }
    return items.slice(0, -1).join(", ") + " " + (last || "or") + " " + items[items.length - 1];
  }

  /**
   * Whether `answer` to question `q` (as the edition's data gives it) flags a risk, for a return received on `day`.
   * @param {RiskRule} q
   * @param {string | null | undefined} answer
   * @param {{year: number, month: number, day: number}} day
   * @returns {boolean}
   */
  function flagsRisk(q, answer, day) {
    var text = String(answer || "").trim();
    if (text === "") { return false; }
    if (q.answer_type.kind === "fixed") { return q.risk_answers.map(casefold).indexOf(casefold(text)) >= 0; }
    var kind = q.answer_type.kind;
    if (kind === "number") {
      if (!NUMBER.test(text)) { return false; }
      var value = Number(text);
      return (q.risk_below !== null && value < q.risk_below) || (q.risk_above !== null && value > q.risk_above);
    }
    if (kind === "date" && q.risk_older_than_months !== null) {
      return isNever(text) || (ISO_DATE.test(text) && text < isoDate(monthsBefore(day, q.risk_older_than_months)));
    }
    return false;
  }

  window.GPQS_RULES = {
    casefold: casefold, pad: pad, realDate: realDate, monthsBefore: monthsBefore, isoDate: isoDate, NUMBER: NUMBER,
    parseIsoDate: parseIsoDate, today: today, joinWords: joinWords, flagsRisk: flagsRisk, forgivenDate: forgivenDate,
    readAnswer: readAnswer, NEVER: NEVER, isNever: isNever, fill: fill
  };
}(window));
