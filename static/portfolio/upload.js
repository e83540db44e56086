/* Evidence uploads: show a progress bar while the form's files upload and warn early about oversized files.
   Without JavaScript (or without XHR upload events) the form posts normally; the server checks everything. */
(function () {
  "use strict";
  function fileTooLarge(form) {
    var inputs = form.querySelectorAll("input[type=file][data-max-bytes]");
    for (var i = 0; i < inputs.length; i++) {
      var limit = parseInt(inputs[i].getAttribute("data-max-bytes"), 10);
      for (var j = 0; j < inputs[i].files.length; j++) {
        if (inputs[i].files[j].size > limit) { return inputs[i].files[j].name; }
        if (inputs[i].files[j].size === 0) { return inputs[i].files[j].name + " (empty)"; }
      }
    }
    return null;
  }
  function setup(form) {
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector(".upload-progress progress");
    var text = form.querySelector(".upload-progress-text");
    var warning = form.querySelector(".upload-warning");
    form.addEventListener("submit", function (event) {
      var big = fileTooLarge(form);
      if (big) {
        event.preventDefault();
        warning.textContent = "This file cannot be uploaded: " + big + ". Check the size limit above.";
        warning.hidden = false;
        return;
      }
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var k = 0; k < buttons.length; k++) { buttons[k].disabled = true; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.round(100 * e.loaded / e.total);
        box.hidden = false;
        bar.value = percent;
        text.textContent = percent + "%";
      });
      xhr.addEventListener("load", function () {
        // Show the page the server answered with (after its redirect, if any) at its own address, so that its
        // messages appear once.
        if (xhr.responseURL && window.history && window.history.replaceState) {
          window.history.replaceState(null, "", xhr.responseURL);
        }
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        for (var k = 0; k < buttons.length; k++) { buttons[k].disabled = false; }
        box.hidden = true;
        warning.textContent = "The upload failed. Check your connection and try again.";
        warning.hidden = false;
      });
      xhr.send(new FormData(form));
    });
  }
  var forms = document.querySelectorAll("form[data-upload]");
  for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
})();
