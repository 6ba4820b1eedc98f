// The staff console works without JavaScript; this only reloads a flow run's page while the run goes on.
(function () {
  "use strict";
  var running = document.querySelector("[data-running]");
  if (running) {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
