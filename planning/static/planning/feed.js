// The calendar address page: a "Copy" button beside the address (without JavaScript the address is selectable).
(function () {
  "use strict";
  var input = document.getElementById("feed-url");
  if (!input || !navigator.clipboard) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-primary mb-3";
  button.textContent = input.dataset.copyLabel || "Copy the address";
  var status = document.createElement("span");
  status.className = "ms-2 small";
  status.setAttribute("role", "status");
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      status.textContent = input.dataset.copiedLabel || "Copied.";
    });
  });
  input.insertAdjacentElement("afterend", button);
  button.insertAdjacentElement("afterend", status);
  input.addEventListener("focus", function () { input.select(); });
})();
