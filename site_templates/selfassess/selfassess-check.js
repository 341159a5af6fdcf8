/* Check a return file in the browser, as `toolkit collect` checks it, in the collector's own words.

   This mirrors generator/returns/validate.py (rows → problems) step for step, on the rows
   selfassess-read.js reads as generator/returns/read.py does, so that a practice sees here exactly
   the problems the ICB's collector would report. The rules are not copied: the edition's Table
   Schema, its questions and the collector's message templates come from the site build
   (window.GPQS_SELFASSESS), the same sources the collector reads. Nothing leaves the computer: the
   file is read by this page alone.

   Exposed as window.GPQS_CHECK for the page below and for tests. */
(function (window, document) {
  "use strict";

  var D = window.GPQS_SELFASSESS;
  var R = window.GPQS_READ;
  var M = R.M;
  var ALL = D.all_columns;
  var problem = R.problem, place = R.place, formatProblem = R.formatProblem, grouped = R.grouped;
  var RULES = window.GPQS_RULES;
  var joinWords = RULES.joinWords, codePoints = R.codePoints;

  // --- the edition's rules (validate.py) ------------------------------------------------------------------

  var STRPTIME_DATE = /^([0-9]{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12][0-9]|0[1-9]|[1-9]| [1-9])$/;

  var TYPES = {
    string: function (v) { return v; },
    date: function (value) {  // as Python's strptime reads %Y-%m-%d
      var m = STRPTIME_DATE.exec(value);
      var date = m && RULES.realDate(Number(m[1]), Number(m[2]), Number(m[3]));
      return date ? RULES.isoDate(date) : null;
    }
  };
  var CONSTRAINT_ORDER = { string: ["required", "minLength", "maxLength", "pattern", "enum"], date: ["required", "enum"] };

  /** Whether a cell (read as its type; null when missing) meets a constraint, its pattern compiled, its enum read. */
  function meets(name, c, v) {
    if (name === "required") { return !c || v !== null; }
    if (v === null) { return true; }
    if (name === "pattern") { return c.test(v); }
    if (name === "enum") { return c.indexOf(v) >= 0; }
    return name === "minLength" ? codePoints(v).length >= c : codePoints(v).length <= c;
  }

  /** validate.CompiledSchema: the published Table Schema as checks. */
  function compileSchema(descriptor) {
    var missing = descriptor.missingValues || [""];
    var fields = descriptor.fields.map(function (spec) {
      var kind = spec.type || "any";
      if (!TYPES[kind]) { throw new Error("type " + kind + " is not compiled"); }
      var constraints = spec.constraints || {};
      var checks = CONSTRAINT_ORDER[kind].filter(function (name) {
        return constraints[name] !== undefined && constraints[name] !== null;
      }).map(function (name) {
        var c = constraints[name];
        return [name, name === "pattern" ? new RegExp("^(?:" + c + ")$") : (name === "enum" ?
          c.map(function (x) { return typeof x === "string" ? TYPES[kind](x) : x; }) : c)];
      });
      return { name: spec.name, type: kind, read: TYPES[kind], checks: checks, constraints: constraints };
    });
    var byName = {};
    fields.forEach(function (f) { byName[f.name] = f; });
    var key = descriptor.primaryKey || [];
    key = typeof key === "string" ? [key] : key;

    function isMissing(v) { return missing.indexOf(v) >= 0; }

    /** The constraints a cell breaks: its type alone when it is not of it. */
    function cellErrors(name, value) {
      var spec = byName[name];
      var typed = isMissing(value) ? null : spec.read(value);
      if (typed === null && !isMissing(value)) { return ["type"]; }
      return spec.checks.filter(function (c) { return !meets(c[0], c[1], typed); }).map(function (c) { return c[0]; });
    }

    return {
      fields: fields,
      byName: byName,
      cellErrors: cellErrors,
      /** Each broken constraint of the rows, but of the columns to skip; a key repeated names its first row. */
      errors: function (rows, skip) {
        var found = [];
        var seen = {};
        rows.forEach(function (row, index) {
          fields.forEach(function (spec) {
            if (skip.indexOf(spec.name) >= 0) { return; }
            cellErrors(spec.name, row[spec.name]).forEach(function (constraint) {
              found.push({ index: index, field: spec.name, constraint: constraint, value: row[spec.name], first: -1 });
            });
          });
          var cells = key.map(function (k) { return isMissing(row[k]) ? null : byName[k].read(row[k]); });
          if (cells.every(function (c) { return c === null; })) { return; }  // no key (or none given) to repeat
          var signature = JSON.stringify(cells);
          if (Object.prototype.hasOwnProperty.call(seen, signature)) {
            found.push({ index: index, field: key[0], constraint: "primaryKey", value: row[key[0]], first: seen[signature] });
          } else {
            seen[signature] = index;
          }
        });
        return found;
      }
    };
  }

  var schema = compileSchema(D.schema);

  var rules = {};  // each question by its id
  D.questions.forEach(function (q) { rules[q.question_id] = q; });
  var requiredIds = D.questions.filter(function (q) { return q.required; }).map(function (q) { return q.question_id; });

  /** The value given most often (the first of those given as often), '' for none. */
  function mostCommon(values) {
    var counts = new Map();
    values.forEach(function (v) { if (v) { counts.set(v, (counts.get(v) || 0) + 1); } });
    var best = "";
    counts.forEach(function (count, v) { if (count > (counts.get(best) || 0)) { best = v; } });
    return best;
  }

  /** validate.ordered: the whole return first, then row by row (a workbook sheet by sheet), column by column. */
  function ordered(problems, read) {
    var sheets = {}, count = 0;
    function prefix(where, row) { return where.slice(0, where.length - String(row).length); }
    function rank(name) { if (!Object.prototype.hasOwnProperty.call(sheets, name)) { sheets[name] = count; count += 1; } }
    if (read && problems.some(function (p) { return p.row; })) {  // each sheet once, in the order it is read
      read.rows.forEach(function (row) { rank(prefix(place(read.format, 1, row.sheet), 1)); });
    }
    problems.forEach(function (p) { if (p.row) { rank(prefix(p.place, p.row)); } });
    function key(p) {
      var column = ALL.indexOf(p.column);
      return [p.code === "question_missing" ? 2 : (p.row ? 1 : 0), p.row ? sheets[prefix(p.place, p.row)] : 0, p.row,
        column < 0 ? ALL.length : column];
    }
    return problems.map(function (p, i) { return key(p).concat([i, p]); }).sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4];
    }).map(function (x) { return x[5]; });
  }

  function readPlace(read, row) { return place(read.format, row.row, row.sheet); }

  function schemaProblem(read, error, rows, example) {
    var specific = error.constraint + "." + error.field;
    var code = Object.prototype.hasOwnProperty.call(M.templates, specific) ? specific : error.constraint;
    var spec = schema.byName[error.field];
    var c = spec.constraints;
    var params = {
      edition: D.edition,
      example: example,
      pattern: c.pattern !== undefined ? String(c.pattern) : "",
      allowed: joinWords((c["enum"] || []).map(String)),
      limit: c[error.constraint] === undefined ? "" : typeof c[error.constraint] === "boolean" ?
        (c[error.constraint] ? "True" : "False") : String(c[error.constraint]),
      type: spec.type,
      first: ""
    };
    if (rows === null) { return problem(code, "error", { column: error.field, value: error.value }, params); }
    var row = rows[error.index];
    if (error.constraint === "primaryKey" && error.first >= 0) { params.first = readPlace(read, rows[error.first]); }
    var rule = rules[row.values.question_id];
    return problem(code, "error", {
      row: row.row,
      place: readPlace(read, row),
      column: error.field,
      value: error.value,
      question_id: error.field === "question_id" ? row.values.question_id : "",
      guidance: rule && error.field !== "question_id" ? rule.guidance : ""
    }, params);
  }

  /** validate.validate for a return to this page's edition: {status, edition, practice_code, problems, other}. */
  function validate(read, received) {
    var problems = read.problems.slice();
    var practice = read.practice_code || mostCommon(read.rows.map(function (r) { return r.values.practice_code; }));
    var named = read.edition || mostCommon(read.rows.map(function (r) { return r.values.edition; }));
    if (read.format === "unknown") { return { status: "invalid", practice_code: practice, edition: D.edition, problems: problems }; }
    var editionId = named || D.edition;
    var published = D.editions.published;
    if (editionId !== D.edition || published.indexOf(D.edition) < 0) {
      if (published.indexOf(editionId) >= 0) {
        return { status: "other", practice_code: practice, edition: editionId, problems: problems };
      }
      var code = D.editions.drafts.indexOf(editionId) >= 0 ? "draft_edition" : "unknown_edition";
      problems.push(problem(code, "error", { column: "edition", value: editionId }, { current: D.editions.current }));
      return { status: "invalid", practice_code: practice, edition: D.edition, problems: problems };
    }
    var example = RULES.isoDate(received);
    var severity = D.action_plan_required ? "error" : "warning";
    var declaredOnce = read.declared_once;
    var blank = read.rows.length > 0 && read.present.indexOf("answer") >= 0 &&
      !read.rows.some(function (r) { return r.values.answer; });
    if (blank) { problems.push(problem("nothing_answered", "error", { column: "answer" }, {})); }
    if (declaredOnce) {
      [["practice_code", read.practice_code], ["edition", read.edition]].forEach(function (pair) {
        schema.cellErrors(pair[0], pair[1]).forEach(function (constraint) {
          problems.push(schemaProblem(read, { index: 0, field: pair[0], constraint: constraint, value: pair[1], first: -1 },
            null, example));
        });
      });
    }
    var rows = read.rows;
    var skip = schema.fields.filter(function (f) { return read.present.indexOf(f.name) < 0; }).map(function (f) {
      return f.name;
    });
    if (declaredOnce) { skip = skip.concat(["practice_code", "edition"]); }
    schema.errors(rows.map(function (r) { return r.values; }), skip).forEach(function (error) {
      problems.push(schemaProblem(read, error, rows, example));
    });
    var answered = {};
    rows.forEach(function (row) {
      var values = row.values;
      var where = readPlace(read, row);
      var codeHere = values.practice_code;
      if (codeHere && practice && codeHere !== practice && !declaredOnce &&
        schema.cellErrors("practice_code", codeHere).length === 0) {
        problems.push(problem("practice_mixed", "error", { row: row.row, place: where, column: "practice_code", value: codeHere },
          { practice: practice }));
      }
      ["answer", "comment", "action", "action_owner"].forEach(function (column) {
        if (values[column].charAt(0) === "=") {
          problems.push(problem("formula_text", "warning", { row: row.row, place: where, column: column, value: values[column] },
            { first: "=" }));
        }
      });
      var rule = rules[values.question_id];
      if (!rule || answered[rule.question_id]) { return; }
      answered[rule.question_id] = true;
      if (read.present.indexOf("answer") < 0) { return; }
      checkAnswer(row, rule, where, received, example, severity, blank, problems);
    });
    if (read.present.indexOf("question_id") >= 0 && rows.length && !blank) {
      read.problems.forEach(function (p) {  // a workbook row moved or a sheet gone: said already, for that question
        if (p.code === "workbook_moved" || p.code === "workbook_sheet_missing") { answered[p.question_id] = true; }
      });
      requiredIds.forEach(function (id) {
        if (answered[id]) { return; }
        problems.push(problem("question_missing", "error", { question_id: id, guidance: rules[id].guidance },
          { text: rules[id].text }));
      });
    }
    var ok = !problems.some(function (p) { return p.severity === "error"; });
    return { status: ok ? "valid" : "invalid", practice_code: practice, edition: editionId, problems: ordered(problems, read) };
  }

  function checkAnswer(row, q, where, received, example, severity, blank, problems) {
    var value = row.values.answer;
    /** A problem with this row's question, in `column` (the answer quoted where it is the answer's). */
    function bad(code, column, params, level) {
      problems.push(problem(code, level || "error", { row: row.row, place: where, column: column,
        value: column === "answer" ? value : "", question_id: q.question_id, guidance: q.guidance }, params));
    }
    if (!value) {
      if (q.required && !blank) { bad("answer_missing", "answer", { text: q.text }); }
      return;
    }
    var read = RULES.readAnswer(q, value);
    if (read.problem) {
      bad(read.problem, "answer", read.problem === "answer_not_date" ? { example: example } :
        { allowed: q.answer_type.allowed, range: q.answer_type.range });
      return;
    }
    if (q.not_applicable_when && read.value === D.not_applicable && !row.values.comment) {
      bad("na_without_reason", "comment", { when: q.not_applicable_when });
    }
    var missing = Object.keys(M.action_words).filter(function (c) { return !row.values[c]; });
    if (missing.length && RULES.flagsRisk(q, read.value, received)) {
      bad("action_missing", missing[0], {
        answer: read.value, missing: joinWords(missing.map(function (c) { return M.action_words[c]; }), "and")
      }, severity);
    }
  }

  /** Check a file's bytes as the collector would, on the day given ({year, month, day}): a promise of the verdict
      (a workbook is unzipped by the browser, which answers later). */
  async function checkBytes(bytes, received) {
    return validate(await R.readFile(bytes), received);
  }

  window.GPQS_CHECK = {
    checkBytes: checkBytes,
    validate: validate,
    formatProblem: formatProblem,
    grouped: grouped
  };

  // --- the page ------------------------------------------------------------------------------------------

  var root = document.getElementById("sa");
  if (!root || root.getAttribute("data-sa-page") !== "check-a-return") { return; }
  var G = window.GPQS, plural = G.plural;
  var input = /** @type {HTMLInputElement} */ (document.getElementById("sa-check-file"));
  var result = document.getElementById("sa-check-result");

  /** Fill one of the two lists (problems to put right, warnings to look at) and show it only when it has any. */
  function fillList(name, pairs, listId, sectionId, headingId, heading) {
    var list = document.getElementById(listId);
    G.empty(list);
    pairs.forEach(function (pair) {  // the collector's line (its rows together), and the question's guidance
      var p = pair[0];
      list.appendChild(G.words("sa-words-" + p.severity, { text: formatProblem(name, p, pair[1]), id: p.question_id,
        guidance: p.question_id && p.guidance }));
    });
    document.getElementById(headingId).textContent = heading;
    document.getElementById(sectionId).hidden = pairs.length === 0;
  }

  /** The verdict panel (its words in the page's template), then the problems to put right, then the warnings: each
      problem once, with all its rows. */
  function show(name, verdict, focus) {
    var pairs = grouped(verdict.problems);
    var errors = pairs.filter(function (pair) { return pair[0].severity === "error"; });
    var warnings = pairs.filter(function (pair) { return pair[0].severity !== "error"; });
    var look = verdict.status === "other" ? "other" : (errors.length ? "reject" : "accept");
    var slots = {
      name: name, edition: verdict.edition, practice: verdict.practice_code, both: errors.length && warnings.length,
      errors: errors.length && plural(errors.length, "problem", "problems"),
      warnings: warnings.length && plural(warnings.length, "warning", "warnings")
    };
    slots["link " + verdict.edition] = true;
    var panel = G.say(document.getElementById("sa-check-verdict"), "sa-verdict-" +
      (pairs.length || look === "other" ? look : "none"), slots);
    panel.className = "sa-verdict sa-verdict--" + look;
    fillList(name, errors, "sa-check-problems", "sa-check-errors", "sa-check-errors-heading",
      plural(errors.length, "problem", "problems") + " to put right before you send it");
    fillList(name, warnings, "sa-check-warnings", "sa-check-warnings-section", "sa-check-warnings-heading",
      plural(warnings.length, "warning", "warnings") + " to look at: the ICB would still accept the return");
    result.hidden = false;
    if (focus) { result.focus(); }
  }

  /** Read and check the file chosen now; `focus` moves to the verdict (not when the page is only coming back). */
  async function checkChosen(focus) {
    var file = input.files && input.files[0];
    if (file) { show(file.name, await checkBytes(new Uint8Array(await file.arrayBuffer()), RULES.today()), focus); }
  }

  input.addEventListener("change", function () { checkChosen(true); });
  // Back from a guidance link: the browser keeps the chosen file but not what the page showed, so check it again.
  window.addEventListener("pageshow", function () {
    if (result.hidden) { checkChosen(false); }
  });
}(window, document));
