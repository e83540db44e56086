// Records a professional discussion in the browser (MediaRecorder) and places markers against the chosen criteria
// while it runs: {criterion, seconds} in a hidden field. Without MediaRecorder the page offers an audio file instead.
(function () {
  "use strict";
  var form = document.querySelector("[data-record-form][data-discussion]");
  if (!form || !navigator.mediaDevices || !window.MediaRecorder) return;
  var recorder = form.querySelector("[data-recorder]");
  var start = form.querySelector("[data-record-start]");
  var stop = form.querySelector("[data-record-stop]");
  var clock = form.querySelector("[data-record-clock]");
  var buttons = form.querySelector("[data-marker-buttons]");
  var list = form.querySelector("[data-marker-list]");
  var hidden = form.querySelector("[data-markers]");
  var preview = form.querySelector("[data-record-preview]");
  var markers = [];
  var media = null;
  var startedAt = 0;
  var ticker = null;
  recorder.hidden = false;

  function elapsed() { return (Date.now() - startedAt) / 1000; }
  function asClock(seconds) { var whole = Math.floor(seconds); return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0"); }

  function chosen() {
    return Array.prototype.map.call(form.querySelectorAll('input[name="criteria"]:checked'), function (box) {
      return { id: parseInt(box.value, 10), code: box.dataset.criterionCode };
    });
  }

  function drawButtons() {
    buttons.textContent = "";
    chosen().forEach(function (criterion) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-primary";
      button.textContent = criterion.code;
      button.dataset.markCriterion = String(criterion.id);
      button.disabled = !media || media.state !== "recording";
      button.addEventListener("click", function () {
        var seconds = Math.round(elapsed() * 10) / 10;
        markers.push({ criterion: criterion.id, seconds: seconds });
        hidden.value = JSON.stringify(markers);
        var item = document.createElement("li");
        item.textContent = asClock(seconds) + " " + criterion.code;
        list.appendChild(item);
      });
      buttons.appendChild(button);
    });
  }
  form.addEventListener("change", function (event) { if (event.target.name === "criteria") drawButtons(); });

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      media = new MediaRecorder(stream);
      media.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
      media.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        form.recordedBlob = new Blob(chunks, { type: media.mimeType || "audio/webm" });
        preview.src = URL.createObjectURL(form.recordedBlob);
        preview.hidden = false;
        form.dataset.recorded = "true";
        drawButtons();
      });
      markers = [];
      hidden.value = "";
      list.textContent = "";
      media.start(1000);
      startedAt = Date.now();
      ticker = window.setInterval(function () { clock.textContent = asClock(elapsed()); }, 250);
      start.disabled = true;
      stop.disabled = false;
      drawButtons();
    }).catch(function (error) {
      clock.textContent = error.message;
    });
  });
  stop.addEventListener("click", function () {
    if (!media || media.state !== "recording") return;
    window.clearInterval(ticker);
    media.stop();
    start.disabled = false;
    stop.disabled = true;
  });
  drawButtons();
})();
