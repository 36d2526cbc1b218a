// calcnotes: sliders over frames drawn at build time (calcnotes.site.slider).
// Shows the frame the slider points at; no request, no library. Runs on every
// page load, including Material's instant navigation (document$).
(function () {
  function wire(root) {
    root.querySelectorAll("figure.cn-slider").forEach(function (figure) {
      var input = figure.querySelector("input[type=range]");
      var output = figure.querySelector("output");
      var frames = figure.querySelectorAll(".cn-frame");
      if (!input || input.dataset.wired) return;
      input.dataset.wired = "1";
      input.addEventListener("input", function () {
        var shown = Number(input.value);
        frames.forEach(function (frame, k) { frame.hidden = k !== shown; });
        var label = frames[shown].dataset.label;
        output.textContent = label;
        input.setAttribute("aria-valuetext", label);
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { wire(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { wire(document); });
  }
})();
