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

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function empty(node) { while (node && node.firstChild) { node.removeChild(node.firstChild); } }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

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

  /** A question by its id and its words, for a message read away from the question: 'SG1.2 “Does the practice…”'. */
  function questionName(q) {
    var words = String(q.text || "").trim();
    if (words.length > 90) { words = words.slice(0, 90).replace(/\s+\S*$/, "") + "\u2026"; }
    return words ? q.question_id + " \u201c" + words + "\u201d" : q.question_id;
  }

  /** A problem's message with its question named by its words as well as its id. */
  function namedMessage(q, message) {
    var at = message.indexOf(q.question_id);
    return at < 0 ? message : message.slice(0, at) + questionName(q) + message.slice(at + q.question_id.length);
  }

  // --- a message for the next page (GOV.UK confirmation after a save) ------------------------------------

  var FLASH_KEY = D.storage_prefix + "/" + D.edition + "/next-page-message";

  /** Keep a confirmation for the page the practice goes to next (this tab only). */
  function flashNext(message) {
    try { window.sessionStorage.setItem(FLASH_KEY, JSON.stringify(message)); } catch (error) { /* not kept: no message */ }
  }

  /** The confirmation left by the page before, once. */
  function takeFlash() {
    try {
      var text = window.sessionStorage.getItem(FLASH_KEY);
      window.sessionStorage.removeItem(FLASH_KEY);
      return text ? JSON.parse(text) : null;
    } catch (error) {
      return null;
    }
  }

  /** A GOV.UK notification banner: a heading saying what happened, then what to do next. */
  function notifyDone(heading, lines) {
    var note = byId("sa-notification");
    if (!note) { return; }
    empty(note);
    note.appendChild(element("h2", { "class": "sa-notification__heading" }, heading));
    (lines || []).forEach(function (line) {
      var p = element("p", {});
      (Array.isArray(line) ? line : [line]).forEach(function (part) {
        p.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
      });
      note.appendChild(p);
    });
    show(note, true);
    focusOn(note);
  }

  function showFlash() {
    var flash = takeFlash();
    if (flash && flash.heading) { notifyDone(flash.heading, flash.lines); }
  }

  // --- how and where to send the return -------------------------------------------------------------------

  /** The guidance page that gives the ICB's address for returns, from the self-assessment's pages. */
  var HOW_TO_USE = "../how-to-use.html";

  /** Where the ICB takes returns: its settings (toolkit.yml) in the edition's data, else what the site gives. */
  function sendingTo() {
    var icb = D.icb || {};
    return {
      who: icb.name || "the ICB",
      email: icb.returns_email || "",
      phone: icb.returns_phone || icb.support_phone || "",
      help: icb.support_email || "",
      url: D.submission_url || icb.submission_url || ""
    };
  }

  /** The return deadline as words, and whether it has passed by this computer's date. */
  function deadline() {
    var iso = D.return_deadline;
    if (!iso || !RULES.parseIsoDate(iso)) { return null; }
    return { text: G.dateText(iso), passed: RULES.isoDate(RULES.today()) > iso };
  }

  /** The sentence about the deadline: by when, or that it has passed and to send as soon as possible. */
  function deadlineText() {
    var due = deadline();
    if (!due) { return ""; }
    return due.passed ?
      "The deadline for returns, " + due.text + ", has passed. Send your return as soon as possible." :
      "Send your return by " + due.text + ".";
  }

  /** Fill a "how to send your return" block; `where` is the page ("start", "check-answers" or "downloaded"). */
  function fillHowToSend(node, where, level) {
    if (!node) { return; }
    var to = sendingTo();
    empty(node);
    node.appendChild(element(level || "h2", { "class": "sa-how-to-send__heading" }, "How to send your return"));
    var due = deadlineText();
    if (due) { node.appendChild(element("p", { "class": "sa-how-to-send__deadline" }, due)); }
    var steps = element("ol", { "class": "sa-list sa-list--number" });
    if (where === "start") {
      steps.appendChild(element("li", {}, "Answer every section below, then choose \u201cCheck your answers\u201d."));
    }
    if (to.url) {
      steps.appendChild(element("li", {}, (where === "check-answers" ? "Choose" : "On \u201cCheck your answers\u201d, choose") +
        " \u201cSend to the ICB\u201d: your return goes straight to " + to.who + " and you get a reference."));
    }
    var emailStep = element("li", {});
    var downloadWords = (to.url ? "Or download" : "Download") + " the return (CSV)" +
      (where === "check-answers" ? " above" : " from \u201cCheck your answers\u201d") + " and ";
    if (to.email) {
      emailStep.appendChild(document.createTextNode(downloadWords + "email it to "));
      emailStep.appendChild(element("a", { href: "mailto:" + to.email }, to.email));
      emailStep.appendChild(document.createTextNode(", with your practice's ODS code in the subject."));
    } else {
      emailStep.appendChild(document.createTextNode(downloadWords + "email it to " + to.who + " at the address given in "));
      emailStep.appendChild(element("a", { href: HOW_TO_USE }, "how to use the toolkit"));
      emailStep.appendChild(document.createTextNode(", with your practice's ODS code in the subject."));
    }
    steps.appendChild(emailStep);
    node.appendChild(steps);
    if (to.help || to.phone) {
      var questions = element("p", {}, "Questions about your return: ");
      if (to.help) { questions.appendChild(element("a", { href: "mailto:" + to.help }, to.help)); }
      questions.appendChild(document.createTextNode((to.help && to.phone ? " or telephone " : "") +
        (!to.help && to.phone ? "telephone " : "") + (to.phone || "") + "."));
      node.appendChild(questions);
    }
  }

  function domainOf(id) {
    for (var i = 0; i < D.domains.length; i += 1) {
      if (D.domains[i].id === id) { return D.domains[i]; }
    }
    return null;
  }

  // --- errors, the GOV.UK way ----------------------------------------------------------------------

  /** Show the error summary with a link to each field, and move focus to it. */
  function showErrorSummary(items, focus) {
    var summary = byId("sa-error-summary");
    var list = summary.querySelector(".sa-error-summary__list");
    empty(list);
    items.forEach(function (item) {
      var li = element("li");
      var link = element("a", { href: item.href }, item.message);
      link.addEventListener("click", function (event) {
        var target = item.href.charAt(0) === "#" ? byId(item.href.slice(1)) : null;
        if (target) {
          event.preventDefault();
          var legend = target.closest ? target.closest("fieldset") : null;
          focusOn(target);
          if (legend && legend.scrollIntoView) { legend.scrollIntoView({ block: "start" }); }
        }
      });
      li.appendChild(link);
      list.appendChild(li);
    });
    show(summary, items.length > 0);
    if (items.length && focus !== false) { focusOn(summary); }
  }

  function hideErrorSummary() { show(byId("sa-error-summary"), false); }

  /** Mark a form group in error: the message by the field, read out with the field. */
  function setGroupError(group, message, inputs) {
    if (!group) { return; }
    var slot = group.querySelector(".sa-error-message");
    var described = group.querySelector("[data-describedby]") || group.querySelector("input, textarea, select");
    group.classList.add("sa-form-group--error");
    if (slot) {
      empty(slot);
      slot.appendChild(element("span", { "class": "sa-visually-hidden" }, "Error: "));
      slot.appendChild(document.createTextNode(message));
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
    Array.prototype.forEach.call(scope.querySelectorAll(".sa-form-group--error"), function (group) {
      group.classList.remove("sa-form-group--error");
    });
    Array.prototype.forEach.call(scope.querySelectorAll(".sa-error-message"), function (slot) {
      empty(slot);
      show(slot, false);
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-describedby]"), function (node) {
      var base = node.getAttribute("data-describedby");
      if (base) { node.setAttribute("aria-describedby", base); } else { node.removeAttribute("aria-describedby"); }
    });
    Array.prototype.forEach.call(scope.querySelectorAll(".sa-input--error, [aria-invalid]"), function (input) {
      input.classList.remove("sa-input--error");
      input.removeAttribute("aria-invalid");
    });
  }

  // --- the practice answering ----------------------------------------------------------------------

  function practiceLabel(draft) {
    return draft.practice_code + (draft.practice_name ? " (" + draft.practice_name + ")" : "");
  }

  function showPracticeBar(draft) {
    var bar = byId("sa-practice-bar");
    if (!bar) { return; }
    empty(bar);
    bar.appendChild(document.createTextNode("Answering for " + practiceLabel(draft) + ". "));
    bar.appendChild(element("a", { href: "index.html" }, "Change practice"));
    show(bar, true);
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

  function readParts(baseId) {
    var inputs = dateInputs(baseId);
    return { day: inputs.day.value, month: inputs.month.value, year: inputs.year.value };
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
      var parts = readParts(q.field + PART_FIELDS[part]);
      return { value: G.readDateParts(parts).value, parts: parts };
    }
    var input = byId(q.field + PART_FIELDS[part]);
    var value = input ? input.value : "";
    if (part === "answer" && q.answer_type.kind === "number" && q.unit === "%") {
      value = value.replace(/^\s*([^%]*?)\s*%\s*$/, "$1");  // "75%" as a practice writes it is 75
    }
    return { value: value };
  }

  function writeParts(baseId, parts) {
    var inputs = dateInputs(baseId);
    Object.keys(inputs).forEach(function (name) { if (inputs[name]) { inputs[name].value = parts[name] || ""; } });
  }

  /** Put a kept answer back into the page. */
  function restore(q, entry) {
    entry = entry || G.emptyEntry();
    var box = container(q.question_id);
    if (!box) { return; }
    if (G.isRadio(q)) {
      Array.prototype.forEach.call(box.querySelectorAll("input[data-part=\"answer\"]"), function (radio) {
        radio.checked = radio.value === entry.answer;
      });
    } else if (q.answer_type.kind === "date") {
      var never = window.GPQS_RULES.isNever(String(entry.answer || ""));
      byId(q.field + "-never").checked = never;
      writeParts(q.field, never ? {} : entry.answer_parts || G.splitDate(entry.answer));
    } else {
      byId(q.field).value = entry.answer || "";
    }
    byId(q.field + "-comment").value = entry.comment || "";
    if (byId(q.field + "-plan")) {
      byId(q.field + "-action").value = entry.action || "";
      byId(q.field + "-owner").value = entry.action_owner || "";
      writeParts(q.field + "-due", entry.action_due_parts || G.splitDate(entry.action_due));
    }
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
    if (reason) {
      box.querySelector(".sa-check-again__text").textContent =
        "Carried forward from your last return. Check this answer again: " + reason + ".";
    }
    show(box, !!reason);
  }

  /** Where the error summary links for a problem with one part of a question. */
  function partTarget(q, problem) {
    var base = q.field + PART_FIELDS[problem.part];
    if (isDatePart(q, problem.part)) {
      return base + DATE_SUFFIX[(problem.missing && problem.missing[0]) || "day"];
    }
    return base;
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

  function progressText(progress) {
    return "You have answered " + progress.answered + " of " + plural(progress.required, "required question",
      "required questions") + " in this section.";
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
      byId("sa-progress").textContent = progressText(G.domainProgress(domain, current));
    }
    refreshProgress(draft);

    function save(event) {
      var target = event.target;
      var part = target.getAttribute && target.getAttribute("data-part");
      var box = target.closest && target.closest("[data-question]");
      if (!part || !box) { return; }
      var q = G.question(box.getAttribute("data-question"));
      if (target.hasAttribute("data-never") && target.checked) {
        writeParts(q.field, {});  // never done: no date
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
      if (items.length) {
        showErrorSummary(items);
        return;
      }
      hideErrorSummary();
      var index = D.domains.indexOf(domain);
      var next = D.domains[index + 1];
      var after = G.loadDraft(code) || current;
      var done = D.domains.filter(function (d) { return G.domainProgress(d, after).status === "complete"; }).length;
      flashNext({
        heading: "Your answers to " + domain.title + " are saved",
        lines: ["You have completed " + done + " of " + plural(D.domains.length, "section", "sections") + ". " +
          (next ? "This is the next section: " + next.title + "." :
            "This was the last section: check your answers, then send your return.")]
      });
      window.location.href = next ? next.page : "check-answers.html";
    });

    var later = byId("sa-save-later");
    if (later) {
      later.addEventListener("click", function () {
        var after = G.loadDraft(code) || draft;
        var progress = G.domainProgress(domain, after);
        flashNext({
          heading: "Your answers have been saved",
          lines: [
            "You have answered " + progress.answered + " of " + plural(progress.required, "required question",
              "required questions") + " in " + domain.title + ". They are kept in this browser on this computer.",
            "To carry on, open the self-assessment again in this browser and choose a section. On a computer " +
              "others use, download your answers from \u201cCheck your answers\u201d and clear them before you leave."
          ]
        });
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

  var STATUS_TAGS = {
    "not started": { text: "Not started", tag: "sa-tag--grey" },
    "in progress": { text: "In progress", tag: "sa-tag--blue" },
    complete: { text: "Complete", tag: "sa-tag--green" }
  };

  function notify(message) {
    var note = byId("sa-notification");
    note.textContent = message;
    show(note, true);
    focusOn(note);
  }

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
        var complete = 0;
        D.domains.forEach(function (domain) {
          var progress = G.domainProgress(domain, draft);
          var look = STATUS_TAGS[progress.status];
          var tag = byId("sa-task-" + domain.id + "-status");
          tag.textContent = look.text;
          tag.className = "sa-tag " + look.tag;
          byId("sa-task-" + domain.id + "-count").textContent =
            progress.answered + " of " + progress.required + " answered";
          if (progress.status === "complete") { complete += 1; }
        });
        byId("sa-overview-summary").textContent = "Answering for " + practiceLabel(draft) + ". You have completed " +
          complete + " of " + plural(D.domains.length, "section", "sections") + ".";
      }
      renderSaved();
    }

    var current = G.currentPractice();
    fillPractice(current ? (G.loadDraft(current) || G.newDraft(current)) : null);
    renderOverview();
    fillHowToSend(byId("sa-how-to-send"), "start", "h2");
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
      if (items.length) {
        showErrorSummary(items);
        return;
      }
      hideErrorSummary();
      var before = G.loadDraft(code);
      var result = G.updateDraft(code, function (d) {
        d.practice_name = nameInput.value.trim();
        d.completed_by = byInput.value.trim();
      });
      kept(result.kept && G.setCurrentPractice(code));
      codeInput.value = code;
      renderOverview();
      var answered = G.answeredCount(before && before.answers);
      notify(answered && code !== current ?
        "Carrying on with the " + plural(answered, "answer", "answers") + " kept in this browser for " + code +
          ". Choose a section below." :
        "Saved. Choose a section below to answer its questions.");
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

    function askToLoad(title, lines, yesText, apply) {
      clearErrors(fileInput.closest("[data-group]"));
      hideErrorSummary();
      byId("sa-import-confirm-title").textContent = title;
      var body = byId("sa-import-confirm-body");
      empty(body);
      lines.forEach(function (line) {
        if (Array.isArray(line)) {
          var list = element("ul", { "class": "sa-list sa-list--bullet" });
          line.forEach(function (item) { list.appendChild(element("li", {}, item)); });
          body.appendChild(list);
        } else {
          body.appendChild(element("p", {}, line));
        }
      });
      byId("sa-import-yes").textContent = yesText;
      pending = apply;
      show(confirmBox, true);
      focusOn(confirmBox);
    }

    function replacing(code) {
      var existing = G.loadDraft(code);
      var count = G.answeredCount(existing && existing.answers);
      return count ? ["They replace the " + plural(count, "answer", "answers") + " kept in this browser for " + code +
        ". Download those first if you may need them."] : [];
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
        var lines = ["The " + source + " holds " + plural(count, "answer", "answers") + " for " + code + " to " +
          D.edition + "."].concat(replacing(code));
        if (found.skipped.length) { lines.push("Some of it could not be loaded:", found.skipped); }
        askToLoad("Load these answers?", lines, "Load the answers", function () {
          return { draft: draftFrom(ret, code, found.answers), message: "Loaded " + plural(count, "answer", "answers") + " for " + code + "." };
        });
        return;
      }
      var lineage = G.lineageFrom(ret.edition);
      if (!lineage) {
        var carried = D.carry.map(function (l) { return l.from; });
        importError("The file is a return for the " + (ret.edition || "unnamed") + " edition, not " + D.edition +
          ". Load a return for " + D.edition + (carried.length ? ", or a return for " + G.listText(carried) +
          " to carry it forward" : "") + ".");
        return;
      }
      var result = G.carryForward(ret, lineage);
      var carryLines = [
        "The " + source + " holds " + code + "'s answers to " + lineage.from + ". Carried forward to " + D.edition + ":",
        [
          plural(result.kept.length, "answer", "answers") + " to unchanged questions kept",
          plural(result.check_again.length, "answer", "answers") + " to changed questions kept but marked to check again",
          plural(result.dropped.length, "answer", "answers") + " to questions no longer asked dropped",
          plural(result.empty.length, "question", "questions") + " left empty for you to answer"
        ]
      ];
      if (result.dropped.length) {
        carryLines.push("Dropped, because " + D.edition + " no longer asks:", result.dropped.map(function (d) {
          return d.question_id + " " + d.text + " (your answer: " + (d.answer || "none") + ")";
        }));
      }
      if (result.problems.length) { carryLines.push("Not carried:", result.problems); }
      carryLines = carryLines.concat(replacing(code));
      askToLoad("Carry your " + lineage.from + " answers forward?", carryLines, "Carry the answers forward", function () {
        var draft = draftFrom(ret, code, result.answers);
        draft.carried_from = lineage.from;
        draft.dropped = result.dropped;
        return {
          draft: draft,
          message: "Carried forward " + plural(result.kept.length + result.check_again.length, "answer", "answers") +
            " from " + lineage.from + ". Answers marked to check again are shown in their sections."
        };
      });
    }

    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      show(confirmBox, false);
      if (!file) { return; }
      if (file.size > 5000000) {
        importError("The file is larger than 5 MB: choose the self-assessment workbook, or the return's CSV or JSON file");
        return;
      }
      file.arrayBuffer().then(function (buffer) {
        return G.loadFile(new Uint8Array(buffer));
      }).then(function (ret) {
        if (ret.error) {
          importError(ret.error);
          return;
        }
        offerReturn(ret, (ret.kind === "workbook" ? "workbook " : "file ") + file.name);
      });
    });

    byId("sa-import-yes").addEventListener("click", function () {
      if (!pending) { return; }
      var outcome = pending();
      pending = null;
      show(confirmBox, false);
      fileInput.value = "";
      var ok = G.saveDraft(outcome.draft) && G.setCurrentPractice(outcome.draft.practice_code);
      kept(ok);
      current = outcome.draft.practice_code;
      fillPractice(outcome.draft);
      renderOverview();
      notify(outcome.message);
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
        var li = element("li");
        var label = saved.practice_code + (saved.draft.practice_name ? " (" + saved.draft.practice_name + ")" : "") +
          ", " + saved.edition + ": " + plural(saved.answered, "answer", "answers") + ". ";
        li.appendChild(document.createTextNode(label));
        if (saved.edition === D.edition) {
          var go = element("button", { type: "button", "class": "sa-button sa-button--secondary sa-button--small" },
            "Carry on with " + saved.practice_code);
          go.addEventListener("click", function () {
            kept(G.setCurrentPractice(saved.practice_code));
            current = saved.practice_code;
            fillPractice(G.loadDraft(saved.practice_code));
            renderOverview();
            notify("Carrying on with the answers kept for " + saved.practice_code + ".");
          });
          li.appendChild(go);
        } else if (G.lineageFrom(saved.edition)) {
          var carry = element("button", { type: "button", "class": "sa-button sa-button--secondary sa-button--small" },
            "Carry forward into " + D.edition);
          carry.addEventListener("click", function () {
            offerReturn(G.draftAsReturn(saved.draft), "browser");
          });
          li.appendChild(carry);
        } else {
          li.appendChild(document.createTextNode("These are for another edition and are not used here."));
        }
        list.appendChild(li);
      });
      show(byId("sa-saved"), others.length > 0);
    }

    // clear my answers, after asking
    var clearBox = byId("sa-clear-confirm");
    byId("sa-clear").addEventListener("click", function () {
      var code = G.currentPractice();
      if (!code) {
        notify("There are no answers kept in this browser for this edition to clear.");
        return;
      }
      var draft = G.loadDraft(code) || G.newDraft(code);
      var count = G.answeredCount(draft.answers);
      byId("sa-clear-confirm-text").textContent = "This deletes the " + plural(count, "answer", "answers") +
        " and the practice details kept in this browser for " + practiceLabel(draft) + " in " + D.edition +
        ". It cannot be undone.";
      show(clearBox, true);
      focusOn(clearBox);
    });
    byId("sa-clear-yes").addEventListener("click", function () {
      var code = G.currentPractice();
      show(clearBox, false);
      if (code) { G.clearDraft(code); }
      current = null;
      fillPractice(null);
      renderOverview();
      notify("Your answers for " + (code || "this practice") + " have been cleared from this browser.");
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

  function fillValue(cell, q, entry) {
    empty(cell);
    var text = answerText(q, entry);
    cell.appendChild(element("p", { "class": text ? "sa-answer" : "sa-answer sa-answer--missing" },
      text || (q.required ? "Not answered" : "Not answered (optional)")));
    if (entry && entry.check_again) {
      cell.appendChild(element("p", { "class": "sa-answer-note" }, "To check again: " + entry.check_again + "."));
    }
    if (entry && String(entry.comment || "").trim()) {
      cell.appendChild(element("p", { "class": "sa-answer-note" }, "Comment: " + entry.comment.trim()));
    }
    if (entry && G.flagsRisk(q, entry.answer)) {
      var plan = [];
      if (String(entry.action || "").trim()) { plan.push("Action: " + entry.action.trim()); }
      if (String(entry.action_owner || "").trim()) { plan.push("Who: " + entry.action_owner.trim()); }
      if (String(entry.action_due || "").trim()) { plan.push("By: " + G.dateText(entry.action_due.trim())); }
      cell.appendChild(element("p", { "class": "sa-answer-note sa-answer-note--risk" },
        "Flags a risk. " + (plan.length ? plan.join(". ") + "." : "No action plan yet.")));
    }
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
      var heading = element("h3", { "class": "sa-error-summary__section" }, group.domain.title);
      var list = element("ul", { "class": "sa-error-summary__list" });
      var items = group.items;
      if (group.progress.status === "not started") {
        notStarted += 1;
        items = [{
          href: group.domain.page,
          message: "Not started: answer the " + plural(group.progress.required, "required question",
            "required questions") + " in " + group.domain.title
        }];
      }
      items.forEach(function (item) {
        var li = element("li");
        li.appendChild(element("a", { href: item.href }, item.message));
        list.appendChild(li);
      });
      box.appendChild(heading);
      box.appendChild(list);
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
    var link = element("a", { href: url, download: name });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  /** The GOV.UK confirmation after a download: what was saved, then what to do next. */
  function confirmDownload(name, draft) {
    var groups = problemsBySection(draft);
    var to = sendingTo();
    /** @type {Array<string | Array<string | Node>>} */
    var lines = [["Saved as ", element("strong", {}, name), " in this computer's downloads folder."]];
    if (groups.length) {
      lines.push("The return is not finished: the ICB will not accept it until the " +
        plural(problemCount(groups), "problem", "problems") + " listed below are put right. Keep this copy, or load it " +
        "on the start page to carry on.");
    } else {
      var next = ["Next, email it to "];
      if (to.email) {
        next.push(element("a", { href: "mailto:" + to.email }, to.email));
      } else {
        next.push(to.who + " at the address given in ", element("a", { href: HOW_TO_USE }, "how to use the toolkit"));
      }
      next.push(" with your practice's ODS code in the subject. " + deadlineText());
      lines.push(next);
    }
    notifyDone("Your return has been downloaded", lines);
  }

  /** What the practice, edition, who completed it and when: the printed summary's header. */
  function fillPrintHeader(draft) {
    var details = byId("sa-print-details");
    if (!details) { return; }
    empty(details);
    var savedDay = draft.updated_at ? G.dateText(String(draft.updated_at).slice(0, 10)) : "";
    var sent = draft.submitted ? "Sent to the ICB on " + G.dateText(String(draft.submitted.at).slice(0, 10)) +
      (draft.submitted.reference ? ", reference " + draft.submitted.reference : "") : "Not sent from this form";
    [
      ["Practice", practiceLabel(draft)],
      ["Edition", D.title || D.edition],
      ["Completed by", draft.completed_by || "Not given"],
      ["Answers last saved", savedDay || "Not known"],
      ["Sent", sent],
      ["Printed", G.dateText(RULES.isoDate(RULES.today()))]
    ].forEach(function (pair) {
      var row = element("div", {});
      row.appendChild(element("dt", {}, pair[0]));
      row.appendChild(element("dd", {}, pair[1]));
      details.appendChild(row);
    });
    var by = byId("sa-sign-off-by");
    if (by) { by.textContent = draft.completed_by || ""; }
  }

  function fillSections(draft) {
    var complete = 0, required = 0, answered = 0;
    D.domains.forEach(function (domain) {
      var progress = G.domainProgress(domain, draft);
      required += progress.required;
      answered += progress.answered;
      if (progress.status === "complete") { complete += 1; }
      var look = STATUS_TAGS[progress.status];
      var tag = byId("sa-section-" + domain.id + "-status");
      if (tag) {
        tag.textContent = look.text;
        tag.className = "sa-tag " + look.tag;
        byId("sa-section-" + domain.id + "-count").textContent = progress.answered + " of " + progress.required;
      }
    });
    byId("sa-progress").textContent = "You have completed " + complete + " of " +
      plural(D.domains.length, "section", "sections") + " and answered " + answered + " of " +
      plural(required, "required question", "required questions") + ".";
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
    fillSections(draft);
    var groups = problemsBySection(draft);
    showGroupedProblems(groups, false);
    var status = byId("sa-export-status");
    status.textContent = groups.length ?
      "Your return is not finished: the ICB will not accept it until the " +
        plural(problemCount(groups), "problem", "problems") + " listed below are put right. You can still download " +
        "it to keep a copy or to carry on later." :
      "Your return is complete. " + (D.submission_url ? "Send it to the ICB, or download it to email it or keep a copy." :
        "Download it to send to the ICB or to keep a copy.");
    fillHowToSend(byId("sa-how-to-send"), "check-answers", "h3");

    byId("sa-download-csv").addEventListener("click", function () {
      var now = G.loadDraft(code) || draft;
      var name = G.fileName(now, "csv");
      download(name, "text/csv;charset=utf-8", G.returnCsv(now));
      confirmDownload(name, now);
    });
    byId("sa-download-json").addEventListener("click", function () {
      var now = G.loadDraft(code) || draft;
      var name = G.fileName(now, "json");
      download(name, "application/json", JSON.stringify(G.returnJson(now), null, 2) + "\n");
      confirmDownload(name, now);
    });
    byId("sa-print").addEventListener("click", function () { window.print(); });

    var send = byId("sa-send");
    if (send && D.submission_url) { setUpSending(send, code); }
    showFlash();
  }

  function sendResult(outcome, heading, lines) {
    var panel = byId("sa-send-result");
    empty(panel);
    panel.className = "sa-panel sa-panel--result sa-panel--" + outcome;
    panel.appendChild(element("h3", {}, heading));
    lines.forEach(function (line) { panel.appendChild(element("p", {}, line)); });
    show(panel, true);
    focusOn(panel);
  }

  var KEPT = "Your answers are still saved in this browser.";

  function setUpSending(button, code) {
    button.addEventListener("click", function () {
      var draft = G.loadDraft(code) || G.newDraft(code);
      var groups = problemsBySection(draft);
      if (groups.length) {
        showGroupedProblems(groups, true);
        return;
      }
      var body = JSON.stringify(G.returnJson(draft));
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller ? window.setTimeout(function () { controller.abort(); }, 30000) : null;
      button.disabled = true;
      button.textContent = "Sending…";
      function done() {
        if (timer) { window.clearTimeout(timer); }
        button.disabled = false;
        button.textContent = "Send to the ICB";
      }
      window.fetch(D.submission_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: body,
        signal: controller ? controller.signal : undefined,
        credentials: "omit",
        cache: "no-store"
      }).then(function (response) {
        return response.text().then(function (text) {
          var data;
          try { data = JSON.parse(text); } catch (error) { data = null; }
          done();
          var said = data && typeof data === "object" && (data.message || data.error);
          if (response.ok) {
            var reference = data && typeof data === "object" && data.reference !== undefined && data.reference !== null ?
              String(data.reference) : "";
            var at = new Date().toISOString();
            kept(G.updateDraft(code, function (d) { d.submitted = { at: at, reference: reference }; }).kept);
            sendResult("success", "Return sent", reference ?
              ["The ICB has received your return. Your reference is " + reference + ".",
                "Keep the reference: quote it if you contact the ICB about this return."] :
              ["The ICB's server accepted your return but gave no reference. Download a copy to keep."]);
          } else if (response.status >= 500) {
            sendResult("error", "Your return has not been sent",
              ["The ICB's server had a problem and could not take your return (error " + response.status + ").",
                KEPT + " Try again later, or download the return and email it to the ICB."]);
          } else {
            sendResult("error", "Your return has not been sent",
              ["The ICB's server did not accept your return (error " + response.status + ")" +
                (said ? ": " + String(said) : "") + ".", KEPT + " Put right what it says, or contact the ICB."]);
          }
        });
      }).catch(function (error) {
        done();
        var timedOut = error && error.name === "AbortError";
        sendResult("error", "Your return has not been sent",
          [timedOut ? "The ICB's server did not answer in time." :
            "The ICB's server could not be reached: this computer may be offline, or the server may be down.",
            KEPT + " Try again later, or download the return and email it to the ICB."]);
      });
    });
  }

  if (!G.canStore()) { kept(false); }
  if (kind === "start") { startPage(); }
  if (kind === "domain") { domainPage(); }
  if (kind === "check-answers") { checkAnswersPage(); }
}(window, document));
