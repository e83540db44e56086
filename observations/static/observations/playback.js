// A discussion's markers jump the recording to their time (without this script the times are listed as text).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-discussion-playback]"), function (section) {
    var audio = section.querySelector("[data-discussion-audio]");
    if (!audio) return;
    section.addEventListener("click", function (event) {
      var link = event.target.closest("[data-seek]");
      if (!link) return;
      event.preventDefault();
      audio.currentTime = parseFloat(link.dataset.seek);
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () {});
    });
  });
})();
