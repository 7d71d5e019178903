// Issue 21 point 3: an irreversible action asks once. A form, or the button that sends it, carries
// data-confirm="the question"; sending it opens the page's one dialog (#confirm-dialog in templates/base.html, a
// Bootstrap modal: role="dialog", aria-modal, labelled by its title and described by the question, focus kept inside,
// Esc or "Cancel" closes it and nothing is sent). Only "Confirm" sends the form, with the button that was pressed
// (its name, value and formaction). Without JavaScript the form is sent as before; the server's rules hold either
// way. A file, not an inline script: the Content-Security-Policy forbids those.
(function () {
  "use strict";
  var pending = null;

  function dialog() { return document.getElementById("confirm-dialog"); }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter || null;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (!question || !dialog() || !window.bootstrap) return;
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    pending = { form: form, button: button };
    var box = dialog();
    box.querySelector("[data-confirm-question]").textContent = question;
    var go = box.querySelector("[data-confirm-go]");
    go.textContent = (button && button.dataset.confirmLabel) || (button && button.textContent.trim()) || go.dataset.defaultLabel;
    go.className = "btn " + ((button && button.classList.contains("btn-outline-danger")) ? "btn-danger" : "btn-primary");
    window.bootstrap.Modal.getOrCreateInstance(box).show();
  }, true);

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-confirm-go]") || !pending) return;
    var chosen = pending;
    pending = null;
    window.bootstrap.Modal.getOrCreateInstance(dialog()).hide();
    chosen.form.dataset.confirmed = "1";
    if (chosen.form.requestSubmit) chosen.form.requestSubmit(chosen.button || undefined);
    else chosen.form.submit();
  });

  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target === dialog()) event.target.querySelector("[data-confirm-go]").focus();
  });
  document.addEventListener("hidden.bs.modal", function (event) {
    if (event.target !== dialog()) return;
    if (pending && pending.button) pending.button.focus();  // cancelled: back where the officer was
    pending = null;
  });
})();
