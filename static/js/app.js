// The site's behaviour, loaded by base.html on every page. The Content-Security-Policy allows no
// inline script or style, so templates declare what they need in data attributes instead:
//   <select data-autosubmit>                 submits its form when changed
//   <input type=checkbox data-check-all="applicants">  (un)checks every input[name=applicants] of its table
//   <form data-confirm="确定…？">             asks before submitting
//   <tr data-href="?org=…">                 a click on the row (not on a link) opens the address
//   <div data-width="42">                   width 42% (progress bars)
//   <td data-indent="3">                    indented 3em (tree levels)
//   <button data-print>                     prints the page (the print stylesheet is in app.css)
//   <table class="table-cards">             on phones one card per row: each cell gets its column's
//                                            header text as data-label (app.css shows it as the label)
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  document.addEventListener("click", function (event) {
    const el = event.target;
    if (el.closest("[data-print]")) {
      window.print();
      return;
    }
    if (el.matches("input[type=checkbox][data-check-all]")) {
      const scope = el.closest("table") || document;
      scope.querySelectorAll('input[type=checkbox][name="' + el.dataset.checkAll + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
      return;
    }
    const row = el.closest("[data-href]");
    if (row && !el.closest("a, button, input, select, textarea, label")) {
      window.location.href = row.dataset.href;
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    root.querySelectorAll(selector).forEach(fn);
  }

  function layout(root) {
    each(root, "[data-width]", function (el) {
      const value = parseFloat(el.dataset.width);
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
    each(root, "table.table-cards", function (table) {
      const heads = Array.from(table.querySelectorAll(":scope > thead > tr:first-child > th")).map(function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        let column = 0;
        Array.from(row.cells).forEach(function (cell) {
          if (cell.colSpan === 1 && heads[column] && !cell.hasAttribute("data-label")) cell.dataset.label = heads[column];
          column += cell.colSpan;
        });
      });
    });
    each(root, "[data-indent]", function (el) {
      const value = parseFloat(el.dataset.indent);
      if (!isNaN(value)) el.style.paddingLeft = Math.max(0, value) + "em";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { layout(document); });
  } else {
    layout(document);
  }
  // content swapped in by htmx
  document.addEventListener("htmx:load", function (event) { layout(event.target); });
})();
