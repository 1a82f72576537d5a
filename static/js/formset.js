// Add a blank row to a Django formset: clone the <template> and renumber __prefix__.
(function () {
  var button = document.getElementById("add-row");
  var template = document.getElementById("empty-row");
  var rows = document.getElementById("record-rows");
  var total = document.querySelector("input[name$='-TOTAL_FORMS']");
  if (!button || !template || !rows || !total) return;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    added.querySelector(".row-number").textContent = String(index + 1);
    var first = added.querySelector("select, input");
    if (first) first.focus();
  });
})();
