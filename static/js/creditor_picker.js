// The debt form's creditor field (issue 18): as one types, the creditors on file matching the text are fetched from
// /debt-cases/creditors/search and offered in the field's <datalist>; picking one sets the creditor type to the one on
// file. Without JavaScript the datalist still offers the creditors the page was served with, and the server matches
// the name (a file, not an inline script: the Content-Security-Policy forbids those).
(function () {
  "use strict";
  function setType(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var select = document.getElementById(input.dataset.typeField);
    if (!list || !select) return;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === input.value && list.options[i].dataset.type) {
        select.value = list.options[i].dataset.type;
        return;
      }
    }
  }
  var timer = null;
  function search(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var text = input.value.trim();
    if (!list || text.length < 2 || !window.fetch) return;
    fetch(input.dataset.searchUrl + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {items: []}; })
      .then(function (data) {
        var known = {};
        for (var i = 0; i < list.options.length; i++) known[list.options[i].value] = true;
        data.items.forEach(function (item) {
          if (known[item.value]) return;
          var option = document.createElement("option");
          option.value = item.value;
          option.textContent = item.type_label;
          option.dataset.type = item.creditor_type;
          list.appendChild(option);
        });
        setType(input);
      })
      .catch(function () { /* the datalist served with the page still works */ });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-creditor-picker]")) return;
    setType(input);
    clearTimeout(timer);
    timer = setTimeout(function () { search(input); }, 250);
  });
})();
