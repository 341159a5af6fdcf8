/* The self-assessment's workings: the edition's rules, answers kept in the browser's local
   storage, the return as CSV and JSON, reading a return file, carrying an earlier edition's
   return forward, and the pages' words (each page's <template>s) filled in. The pages' scripts
   (selfassess-form.js, selfassess-check.js) use these through window.GPQS.

   Everything the edition says comes from window.GPQS_SELFASSESS, written by the site build
   from the standards (generator/selfassess/data.py). No request leaves the page. */
(function (window) {
  "use strict";

  var D = window.GPQS_SELFASSESS;
  var RULES = window.GPQS_RULES;
  var questions = D.questions;
  var byId = {};
  questions.forEach(function (q) { byId[q.question_id] = q; });
  var ENTRY_PARTS = ["answer", "comment", "action", "action_owner", "action_due"];

  // --- words -----------------------------------------------------------------------------------

  function formMessage(key, values) {
    return RULES.fill(D.form_messages[key], values || {});
  }

  /** A number as the standards show it: 100, not 100.0. */
  function numberText(value) {
    if (value === null || value === undefined) { return ""; }
    return String(Number(value));
  }

  // --- dates -----------------------------------------------------------------------------------

  var realDate = RULES.realDate, isoDate = RULES.isoDate, parseIsoDate = RULES.parseIsoDate, today = RULES.today;
  var NUMBER = RULES.NUMBER;


  function dateText(iso) {
    var date = parseIsoDate(iso);
    return date ? new Date(Date.UTC(date.year, date.month - 1, date.day)).toLocaleDateString("en-GB",
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : iso;
  }

  /** Day, month and year as typed → {value, problem, missing}: value is the ISO date when real. */
  function readDateParts(parts) {
    var names = ["day", "month", "year"];
    var given = names.filter(function (n) { return String(parts[n] || "").trim() !== ""; });
    if (given.length === 0) { return { value: "", problem: "missing", missing: names }; }
    var missing = names.filter(function (n) { return given.indexOf(n) < 0; });
    var typed = names.slice().reverse().map(function (n) {
      var text = String(parts[n] || "").trim();
      return /^\d$/.test(text) ? "0" + text : text;
    }).join("-");
    if (missing.length) { return { value: typed, problem: "incomplete", missing: missing }; }
    var digits = names.every(function (n) { return /^\d+$/.test(String(parts[n]).trim()); });
    var year = String(parts.year).trim();
    var date = digits && year.length === 4 ?
      realDate(Number(year), Number(String(parts.month).trim()), Number(String(parts.day).trim())) : null;
    if (!date) { return { value: typed, problem: "not_real", missing: [] }; }
    return { value: isoDate(date), problem: null, missing: [] };
  }

  /** An ISO date split for the three boxes of a date input. */
  function splitDate(iso) {
    var date = parseIsoDate(iso);
    if (date) { return { day: String(date.day), month: String(date.month), year: String(date.year) }; }
    var bits = String(iso || "").split("-");
    return bits.length === 3 ? { year: bits[0], month: bits[1], day: bits[2] } : { day: "", month: "", year: "" };
  }

  // --- answers and their rules -----------------------------------------------------------------

  /** Whether q is answered by one of its fixed answers (radio buttons on the form). */
  function isRadio(q) { return q.answer_type.kind === "fixed"; }

  /** Whether an answer to q flags a risk (and so asks for an action plan), today or on `onDay`: the one rule
   *  of selfassess-rules.js. */
  function flagsRisk(q, answer, onDay) {
    return RULES.flagsRisk(q, answer, onDay || today());
  }

  function emptyEntry() {
    return { answer: "", comment: "", action: "", action_owner: "", action_due: "" };
  }

  /** The problems with one answer, in the form's words: [{part, message}] (and `missing`, the date parts not typed). */
  function answerProblems(q, entry, onDay) {
    entry = entry || emptyEntry();
    var problems = [];
    var answer = String(entry.answer || "").trim();
    var values = { id: q.question_id, minimum: numberText(q.minimum), maximum: numberText(q.maximum) };
    function add(part, key, missing) {
      var found = { part: part, message: formMessage(key, values) };
      if (missing) { found.missing = missing; }
      problems.push(found);
    }
    /** A date typed in three boxes (or kept as ISO text): its problem, in the words of `prefix`_missing and so on. */
    function dateProblem(part, prefix, parts, text, required) {
      var read = readDateParts(parts || splitDate(text));  // its problem: missing, incomplete or not_real
      values.parts = RULES.joinWords(read.missing, "and");
      if (read.problem && (read.problem !== "missing" || required)) {
        add(part, prefix + "_" + read.problem, read.problem === "incomplete" ? read.missing : null);
      }
    }
    var kind = q.answer_type.kind;
    if (kind === "fixed") {
      if (q.answers.indexOf(answer) < 0 && (answer !== "" || q.required)) { add("answer", "select_missing"); }
    } else if (kind === "date") {
      if (!RULES.isNever(answer)) { dateProblem("answer", "date", entry.answer_parts, answer, q.required); }
    } else if (answer === "") {
      if (q.required) { add("answer", kind + "_missing"); } // number_missing, text_missing
    } else if (kind === "number") {
      var value = Number(answer);
      if (!NUMBER.test(answer)) {
        add("answer", "number_not_number");
      } else if ((q.minimum !== null && value < q.minimum) || (q.maximum !== null && value > q.maximum)) {
        add("answer", q.minimum === null ? "number_at_most" : (q.maximum === null ? "number_at_least" : "number_between"));
      }
    }
    if (problems.length === 0 && q.not_applicable_when && answer === D.not_applicable &&
      String(entry.comment || "").trim() === "") {
      values.when = q.not_applicable_when;
      add("comment", "comment_na_missing");
    }
    if (problems.length === 0 && flagsRisk(q, answer, onDay)) {
      var required = D.action_plan_required;
      if (required && String(entry.action || "").trim() === "") { add("action", "action_missing"); }
      if (required && String(entry.action_owner || "").trim() === "") { add("action_owner", "action_owner_missing"); }
      dateProblem("action_due", "action_due", entry.action_due_parts, entry.action_due, required);
    }
    return problems;
  }

  function isAnswered(entry) {
    return !!entry && String(entry.answer || "").trim() !== "";
  }

  /** How many of the entries (by question id) hold an answer. */
  function answeredCount(answers) {
    return Object.keys(answers || {}).filter(function (id) { return isAnswered(answers[id]); }).length;
  }

  /** Answered and required counts and a status for a domain: 'not started', 'in progress' or 'complete'. */
  function domainProgress(domain, draft, onDay) {
    var answers = (draft && draft.answers) || {};
    var required = 0, answered = 0, touched = false, problems = 0, checkAgain = 0;
    domain.questions.forEach(function (id) {
      var q = byId[id];
      var entry = answers[id];
      if (entry && ENTRY_PARTS.some(function (p) { return String(entry[p] || "").trim() !== ""; })) { touched = true; }
      if (q.required) {
        required += 1;
        if (isAnswered(entry)) { answered += 1; }
      }
      problems += answerProblems(q, entry, onDay).length;
      if (entry && entry.check_again) { checkAgain += 1; }
    });
    var status = !touched ? "not started" : (problems === 0 && checkAgain === 0 ? "complete" : "in progress");
    return { required: required, answered: answered, status: status, problems: problems, check_again: checkAgain };
  }

  // --- answers kept in the browser --------------------------------------------------------------

  var storageWorks = null;

  /** `use(store)`'s result, with the browser's local storage; `failed` when it cannot be used (turned off or full). */
  function withStore(use, failed) {
    try {
      return use(window.localStorage);
    } catch (error) {
      return failed;
    }
  }

  function canStore() {
    if (storageWorks === null) {
      storageWorks = withStore(function (store) {
        store.setItem(D.storage_prefix + "/probe", "1");
        store.removeItem(D.storage_prefix + "/probe");
        return true;
      }, false);
    }
    return storageWorks;
  }

  function draftKey(edition, code) { return D.storage_prefix + "/" + edition + "/draft/" + code; }
  function currentKey(edition) { return D.storage_prefix + "/" + edition + "/current"; }

  function readJson(key) {
    return withStore(function (store) { return JSON.parse(store.getItem(key) || "null"); }, null);
  }

  /** Write to the storage; false (and the warning shown by the page) when the browser will not keep it. */
  function write(change) {
    var done = withStore(function (store) { change(store); return true; }, false);
    if (!done) { storageWorks = false; }
    return done;
  }

  function newDraft(code, edition) {
    return {
      format: D.draft_format, edition: edition || D.edition, practice_code: code, practice_name: "", completed_by: "",
      answers: {}, carried_from: null, dropped: [], submitted: null, updated_at: null
    };
  }

  /** The draft kept for a practice in this edition (never one of another edition), or null. */
  function loadDraft(code, edition) {
    edition = edition || D.edition;
    var draft = readJson(draftKey(edition, code));
    if (!draft || draft.format !== D.draft_format || draft.edition !== edition || draft.practice_code !== code) {
      return null;
    }
    draft.answers = draft.answers || {};
    return draft;
  }

  function saveDraft(draft) {
    draft.updated_at = new Date().toISOString();
    return write(function (store) { store.setItem(draftKey(draft.edition, draft.practice_code), JSON.stringify(draft)); });
  }

  /** Change a practice's draft as it is kept now (another tab may have changed it since), then keep it. */
  function updateDraft(code, change) {
    var draft = loadDraft(code) || newDraft(code);
    change(draft);
    return { draft: draft, kept: saveDraft(draft) };
  }

  function currentPractice() {
    var code = withStore(function (store) { return store.getItem(currentKey(D.edition)); }, null);
    return code && new RegExp(D.ods_pattern).test(code) ? code : null;
  }

  function setCurrentPractice(code) {
    return write(function (store) {
      if (code) { store.setItem(currentKey(D.edition), code); } else { store.removeItem(currentKey(D.edition)); }
    });
  }

  function clearDraft(code) {
    return withStore(function (store) {
      store.removeItem(draftKey(D.edition, code));
      if (currentPractice() === code) { store.removeItem(currentKey(D.edition)); }
      return true;
    }, false);
  }

  /** Every draft in this browser, of any edition: [{edition, practice_code, answered, draft}]. */
  function listDrafts() {
    var found = withStore(function (store) {
      var all = [];
      for (var i = 0; i < store.length; i += 1) {
        var key = store.key(i);
        var draft = key && key.indexOf(D.storage_prefix + "/") === 0 && key.indexOf("/draft/") >= 0 ? readJson(key) : null;
        if (draft && draft.format === D.draft_format && draftKey(draft.edition, draft.practice_code) === key) {
          all.push({ edition: draft.edition, practice_code: draft.practice_code, answered: answeredCount(draft.answers),
            draft: draft });
        }
      }
      return all;
    }, []);
    found.sort(function (a, b) {
      return a.edition === b.edition ? (a.practice_code < b.practice_code ? -1 : 1) : (a.edition < b.edition ? 1 : -1);
    });
    return found;
  }

  // --- the return as CSV and JSON ---------------------------------------------------------------

  /** One row per question of the edition, in its order, in the return's columns: an action plan only for a risk. */
  function returnRows(draft, onDay) {
    return questions.map(function (q) {
      var entry = draft.answers[q.question_id] || emptyEntry();
      var risky = flagsRisk(q, String(entry.answer || "").trim(), onDay);
      var row = { practice_code: draft.practice_code, edition: D.edition, question_id: q.question_id };
      ENTRY_PARTS.forEach(function (p) {
        row[p] = risky || D.action_columns.indexOf(p) < 0 ? String(entry[p] || "").trim() : "";
      });
      return row;
    });
  }

  function csvCell(value) {
    var text = String(value === null || value === undefined ? "" : value);
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  /** The return as CSV text: the header, then the rows, each line ending CRLF. */
  function returnCsv(draft, onDay) {
    var columns = D.all_columns;
    return [columns].concat(returnRows(draft, onDay).map(function (row) {
      return columns.map(function (c) { return row[c]; });
    })).map(function (cells) { return cells.map(csvCell).join(",") + "\r\n"; }).join("");
  }

  /** The return in the JSON shape the collector reads (generator/returnformat.JSON_FORMAT). */
  function returnJson(draft, onDay, now) {
    return {
      format: D.format,
      edition: D.edition,
      practice_code: draft.practice_code,
      practice_name: draft.practice_name || "",
      completed_by: draft.completed_by || "",
      exported_at: (now || new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      answers: returnRows(draft, onDay).map(function (row) {  // each answer's question and parts, in that order
        delete row.practice_code;
        delete row.edition;
        return row;
      })
    };
  }

  /** A file name for a download, such as 'C82001-2025-26-return.csv'. */
  function fileName(draft, extension) {
    return draft.practice_code + "-" + D.edition + "-return." + extension;
  }

  // --- reading a return file ----------------------------------------------------------------------

  /** Problems of a whole file that leave nothing to load, as generator/carry.py's nothing_to_carry decides. */
  var FATAL = ["missing_column", "no_answers", "json_damaged"];

  /** What the collector's reader (selfassess-read.js: readFile) took from a file → the return to load:
      {kind, edition, practice_code, practice_name, completed_by, rows, places}, or {error} in the collector's words
      when the file is no return or leaves nothing to load. */
  function returnFromRead(read) {
    var fatal = read.problems.filter(function (p) {
      return p.severity === "error" && (read.format === "unknown" || (FATAL.indexOf(p.code) >= 0 && !p.row));
    });
    if (fatal.length) { return { error: fatal[0].message }; }
    var rows = read.rows.map(function (row) { return row.values; });
    var first = rows[0] || { edition: "", practice_code: "" };
    var extra = read.extra || {};
    return {
      kind: read.format, edition: read.edition || first.edition, practice_code: read.practice_code || first.practice_code,
      practice_name: typeof extra.practice_name === "string" ? extra.practice_name : "",
      completed_by: typeof extra.completed_by === "string" ? extra.completed_by : "",
      rows: rows,
      places: read.rows.map(function (row) { return window.GPQS_READ.place(read.format, row.row, row.sheet); })
    };
  }

  /** A file's bytes → a promise of the return to load (see returnFromRead), read as the collector reads it. */
  function loadFile(bytes) {
    return window.GPQS_READ.readFile(bytes).then(returnFromRead);
  }

  /** Last year's answer as the collector reads it for q now ('yes' for 'Yes'), or null when it would be refused: as
      generator/carry.carried_answer decides. An empty answer is carried as it is. */
  function carriedAnswer(answer, q) {
    var text = String(answer || "").trim();
    var read = text === "" ? { value: "", problem: "" } : RULES.readAnswer(q, text);
    return read.problem ? null : read.value;
  }

  function entryOf(row) {
    var entry = emptyEntry();
    ENTRY_PARTS.forEach(function (p) { entry[p] = String(row[p] || "").trim(); });
    return entry;
  }

  /** A return of this edition → the answers to load: {answers, skipped: [words]}. */
  function answersFromReturn(ret) {
    var answers = {};
    var skipped = [];
    ret.rows.forEach(function (row, index) {
      var id = String(row.question_id || "").trim();
      var place = (ret.places || [])[index] || "";
      var where = place ? place.charAt(0).toUpperCase() + place.slice(1) : "An answer";
      var q = byId[id];
      if (!q) {
        skipped.push(where + ": '" + id + "' is not a question of " + D.edition + ", so it was not loaded.");
        return;
      }
      if (answers[id]) {
        skipped.push(where + ": " + id + " is answered twice; the first answer was loaded.");
        return;
      }
      var entry = entryOf(row);
      if (isRadio(q) && entry.answer !== "") {
        var read = carriedAnswer(entry.answer, q);
        if (read === null) {
          skipped.push(where + ": '" + entry.answer + "' is not an answer to " + id + ", so it was left empty.");
        }
        entry.answer = read || "";
      }
      answers[id] = entry;
    });
    return { answers: answers, skipped: skipped };
  }

  // --- carrying a return forward from an earlier edition --------------------------------------------

  /** The lineage from an earlier edition to this one, if the site carries returns from it. */
  function lineageFrom(edition) { return D.carry.filter(function (l) { return l.from === edition; })[0] || null; }

  /** Carry an earlier edition's return forward, as generator/carry.py does for a file:
      {answers (each to check again carrying its reason), kept, check_again, empty, dropped, problems}. */
  function carryForward(ret, lineage) {
    var oldIds = {};
    Object.keys(lineage.questions).forEach(function (id) {
      var from = lineage.questions[id].from;
      if (from) { oldIds[from] = true; }
    });
    lineage.removed.forEach(function (r) { oldIds[r.question_id] = true; });
    var given = {};
    var problems = [];
    function distinct(column) {
      var seen = {};
      ret.rows.forEach(function (row) {
        var value = String(row[column] || "").trim();
        if (value) { seen[value] = true; }
      });
      return Object.keys(seen).sort();
    }
    // in generator/carry.py's words
    var codes = distinct("practice_code");
    if (codes.length > 1) {
      problems.push("the return names more than one practice: " + codes.join(", ") + "; the first is used");
    }
    var editions = distinct("edition");
    if (editions.length && !(editions.length === 1 && editions[0] === lineage.from)) {
      problems.push("the return names the edition " + editions.join(", ") + ", not " + lineage.from);
    }
    ret.rows.forEach(function (row) {
      var id = String(row.question_id || "").trim();
      if (!oldIds[id]) {
        problems.push("'" + id + "' is no question of " + lineage.from + "; its answer is not carried");
      } else if (given[id]) {
        problems.push(id + " is answered more than once; the first answer is carried");
      } else {
        given[id] = entryOf(row);
      }
    });
    var answers = {};
    var kept = [], checkAgain = [], left = [];
    questions.forEach(function (q) {
      var id = q.question_id;
      var traced = lineage.questions[id];
      var before = traced && traced.from ? given[traced.from] : null;
      var anything = before && ENTRY_PARTS.some(function (p) { return before[p] !== ""; });
      if (!anything) {
        left.push(id);
        return;
      }
      var entry = emptyEntry();
      ENTRY_PARTS.forEach(function (p) { entry[p] = before[p]; });
      var read = carriedAnswer(entry.answer, q);
      // as QuestionLineage.checks_again: after "narrowed" (fewer of the same answers) only an answer no longer taken
      if (!traced.check_again && (read !== null || traced.changes.indexOf("narrowed") < 0)) {
        answers[id] = entry;
        kept.push(id);
        return;
      }
      var reason = lineage.reasons[id];  // in generator/carry.py's words (generator/selfassess/data.py)
      if (read === null) { reason += RULES.fill(lineage.not_fitting, { answer: entry.answer }); }
      entry.answer = read || "";
      entry.check_again = reason;
      answers[id] = entry;
      checkAgain.push(id);
    });
    var dropped = [];
    lineage.removed.forEach(function (r) {
      var before = given[r.question_id];
      if (before && (before.answer !== "" || before.comment !== "")) {
        dropped.push({ question_id: r.question_id, text: r.text, answer: before.answer, comment: before.comment });
      }
    });
    return {
      from: lineage.from, answers: answers, kept: kept, check_again: checkAgain, empty: left, dropped: dropped,
      problems: problems
    };
  }

  /** A draft of another edition as the rows of a return (to carry it forward). */
  function draftAsReturn(draft) {
    var rows = Object.keys(draft.answers).map(function (id) {
      var row = { practice_code: draft.practice_code, edition: draft.edition, question_id: id };
      ENTRY_PARTS.forEach(function (p) { row[p] = String(draft.answers[id][p] || "").trim(); });
      return row;
    });
    return {
      kind: "draft", edition: draft.edition, practice_code: draft.practice_code,
      practice_name: draft.practice_name || "", completed_by: draft.completed_by || "", rows: rows
    };
  }

  // --- what the pages' scripts share for showing things ---------------------------------------------

  function empty(node) { while (node && node.firstChild) { node.removeChild(node.firstChild); } }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  /** The page's words in <template id="`id`">, each [data-slot] filled from `slots` (a list as its items), each
      [data-href] a link to its slot,
      and each [data-if] kept only when its slot is given and not empty: the words are written once, in the page. */
  function words(id, slots) {
    var copy = /** @type {HTMLTemplateElement} */ (window.document.getElementById(id)).content;
    copy = /** @type {DocumentFragment} */ (copy.cloneNode(true));
    Array.prototype.forEach.call(copy.querySelectorAll("[data-if]"), function (node) {
      var value = slots[node.getAttribute("data-if")];
      if (!value || value.length === 0) { node.remove(); }
    });
    Array.prototype.forEach.call(copy.querySelectorAll("[data-href]"), function (node) {
      node.setAttribute("href", slots[node.getAttribute("data-href")]);
    });
    Array.prototype.forEach.call(copy.querySelectorAll("[data-slot]"), function (node) {
      var value = slots[node.getAttribute("data-slot")];
      if (Array.isArray(value)) {
        value.forEach(function (item) { node.appendChild(window.document.createElement("li")).textContent = item; });
      } else {
        node.textContent = value;
      }
    });
    return copy;
  }

  /** Put `id`'s words (see words) in place of what `node` holds. */
  function say(node, id, slots) {
    empty(node);
    node.appendChild(words(id, slots || {}));
    return node;
  }

  window.GPQS = {
    data: D,
    empty: empty,
    plural: plural,
    say: say,
    words: words,
    questions: questions,
    question: function (id) { return byId[id] || null; },
    formMessage: formMessage,
    numberText: numberText,
    dateText: dateText,
    readDateParts: readDateParts,
    splitDate: splitDate,
    isRadio: isRadio,
    flagsRisk: flagsRisk,
    emptyEntry: emptyEntry,
    answerProblems: answerProblems,
    answeredCount: answeredCount,
    domainProgress: domainProgress,
    canStore: canStore,
    newDraft: newDraft,
    loadDraft: loadDraft,
    saveDraft: saveDraft,
    updateDraft: updateDraft,
    currentPractice: currentPractice,
    setCurrentPractice: setCurrentPractice,
    clearDraft: clearDraft,
    listDrafts: listDrafts,
    returnCsv: returnCsv,
    returnJson: returnJson,
    fileName: fileName,
    loadFile: loadFile,
    answersFromReturn: answersFromReturn,
    lineageFrom: lineageFrom,
    carryForward: carryForward,
    draftAsReturn: draftAsReturn
  };
}(window));
