// toolkit serve's own script, added to each page by the preview server (never part of the built site).
// It asks the preview what it is doing: it reloads the page after each build, shows the last build's
// problems (path:line:column: message) over the last good page, and says on the downloads page when
// the forms are being brought up to date after a change.
(function () {
  "use strict";
  var STATUS = "/.toolkit-preview/status";
  var seen = null;
  var panel = null;

  function box(kind) {
    if (panel === null) {
      panel = document.createElement("div");
      panel.id = "toolkit-preview";
      panel.style.cssText =
        "position:sticky;top:0;z-index:10000;padding:12px 16px;font:16px/1.4 sans-serif;" +
        "border-bottom:4px solid #212b32;";
      document.body.insertBefore(panel, document.body.firstChild);
    }
    panel.setAttribute("role", kind === "error" ? "alert" : "status");
    panel.style.background = kind === "error" ? "#fde8e8" : "#fff9c4";
    panel.style.color = "#212b32";
    panel.style.borderBottomColor = kind === "error" ? "#d5281b" : "#212b32";
    panel.textContent = "";
    return panel;
  }

  function clear() {
    if (panel !== null) {
      panel.remove();
      panel = null;
    }
  }

  function show(status) {
    if (status.problems.length > 0) {
      var errors = box("error");
      var heading = document.createElement("p");
      heading.style.fontWeight = "bold";
      heading.style.margin = "0 0 8px 0";
      heading.textContent =
        "Your last change could not be built. This page is the last good preview. Fix these and save:";
      var list = document.createElement("ul");
      list.style.margin = "0";
      status.problems.forEach(function (problem) {
        var item = document.createElement("li");
        var code = document.createElement("code");
        code.textContent = problem;
        item.appendChild(code);
        list.appendChild(item);
      });
      errors.appendChild(heading);
      errors.appendChild(list);
    } else if (status.forms_updating && /(^|\/)downloads\.html$/.test(location.pathname)) {
      box("status").textContent =
        "The forms are being updated after your change. Until this page reloads, the PDFs and the " +
        "workbook below are the ones made before it.";
    } else {
      clear();
    }
  }

  function tick() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (response) {
        return response.json();
      })
      .then(function (status) {
        if (seen !== null && status.generation !== seen) {
          location.reload();
          return;
        }
        seen = status.generation;
        show(status);
      })
      .catch(function () {
        // The preview has stopped, or is restarting: ask again later.
      })
      .finally(function () {
        setTimeout(tick, 300);
      });
  }

  tick();
})();
