/* 学分通 import progress: poll the status endpoint every second; reload the page when done. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("[role=progressbar]");
  var fill = bar.querySelector("span");
  var text = box.querySelector(".progress-text");

  function show(status) {
    var committing = status.step === "commit";
    var done = committing ? status.written : status.validated;
    var total = committing ? (status.to_write || status.rows) : status.rows;
    var label = committing ? box.dataset.labelCommitting : box.dataset.labelValidating;
    fill.style.width = status.percent + "%";
    bar.setAttribute("aria-valuenow", String(status.percent));
    text.textContent = label + " " + done + " / " + total + " " + box.dataset.labelRows;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.is_running) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  poll();
})();
