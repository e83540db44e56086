/* The criterion picker: filters criteria as you type (the Search button does the same on the server without
   JavaScript), opens the units that match, and keeps a live count of the criteria chosen, in all and per unit. */
(function () {
  "use strict";
  var form = document.querySelector("[data-criteria-picker]");
  if (!form) { return; }
  var input = document.querySelector("[data-filter-criteria]");
  var result = document.querySelector("[data-search-result]");
  var total = document.querySelector("[data-chosen-count]");
  var units = form.querySelectorAll(".criteria-unit");
  var phrases = {
    chosenOne: form.getAttribute("data-chosen-one") || "criterion chosen",
    chosenMany: form.getAttribute("data-chosen-many") || "criteria chosen",
    matchOne: form.getAttribute("data-match-one") || "%s criterion matches.",
    matchMany: form.getAttribute("data-match-many") || "%s criteria match."
  };

  function count() {
    var hidden = form.querySelectorAll("[data-hidden-link]").length;
    var chosen = hidden;
    units.forEach(function (unit) {
      var n = unit.querySelectorAll("input[type=checkbox][name=criteria]:checked").length;
      unit.querySelector("[data-unit-chosen]").textContent = n;
      chosen += n;
    });
    // "1 criterion chosen", "2 criteria chosen": the word after the number is part of the same sentence. The words
    // come from the page, in the reader's language.
    total.textContent = chosen;
    total.nextSibling.textContent = " " + (chosen === 1 ? phrases.chosenOne : phrases.chosenMany);
  }

  function filter() {
    var words = input.value.toLowerCase().trim();
    var shown = 0;
    form.querySelectorAll(".criterion-choice").forEach(function (item) {
      item.hidden = words !== "" && item.getAttribute("data-search").indexOf(words) === -1;
      if (!item.hidden) { shown += 1; }
    });
    form.querySelectorAll(".criteria-outcome, .criteria-unit").forEach(function (group) {
      group.hidden = group.querySelector(".criterion-choice:not([hidden])") === null;
    });
    if (words !== "") {
      units.forEach(function (unit) { if (!unit.hidden) { unit.open = true; } });
      result.textContent = (shown === 1 ? phrases.matchOne : phrases.matchMany).replace("%s", shown);
    } else {
      result.textContent = "";
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "criteria") { count(); }
  });
  if (input) { input.addEventListener("input", filter); }
  count();
  form.setAttribute("data-ready", "");  // for the browser tests: the picker listens from now on
})();
