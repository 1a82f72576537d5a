/* 学分通: small behaviours every page may use, kept out of the HTML so the
   Content-Security-Policy can forbid inline scripts (docs/security.md).
   - <select data-submit-on-change>: submit its form when the choice changes (language menu);
   - <input type="checkbox" data-select-all="NAME">: tick or untick every box named NAME;
   - <button data-print>: print the page (the school's at-risk list). */
(function () {
  "use strict";
  document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
    field.addEventListener("change", function () {
      field.form.submit();
    });
  });
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    master.addEventListener("change", function () {
      var name = master.getAttribute("data-select-all");
      document.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) {
          box.checked = master.checked;
        }
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
