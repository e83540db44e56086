// Signature pads: a finger or mouse drawing on a canvas, posted as a PNG data URL in a hidden field. Each signature
// keeps a snapshot of the words and criteria as they stood when it was given: the server refuses it if they changed.
(function () {
  "use strict";
  var form = document.querySelector("[data-record-form]");
  if (!form) return;

  function snapshot() {
    var criteria = Array.prototype.map.call(form.querySelectorAll('input[name="criteria"]:checked'), function (box) {
      return parseInt(box.value, 10);
    });
    function value(name) { var field = form.elements[name]; return field ? field.value : ""; }
    return JSON.stringify({ title: value("title"), observed: value("observed"), location: value("location"), criteria: criteria });
  }

  function setUp(pad) {
    var canvas = pad.querySelector("[data-canvas]");
    var image = pad.querySelector("[data-signature-image]");
    var signed = pad.querySelector("[data-signed-content]");
    var typed = pad.querySelector("[data-typed-signature]");
    var note = pad.querySelector("[data-signed-note]");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    pad.querySelector("[data-draw-area]").hidden = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * (canvas.width / box.width), y: (event.clientY - box.top) * (canvas.height / box.height) };
    }
    function mark() {
      signed.value = image.value || typed.value.trim() ? snapshot() : "";
      note.textContent = image.value ? pad.dataset.signedText : "";
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      if (drawn) { image.value = canvas.toDataURL("image/png"); mark(); }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    typed.addEventListener("input", mark);
    pad.querySelector("[data-clear]").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      image.value = "";
      mark();
    });
    pad.clear = function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      image.value = "";
      typed.value = "";
      mark();
    };
    // The record changed after this signature was given: it no longer signs what is shown, so it is cleared and
    // the signer asked again (the server would refuse it as stale).
    pad.checkStale = function () {
      if (!signed.value || signed.value === snapshot()) return;
      pad.clear();
      note.textContent = pad.dataset.staleText;
    };
  }

  var pads = form.querySelectorAll("[data-signature-pad]");
  Array.prototype.forEach.call(pads, setUp);
  function checkStale(event) {
    var name = event.target.name;
    if (name !== "title" && name !== "observed" && name !== "location" && name !== "criteria") return;
    Array.prototype.forEach.call(pads, function (pad) { pad.checkStale(); });
  }
  form.addEventListener("input", checkStale);
  form.addEventListener("change", checkStale);

  // "The learner will confirm later": nobody signs for them here.
  var signing = form.querySelector("[data-learner-signing]");
  function toggle() {
    var later = form.querySelector('input[name="learner_confirms"][value="later"]');
    if (!signing || !later) return;
    signing.hidden = later.checked;
    if (later.checked) {
      var pad = signing.querySelector("[data-signature-pad]");
      if (pad && pad.clear) pad.clear();
    }
  }
  Array.prototype.forEach.call(form.querySelectorAll('input[name="learner_confirms"]'), function (radio) {
    radio.addEventListener("change", toggle);
  });
  toggle();
})();
