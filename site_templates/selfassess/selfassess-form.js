/* The self-assessment pages: the start page, a page per domain and the check-your-answers page.

   GOV.UK and NHS service patterns: an error summary at the top that takes focus and links to
   each field, the message by the field, answers saved as they are given, a confirmation before
   anything is deleted, and nothing from another edition applied without asking. */
(function (window, document) {
  "use strict";

  var G = window.GPQS;
  var D = G.data;
  var RULES = window.GPQS_RULES;
  var root = document.getElementById("sa");
  if (!root || !G) { return; }
  var kind = root.getAttribute("data-sa-page");

  // --- small helpers ------------------------------------------------------------------------------

  /**
   * An element of the form by its id: a field (input, text area or select, each with a value) or its box.
   * @param {string} id
   * @returns {HTMLInputElement}
   */
  function byId(id) { return /** @type {HTMLInputElement} */ (document.getElementById(id)); }

  function show(node, visible) { if (node) { node.hidden = !visible; } }

  var empty = G.empty, plural = G.plural;

  function focusOn(node) {
    if (!node) { return; }
    if (!node.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|TEXTAREA|SELECT)$/.test(node.tagName)) {
      node.setAttribute("tabindex", "-1");
    }
    node.focus();
    if (node.scrollIntoView) { node.scrollIntoView({ block: "start" }); }
  }

  function kept(ok) {
    show(byId("sa-storage-warning"), !ok);
    return ok;
  }

  /** A problem's message with its question named by its words as well as its id ('SG1.2 “Does the practice…”'). */
  function namedMessage(q, message) {
    var at = message.indexOf(q.question_id);
    return at < 0 ? message : message.slice(0, at) + q.name + message.slice(at + q.question_id.length);
  }

  // --- a message for the next page (GOV.UK confirmation after a save) ------------------------------------

  var FLASH_KEY = D.storage_prefix + "/" + D.edition + "/next-page-message";

  /** Keep a confirmation for the page the practice goes to next (this tab only): the id of its words and their slots. */
  function flashNext(id, slots) {
    try { window.sessionStorage.setItem(FLASH_KEY, JSON.stringify([id, slots])); } catch (error) { /* not kept: no message */ }
  }

  /** A GOV.UK notification banner: a heading saying what happened, then what to do next (the words `id`). */
  function notifyDone(id, slots) {
    var note = G.say(byId("sa-notification"), id, slots);
    showDeadline(note);
    show(note, true);
    focusOn(note);
  }

  /** The confirmation left by the page before, once. */
  function showFlash() {
    try {
      var flash = JSON.parse(window.sessionStorage.getItem(FLASH_KEY) || "null");
      window.sessionStorage.removeItem(FLASH_KEY);
      if (flash) { notifyDone(flash[0], flash[1]); }
    } catch (error) { /* none kept */ }
  }

  /** Of the words for before the return deadline and after it (written by the page), show those for today. */
  function showDeadline(scope) {
    var passed = D.return_deadline && RULES.isoDate(RULES.today()) > D.return_deadline;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-deadline]"), function (node) {
      node.hidden = (node.getAttribute("data-deadline") === "passed") !== !!passed;
    });
  }

  function domainOf(id) { return D.domains.filter(function (d) { return d.id === id; })[0]; }

  // --- errors, the GOV.UK way ----------------------------------------------------------------------

  /** Show the error summary with a link to each field, and move focus to it. */
  function showErrorSummary(items, focus) {
    var summary = byId("sa-error-summary");
    links(summary.querySelector(".sa-error-summary__list"), items).forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = link.hash ? byId(link.hash.slice(1)) : null;
        if (target) {
          event.preventDefault();
          var legend = target.closest ? target.closest("fieldset") : null;
          focusOn(target);
          if (legend && legend.scrollIntoView) { legend.scrollIntoView({ block: "start" }); }
        }
      });
    });
    show(summary, items.length > 0);
    if (items.length && focus !== false) { focusOn(summary); }
  }

  /** A list (emptied first) of links, one for each {href, message}: the links. */
  function links(list, items) {
    empty(list);
    items.forEach(function (item) { list.appendChild(G.words("sa-words-link", item)); });
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  /** Mark a form group in error: the message by the field, read out with the field. */
  function setGroupError(group, message, inputs) {
    if (!group) { return; }
    var slot = group.querySelector(".sa-error-message");
    var described = group.querySelector("[data-describedby]") || group.querySelector("input, textarea, select");
    group.classList.add("sa-form-group--error");
    if (slot) {
      slot.querySelector(".sa-error-message__text").textContent = message;
      show(slot, true);
    }
    if (described && slot) {
      var base = described.getAttribute("data-describedby") || "";
      described.setAttribute("aria-describedby", (base + " " + slot.id).trim());
    }
    (inputs || []).forEach(function (input) {
      if (input) {
        input.classList.add("sa-input--error");
        input.setAttribute("aria-invalid", "true");
      }
    });
  }

  function clearErrors(scope) {
    function each(selector, change) { Array.prototype.forEach.call(scope.querySelectorAll(selector), change); }
    each(".sa-form-group--error", function (group) { group.classList.remove("sa-form-group--error"); });
    each(".sa-error-message", function (slot) { show(slot, false); });
    each("[data-describedby]", function (node) {
      var base = node.getAttribute("data-describedby");
      if (base) { node.setAttribute("aria-describedby", base); } else { node.removeAttribute("aria-describedby"); }
    });
    each(".sa-input--error, [aria-invalid]", function (input) {
      input.classList.remove("sa-input--error");
      input.removeAttribute("aria-invalid");
    });
  }

  // --- the practice answering ----------------------------------------------------------------------

  function practiceLabel(draft) {
    return draft.practice_code + (draft.practice_name ? " (" + draft.practice_name + ")" : "");
  }

  function showPracticeBar(draft) {
    byId("sa-practice-label").textContent = practiceLabel(draft);
    show(byId("sa-practice-bar"), true);
  }

  // --- fields of a question ------------------------------------------------------------------------

  var PART_FIELDS = { answer: "", comment: "-comment", action: "-action", action_owner: "-owner", action_due: "-due" };
  var DATE_SUFFIX = { day: "", month: "-month", year: "-year" };

  function container(questionId) {
    return document.querySelector("[data-question=\"" + questionId + "\"]");
  }

  function dateInputs(baseId) {
    return { day: byId(baseId), month: byId(baseId + "-month"), year: byId(baseId + "-year") };
  }

  /** Whether a part of q's answer is given as a date (day, month and year boxes). */
  function isDatePart(q, part) { return part === "action_due" || (part === "answer" && q.answer_type.kind === "date"); }

  /** The value of one part of a question's answer as it stands on the page. */
  function readPart(q, part) {
    var box = container(q.question_id);
    if (part === "answer" && G.isRadio(q)) {
      var checked = /** @type {HTMLInputElement | null} */ (box.querySelector("input[data-part=\"answer\"]:checked"));
      return { value: checked ? checked.value : "" };
    }
    var never = part === "answer" ? byId(q.field + "-never") : null;
    if (never && never.checked) { return { value: window.GPQS_RULES.NEVER, parts: { day: "", month: "", year: "" } }; }
    if (isDatePart(q, part)) {
      var inputs = dateInputs(q.field + PART_FIELDS[part]);
      var parts = { day: inputs.day.value, month: inputs.month.value, year: inputs.year.value };
      return { value: G.readDateParts(parts).value, parts: parts };
    }
    var input = byId(q.field + PART_FIELDS[part]);
    var value = input ? input.value : "";
    if (part === "answer" && q.answer_type.kind === "number" && q.unit === "%") {
      value = value.replace(/^\s*([^%]*?)\s*%\s*$/, "$1");  // "75%" as a practice writes it is 75
    }
    return { value: value };
  }

  /** Put a kept answer back into the page: each of its fields (data-part, a date's box data-date) as kept. */
  function restore(q, entry) {
    entry = entry || G.emptyEntry();
    var box = container(q.question_id);
    if (!box) { return; }
    var never = RULES.isNever(String(entry.answer || ""));
    Array.prototype.forEach.call(box.querySelectorAll("[data-part]"), function (input) {
      var part = input.getAttribute("data-part"), date = input.getAttribute("data-date");
      if (input.type === "radio" || input.hasAttribute("data-never")) {
        input.checked = input.type === "radio" ? input.value === entry[part] : never;
      } else {
        input.value = !date ? entry[part] || "" : (part === "answer" && never ? "" :
          (entry[part + "_parts"] || G.splitDate(entry[part]))[date] || "");
      }
    });
    showCheckAgain(q, entry);
    showPlan(q, entry);
  }

  function showPlan(q, entry) {
    var plan = byId(q.field + "-plan");
    if (plan) { show(plan, G.flagsRisk(q, entry && entry.answer)); }
  }

  function showCheckAgain(q, entry) {
    var box = byId(q.field + "-check-again");
    if (!box) { return; }
    var reason = entry && entry.check_again;
    if (reason) { box.querySelector(".sa-check-again__reason").textContent = reason; }
    show(box, !!reason);
  }

  /** Where the error summary links for a problem with one part of a question. */
  function partTarget(q, problem) {
    return q.field + PART_FIELDS[problem.part] +
      (isDatePart(q, problem.part) ? DATE_SUFFIX[(problem.missing && problem.missing[0]) || "day"] : "");
  }

  function partInputs(q, problem) {
    var base = q.field + PART_FIELDS[problem.part];
    if (isDatePart(q, problem.part)) {
      var inputs = dateInputs(base);
      var names = problem.missing && problem.missing.length ? problem.missing : ["day", "month", "year"];
      return names.map(function (n) { return inputs[n]; });
    }
    if (problem.part === "answer" && G.isRadio(q)) { return []; }
    return [byId(base)];
  }

  /** Every problem with a question's answer, in the form's words, checking again included. */
  function questionProblems(q, entry) {
    var problems = G.answerProblems(q, entry);
    if (entry && entry.check_again) {
      problems.unshift({
        part: "answer", message: G.formMessage("check_again", { id: q.question_id }), check_again: true
      });
    }
    return problems;
  }

  // --- a domain's page -----------------------------------------------------------------------------

  /** How many of a section's required questions are answered: '3 of 5 required questions'. */
  function answeredText(progress) {
    return progress.answered + " of " + plural(progress.required, "required question", "required questions");
  }

  function domainPage() {
    var domain = domainOf(root.getAttribute("data-sa-domain"));
    var form = byId("sa-domain-form");
    var code = G.currentPractice();
    if (!code) {
      show(byId("sa-no-practice"), true);
      show(form, false);
      return;
    }
    var draft = G.loadDraft(code) || G.newDraft(code);
    showPracticeBar(draft);
    var ids = domain.questions;
    ids.forEach(function (id) { restore(G.question(id), draft.answers[id]); });

    function refreshProgress(current) {
      byId("sa-progress").textContent = "You have answered " + answeredText(G.domainProgress(domain, current)) +
        " in this section.";
    }
    refreshProgress(draft);

    function save(event) {
      var target = event.target;
      var part = target.getAttribute && target.getAttribute("data-part");
      var box = target.closest && target.closest("[data-question]");
      if (!part || !box) { return; }
      var q = G.question(box.getAttribute("data-question"));
      if (target.hasAttribute("data-never") && target.checked) {
        Object.values(dateInputs(q.field)).forEach(function (input) { input.value = ""; });  // never done: no date
      } else if (part === "answer" && target.hasAttribute("data-date") && target.value) {
        var never = byId(q.field + "-never");
        if (never) { never.checked = false; }  // a date typed: done after all
      }
      var read = readPart(q, part);
      var result = G.updateDraft(code, function (d) {
        var entry = d.answers[q.question_id] || G.emptyEntry();
        if (part === "answer" && entry.answer !== read.value) { delete entry.check_again; }
        entry[part] = read.value;
        if (read.parts) { entry[part + "_parts"] = read.parts; }
        d.answers[q.question_id] = entry;
      });
      kept(result.kept);
      var entry = result.draft.answers[q.question_id];
      showPlan(q, entry);
      showCheckAgain(q, entry);
      refreshProgress(result.draft);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    form.addEventListener("click", function (event) {
      var target = /** @type {Element} */ (event.target);
      var button = target.closest && target.closest("[data-keep]");
      if (!button) { return; }
      var q = G.question(button.getAttribute("data-keep"));
      var result = G.updateDraft(code, function (d) {
        if (d.answers[q.question_id]) { delete d.answers[q.question_id].check_again; }
      });
      kept(result.kept);
      showCheckAgain(q, result.draft.answers[q.question_id]);
      refreshProgress(result.draft);
      var first = byId(q.field);
      if (first) { first.focus(); }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var current = G.loadDraft(code) || G.newDraft(code);
      clearErrors(form);
      var items = [];
      ids.forEach(function (id) {
        var q = G.question(id);
        var seen = {};
        questionProblems(q, current.answers[id]).forEach(function (problem) {
          items.push({ href: "#" + partTarget(q, problem), message: namedMessage(q, problem.message) });
          if (seen[problem.part]) { return; }
          seen[problem.part] = true;
          var group = container(id).querySelector("[data-group=\"" + problem.part + "\"]");
          setGroupError(group, problem.message, partInputs(q, problem));
        });
      });
      showErrorSummary(items);  // or none
      if (items.length) { return; }
      var index = D.domains.indexOf(domain);
      var next = D.domains[index + 1];
      var after = G.loadDraft(code) || current;
      var done = D.domains.filter(function (d) { return G.domainProgress(d, after).status === "complete"; }).length;
      flashNext("sa-words-saved", { domain: domain.title, done: done, next: next && next.title, last: !next });
      window.location.href = next ? next.page : "check-answers.html";
    });

    var later = byId("sa-save-later");
    if (later) {
      later.addEventListener("click", function () {
        var progress = G.domainProgress(domain, G.loadDraft(code) || draft);
        flashNext("sa-words-saved-later", { domain: domain.title, answered: answeredText(progress) });
      });
    }

    showFlash();
    focusFromHash();
  }

  /** A change link such as 'safeguarding.html#q-sg1-2' lands on the field itself. */
  function focusFromHash() {
    var id = window.location.hash.slice(1);
    var target = id ? byId(decodeURIComponent(id)) : null;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
      target.focus();
      var box = target.closest("[data-question]");
      if (box && box.scrollIntoView) { box.scrollIntoView({ block: "start" }); }
    }
  }

  // --- the start page ------------------------------------------------------------------------------

  var TAG_COLOURS = { "not started": "grey", "in progress": "blue", complete: "green" };

  /** Each section's status and count (the elements `prefix`<domain>-status and -count), and the totals. */
  function showSections(prefix, draft, counted) {
    var totals = { complete: 0, required: 0, answered: 0 };
    D.domains.forEach(function (domain) {
      var progress = G.domainProgress(domain, draft);
      var tag = byId(prefix + domain.id + "-status");
      totals.required += progress.required;
      totals.answered += progress.answered;
      if (progress.status === "complete") { totals.complete += 1; }
      tag.textContent = progress.status.charAt(0).toUpperCase() + progress.status.slice(1);
      tag.className = "sa-tag sa-tag--" + TAG_COLOURS[progress.status];
      byId(prefix + domain.id + "-count").textContent = progress.answered + " of " + progress.required + counted;
    });
    return totals;
  }

  /** Say what was done on the start page, in its words (the template sa-words-said), which take focus. */
  function notify(slots) { notifyDone("sa-words-said", slots); }

  function startPage() {
    var codeInput = byId("sa-practice-code");
    var nameInput = byId("sa-practice-name");
    var byInput = byId("sa-completed-by");
    var form = byId("sa-practice-form");
    var pattern = new RegExp(D.ods_pattern);

    function normalCode(text) { return String(text || "").trim().toUpperCase(); }

    function fillPractice(draft) {
      codeInput.value = draft ? draft.practice_code : "";
      nameInput.value = draft ? draft.practice_name : "";
      byInput.value = draft ? draft.completed_by : "";
    }

    function renderOverview() {
      var code = G.currentPractice();
      var draft = code ? (G.loadDraft(code) || G.newDraft(code)) : null;
      show(byId("sa-overview"), !!draft);
      if (draft) {
        G.say(byId("sa-overview-summary"), "sa-words-overview", { practice: practiceLabel(draft),
          complete: showSections("sa-task-", draft, " answered").complete });
      }
      renderSaved();
    }

    var current = G.currentPractice();
    fillPractice(current ? (G.loadDraft(current) || G.newDraft(current)) : null);
    renderOverview();
    showDeadline(root);
    showFlash();

    [nameInput, byInput].forEach(function (input) {
      input.addEventListener("input", function () {
        var code = G.currentPractice();
        if (!code || normalCode(codeInput.value) !== code) { return; }
        var field = input.getAttribute("data-field");
        kept(G.updateDraft(code, function (d) { d[field] = input.value; }).kept);
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var code = normalCode(codeInput.value);
      /** @type {Array<[boolean, string, string, HTMLInputElement]>} */
      var checks = [
        [code === "", "practice_code", "practice_code_missing", codeInput],
        [code !== "" && !pattern.test(code), "practice_code", "practice_code_pattern", codeInput],
        [nameInput.value.trim() === "", "practice_name", "practice_name_missing", nameInput],
        [byInput.value.trim() === "", "completed_by", "completed_by_missing", byInput]
      ];
      var items = [];
      checks.forEach(function (check) {
        if (!check[0]) { return; }
        var message = G.formMessage(check[2]);
        items.push({ href: "#" + check[3].id, message: message });
        setGroupError(form.querySelector("[data-group=\"" + check[1] + "\"]"), message, [check[3]]);
      });
      showErrorSummary(items);  // or none
      if (items.length) { return; }
      var before = G.loadDraft(code);
      var result = G.updateDraft(code, function (d) {
        d.practice_name = nameInput.value.trim();
        d.completed_by = byInput.value.trim();
      });
      kept(result.kept && G.setCurrentPractice(code));
      codeInput.value = code;
      renderOverview();
      var answered = G.answeredCount(before && before.answers);
      notify(answered && code !== current ? { carrying_on: plural(answered, "answer", "answers"), code: code } :
        { saved: true });
      current = code;
    });

    // carry on from a file, or carry an earlier edition's return forward
    var fileInput = byId("sa-import-file");
    var confirmBox = byId("sa-import-confirm");
    var pending = null;

    function importError(message) {
      var group = fileInput.closest("[data-group]");
      clearErrors(group);
      setGroupError(group, message, [fileInput]);
      showErrorSummary([{ href: "#sa-import-file", message: message }]);
    }

    /** Ask before loading: the words `id` with `slots` (and the answers kept that they replace), then `apply`. */
    function askToLoad(title, yesText, id, slots, apply) {
      clearErrors(fileInput.closest("[data-group]"));
      showErrorSummary([]);
      byId("sa-import-confirm-title").textContent = title;
      var existing = G.loadDraft(slots.code);
      var count = G.answeredCount(existing && existing.answers);
      slots.replacing = count && plural(count, "answer", "answers");
      G.say(byId("sa-import-confirm-body"), id, slots);
      byId("sa-import-yes").textContent = yesText;
      pending = apply;
      show(confirmBox, true);
      focusOn(confirmBox);
    }

    /** A new draft for the practice of `ret` holding `answers`, its details from `ret` or the draft kept. */
    function draftFrom(ret, code, answers) {
      var existing = G.loadDraft(code);
      var draft = G.newDraft(code);
      draft.practice_name = ret.practice_name || (existing ? existing.practice_name : "");
      draft.completed_by = ret.completed_by || (existing ? existing.completed_by : "");
      draft.answers = answers;
      return draft;
    }

    function offerReturn(ret, source) {
      var code = String(ret.practice_code || "").toUpperCase();
      if (!pattern.test(code)) {
        importError("The file does not name the practice's ODS code as one letter and five digits, like C82001");
        return;
      }
      if (ret.edition === D.edition) {
        var found = G.answersFromReturn(ret);
        var count = G.answeredCount(found.answers);
        if (!count) {
          importError("The " + source + " holds no answers for " + code + " that this form can load" +
            (found.skipped.length ? ": " + found.skipped[0] : "."));
          return;
        }
        var slots = { source: source, count: plural(count, "answer", "answers"), code: code, skipped: found.skipped };
        askToLoad("Load these answers?", "Load the answers", "sa-words-load", slots, function () {
          return { draft: draftFrom(ret, code, found.answers), said: { loaded: plural(count, "answer", "answers"), code: code } };
        });
        return;
      }
      var lineage = G.lineageFrom(ret.edition);
      if (!lineage) {
        var carried = D.carry.map(function (l) { return l.from; });
        importError("The file is a return for the " + (ret.edition || "unnamed") + " edition, not " + D.edition +
          ". Load a return for " + D.edition + (carried.length ? ", or a return for " + RULES.joinWords(carried, "and") +
          " to carry it forward" : "") + ".");
        return;
      }
      var result = G.carryForward(ret, lineage);
      var carrying = {
        source: source, code: code, from: lineage.from, kept: plural(result.kept.length, "answer", "answers"),
        again: plural(result.check_again.length, "answer", "answers"),
        gone: plural(result.dropped.length, "answer", "answers"), left: plural(result.empty.length, "question", "questions"),
        dropped: result.dropped.map(function (d) {
          return d.question_id + " " + d.text + " (your answer: " + (d.answer || "none") + ")";
        }),
        problems: result.problems
      };
      askToLoad("Carry your " + lineage.from + " answers forward?", "Carry the answers forward", "sa-words-carry", carrying, function () {
        var draft = draftFrom(ret, code, result.answers);
        draft.carried_from = lineage.from;
        draft.dropped = result.dropped;
        var moved = plural(result.kept.length + result.check_again.length, "answer", "answers");
        return { draft: draft, said: { carried: moved, from: lineage.from } };
      });
    }

    fileInput.addEventListener("change", async function () {
      var file = fileInput.files && fileInput.files[0];
      show(confirmBox, false);
      if (!file) { return; }
      if (file.size > 5000000) {
        importError("The file is larger than 5 MB: choose the self-assessment workbook, or the return's CSV or JSON file");
        return;
      }
      var ret = await G.loadFile(new Uint8Array(await file.arrayBuffer()));
      if (ret.error) {
        importError(ret.error);
        return;
      }
      offerReturn(ret, (ret.kind === "workbook" ? "workbook " : "file ") + file.name);
    });

    /** Answer for the practice of `draft` from now on (for none when null), and say so. */
    function switchTo(draft, said) {
      current = draft ? draft.practice_code : null;
      fillPractice(draft);
      renderOverview();
      notify(said);
    }

    byId("sa-import-yes").addEventListener("click", function () {
      if (!pending) { return; }
      var outcome = pending();
      pending = null;
      show(confirmBox, false);
      fileInput.value = "";
      kept(G.saveDraft(outcome.draft) && G.setCurrentPractice(outcome.draft.practice_code));
      switchTo(outcome.draft, outcome.said);
    });
    byId("sa-import-no").addEventListener("click", function () {
      pending = null;
      show(confirmBox, false);
      fileInput.value = "";
      fileInput.focus();
    });

    // answers kept in this browser for other practices or editions
    function renderSaved() {
      var list = byId("sa-saved-list");
      empty(list);
      var code = G.currentPractice();
      var others = G.listDrafts().filter(function (d) {
        return !(d.edition === D.edition && d.practice_code === code) && d.answered > 0;
      });
      others.forEach(function (saved) {
        var here = saved.edition === D.edition, carried = !here && G.lineageFrom(saved.edition);
        list.appendChild(G.words("sa-words-draft", {
          label: practiceLabel(saved.draft) + ", " + saved.edition + ": " + plural(saved.answered, "answer", "answers") + ". ",
          code: saved.practice_code, here: here, carried: carried, other: !here && !carried
        }));
        var button = list.lastElementChild.querySelector("button");
        if (button) {
          button.addEventListener("click", here ? function () {
            kept(G.setCurrentPractice(saved.practice_code));
            switchTo(G.loadDraft(saved.practice_code), { kept: true, code: saved.practice_code });
          } : function () { offerReturn(G.draftAsReturn(saved.draft), "browser"); });
        }
      });
      show(byId("sa-saved"), others.length > 0);
    }

    // clear my answers, after asking
    var clearBox = byId("sa-clear-confirm");
    byId("sa-clear").addEventListener("click", function () {
      var code = G.currentPractice();
      if (!code) {
        notify({ nothing: true });
        return;
      }
      var draft = G.loadDraft(code) || G.newDraft(code);
      var count = G.answeredCount(draft.answers);
      G.say(byId("sa-clear-confirm-text"), "sa-words-clear", { count: plural(count, "answer", "answers"),
        practice: practiceLabel(draft) });
      show(clearBox, true);
      focusOn(clearBox);
    });
    byId("sa-clear-yes").addEventListener("click", function () {
      var code = G.currentPractice();
      show(clearBox, false);
      if (code) { G.clearDraft(code); }
      switchTo(null, { cleared: true, code: code || "this practice" });
    });
    byId("sa-clear-no").addEventListener("click", function () {
      show(clearBox, false);
      byId("sa-clear").focus();
    });
  }

  // --- check your answers, download, send ----------------------------------------------------------

  function answerText(q, entry) {
    var answer = String((entry && entry.answer) || "").trim();
    if (answer === "") { return ""; }
    if (G.isRadio(q)) { return q.labels[answer] || answer; }
    if (q.answer_type.kind === "number") { return answer + (q.unit ? (q.unit === "%" ? "%" : " " + q.unit) : ""); }
    if (q.answer_type.kind === "date") { return G.dateText(answer); }
    return answer;
  }

  /** One answer on Check your answers, with its comment, its action plan where it flags a risk, and why to check it. */
  function fillValue(cell, q, entry) {
    entry = entry || G.emptyEntry();
    var text = answerText(q, entry);
    var plan = [["Action: ", entry.action], ["Who: ", entry.action_owner], ["By: ", G.dateText(String(entry.action_due || "").trim())]]
      .filter(function (part) { return String(part[1] || "").trim(); }).map(function (part) { return part[0] + part[1].trim(); });
    G.say(cell, "sa-words-value", {
      answer: text, missing: !text && (q.required ? "Not answered" : "Not answered (optional)"), again: entry.check_again,
      comment: String(entry.comment || "").trim(), risk: G.flagsRisk(q, entry.answer),
      plan: plan.length ? plan.join(". ") + "." : "No action plan yet."
    });
  }

  /** Every problem of the return by section, each naming its question by its words; only sections with any. */
  function problemsBySection(draft) {
    var groups = [];
    D.domains.forEach(function (domain) {
      var items = [];
      domain.questions.forEach(function (id) {
        var q = G.question(id);
        questionProblems(q, draft.answers[id]).forEach(function (problem) {
          items.push({ href: domain.page + "#" + partTarget(q, problem), message: namedMessage(q, problem.message) });
        });
      });
      if (items.length) { groups.push({ domain: domain, progress: G.domainProgress(domain, draft), items: items }); }
    });
    return groups;
  }

  function problemCount(groups) {
    return groups.reduce(function (sum, group) { return sum + group.items.length; }, 0);
  }

  /**
   * The error summary of the whole return, grouped by section (GOV.UK: each problem links to its question). A
   * section not started is one line that leads to it, not a line for each of its questions.
   */
  function showGroupedProblems(groups, focus) {
    var summary = byId("sa-error-summary");
    var box = byId("sa-error-groups");
    empty(box);
    var notStarted = 0;
    groups.forEach(function (group) {
      var items = group.items;
      if (group.progress.status === "not started") {
        notStarted += 1;
        items = [{
          href: group.domain.page,
          message: "Not started: answer the " + plural(group.progress.required, "required question",
            "required questions") + " in " + group.domain.title
        }];
      }
      box.appendChild(G.words("sa-words-section", { title: group.domain.title }));
      links(box.lastElementChild, items);
    });
    var started = groups.length - notStarted;
    byId("sa-error-summary-lead").textContent = "The ICB will not accept the return until these are put right: " +
      [started ? plural(started, "section has", "sections have") + " answers missing or to correct" : "",
        notStarted ? plural(notStarted, "section has", "sections have") + " not been started" : ""]
        .filter(function (t) { return t; }).join("; ") + ".";
    show(summary, groups.length > 0);
    if (groups.length && focus) { focusOn(summary); }
  }

  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  /** The GOV.UK confirmation after a download: what was saved, then what to do next. */
  function confirmDownload(name, draft) {
    var count = problemCount(problemsBySection(draft));
    notifyDone("sa-words-downloaded", { name: name, problems: count && plural(count, "problem", "problems"), finished: !count });
  }

  /** What the practice, who completed it and when: the printed summary's header and sign-off. */
  function fillPrintHeader(draft) {
    var details = {
      practice: practiceLabel(draft),
      by: draft.completed_by || "Not given",
      saved: draft.updated_at ? G.dateText(String(draft.updated_at).slice(0, 10)) : "Not known",
      sent: draft.submitted ? "Sent to the ICB on " + G.dateText(String(draft.submitted.at).slice(0, 10)) +
        (draft.submitted.reference ? ", reference " + draft.submitted.reference : "") : "Not sent from this form",
      printed: G.dateText(RULES.isoDate(RULES.today())),
      signer: draft.completed_by || ""
    };
    Array.prototype.forEach.call(root.querySelectorAll("[data-print]"), function (node) {
      node.textContent = details[node.getAttribute("data-print")];
    });
  }

  function checkAnswersPage() {
    var code = G.currentPractice();
    if (!code) {
      show(byId("sa-no-practice"), true);
      show(byId("sa-finish"), false);
      return;
    }
    var draft = G.loadDraft(code) || G.newDraft(code);
    showPracticeBar(draft);
    fillPrintHeader(draft);
    G.questions.forEach(function (q) {
      var cell = root.querySelector("[data-value=\"" + q.question_id + "\"]");
      if (cell) { fillValue(cell, q, draft.answers[q.question_id]); }
    });
    var totals = showSections("sa-section-", draft, "");
    G.say(byId("sa-progress"), "sa-words-progress", { complete: totals.complete, answered: answeredText(totals) });
    var groups = problemsBySection(draft);
    showGroupedProblems(groups, false);
    var count = problemCount(groups);
    G.say(byId("sa-export-status"), "sa-words-export", { problems: count && plural(count, "problem", "problems"), finished: !count });
    showDeadline(root);

    [["csv", "text/csv;charset=utf-8", G.returnCsv], ["json", "application/json", function (now) {
      return JSON.stringify(G.returnJson(now), null, 2) + "\n";
    }]].forEach(function (as) {
      byId("sa-download-" + as[0]).addEventListener("click", function () {
        var now = G.loadDraft(code) || draft;
        download(G.fileName(now, as[0]), as[1], as[2](now));
        confirmDownload(G.fileName(now, as[0]), now);
      });
    });
    byId("sa-print").addEventListener("click", function () { window.print(); });

    var send = byId("sa-send");
    if (send && D.submission_url) { setUpSending(send, code); }
    showFlash();
  }

  function sendResult(outcome, slots) {
    var panel = G.say(byId("sa-send-result"), outcome === "success" ? "sa-words-sent" : "sa-words-not-sent", slots);
    panel.className = "sa-panel sa-panel--result sa-panel--" + outcome;
    show(panel, true);
    focusOn(panel);
  }

  function setUpSending(button, code) {
    button.addEventListener("click", async function () {
      var draft = G.loadDraft(code) || G.newDraft(code);
      var groups = problemsBySection(draft);
      if (groups.length) {
        showGroupedProblems(groups, true);
        return;
      }
      var controller = new AbortController();
      var timer = window.setTimeout(function () { controller.abort(); }, 30000);
      button.disabled = true;
      button.textContent = "Sending…";
      var response = null, data = null, failed = null;
      try {
        response = await window.fetch(D.submission_url, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(G.returnJson(draft)),
          signal: controller.signal,
          credentials: "omit",
          cache: "no-store"
        });
        var text = await response.text();
        try { data = JSON.parse(text); } catch (error) { data = null; }
      } catch (error) {
        failed = error || {};
      }
      window.clearTimeout(timer);
      button.disabled = false;
      button.textContent = "Send to the ICB";
      var said = data && typeof data === "object" ? data : {};
      if (failed) {
        sendResult("error", { late: failed.name === "AbortError", offline: failed.name !== "AbortError", again: true });
      } else if (response.ok) {
        var reference = said.reference !== undefined && said.reference !== null ? String(said.reference) : "";
        var at = new Date().toISOString();
        kept(G.updateDraft(code, function (d) { d.submitted = { at: at, reference: reference }; }).kept);
        sendResult("success", { reference: reference, no_reference: !reference });
      } else if (response.status >= 500) {
        sendResult("error", { broken: String(response.status), again: true });
      } else {
        sendResult("error", { refused: String(response.status), said: String(said.message || said.error || "") });
      }
    });
  }

  if (!G.canStore()) { kept(false); }
  ({ start: startPage, domain: domainPage, "check-answers": checkAnswersPage })[kind]();
}(window, document));
