/* Check the rules of combination as units are ticked. Without JavaScript the "Check" button does the same.
   The form carries the check's URL and the qualification in data attributes (no inline script: see the CSP). */
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  var target = document.getElementById("combination-result");
  if (!form || !target || !window.fetch) { return; }
  var url = form.getAttribute("data-check-url");
  var qualification = form.getAttribute("data-qualification");
  function check() {
    var params = new URLSearchParams();
    params.append("qualification", qualification);
    form.querySelectorAll("input.unit-choice:checked").forEach(function (box) { params.append("optional_units", box.value); });
    var pathway = form.querySelector("[name=pathway]");
    if (pathway) { params.append("pathway", pathway.value); }
    fetch(url + "?" + params.toString(), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } });
  }
  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("unit-choice") || event.target.name === "pathway") { check(); }
  });
  if (!target.textContent.trim()) { check(); }
})();
