/* "Agree with all" helper on the IQA's sample review: fills the unit's unmarked radios; the per-unit select does
   the same without JavaScript. */
(function () {
  "use strict";
  document.querySelectorAll("[data-apply-all]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var unit = button.getAttribute("data-apply-all");
      document.querySelectorAll("input[type=radio][data-unit='" + unit + "'][value='agree']").forEach(function (radio) {
        var group = document.querySelectorAll("input[name='" + radio.name + "']:checked");
        if (!group.length) { radio.checked = true; }
      });
    });
  });
})();
