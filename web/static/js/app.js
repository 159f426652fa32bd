/* Our own script, kept small: the service worker, and keeping this phone's data. */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" });
  document.addEventListener("submit", (event) => {
    if (event.target.action && new URL(event.target.action).pathname === "/sign-out") {
      navigator.serviceWorker.controller?.postMessage("forget-pages");
    }
  });
}
// Ask the browser not to clear what this app keeps when the phone runs short of space.
if (navigator.storage && navigator.storage.persist) {
  navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
}
