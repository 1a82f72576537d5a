// The 显示 button next to a masked ID number: POST to the reveal endpoint (which logs who saw
// whose number) and put the whole number in place of the masked one. Without this script the
// button submits its form to the same endpoint, which answers with a page.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-national-id-target]");
    if (!button || !window.fetch) {
      return;
    }
    event.preventDefault();
    const target = document.getElementById(button.dataset.nationalIdTarget);
    button.disabled = true;
    // formAction falls back to the page's own URL, not the form's action, without the attribute.
    const url = button.getAttribute("formaction") || button.form.action;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(button.form) },
      body: new URLSearchParams({ from: window.location.pathname }),
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        target.textContent = answer.id_number;
        button.hidden = true;
      })
      .catch(function () {
        button.disabled = false;
        button.textContent = button.dataset.failedLabel;
      });
  });
})();
