// Sends an observation or discussion with upload progress. On a dropped connection it tries again with the same
// one-time token, so the server saves the record once however many times it arrives. Without this script the form
// is a plain multipart POST.
(function () {
  "use strict";
  var form = document.querySelector("[data-record-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var status = form.querySelector("[data-upload-status]");
  var bar = form.querySelector("[data-upload-bar]");
  var message = form.querySelector("[data-upload-message]");
  var errors = form.querySelector("[data-upload-errors]");
  var button = form.querySelector('button[type="submit"]');
  var limit = parseInt(form.dataset.maxRecording, 10);
  var RETRIES = 5;

  function showErrors(list) {
    errors.textContent = "";
    list.forEach(function (text) { var p = document.createElement("p"); p.className = "mb-0"; p.textContent = text; errors.appendChild(p); });
    errors.hidden = list.length === 0;
    if (list.length) errors.scrollIntoView({ block: "nearest" });
  }

  function tooBig() {
    var problems = [];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][data-recording]"), function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (file.size > limit) problems.push("“" + file.name + "”: " + form.dataset.tooBig);
      });
    });
    if (form.recordedBlob && form.recordedBlob.size > limit) problems.push(form.dataset.tooBig);
    return problems;
  }

  function send(data, attempt) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round((event.loaded / event.total) * 100);
      bar.style.width = percent + "%";
      status.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(percent));
      message.textContent = form.dataset.sending.replace("%s", percent).replace("%%", "%");
    });
    xhr.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if (answer && answer.ok) { window.location.assign(answer.url); return; }
      button.disabled = false;
      status.hidden = true;
      if (answer && answer.errors) { showErrors(answer.errors); return; }
      showErrors([xhr.status + " " + xhr.statusText]);
    });
    function retry() {
      if (attempt >= RETRIES) { button.disabled = false; showErrors([form.dataset.failed]); return; }
      message.textContent = form.dataset.retrying;
      window.setTimeout(function () { send(data, attempt + 1); }, Math.min(16000, 1000 * Math.pow(2, attempt)));
    }
    xhr.addEventListener("error", retry);
    xhr.addEventListener("timeout", retry);
    xhr.send(data);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var problems = tooBig();
    if (problems.length) { showErrors(problems); return; }
    showErrors([]);
    var data = new FormData(form);
    if (form.recordedBlob) {
      data.delete("recording");
      data.append("recording", form.recordedBlob, "discussion.webm");
    }
    button.disabled = true;
    status.hidden = false;
    bar.style.width = "0%";
    send(data, 0);
  });
})();
