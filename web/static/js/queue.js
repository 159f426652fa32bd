/* Activities logged without signal wait in IndexedDB, each with its own UUID, and are sent
   through the batch endpoint when signal returns. The server never counts a client_id twice,
   so sending one again is always safe. Used by the pages and by the service worker. */
(function (scope) {
  const DB = "movement", STORE = "queue";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const queue = {
    add: (item) => run("readwrite", (store) => store.put(item)),
    all: () => run("readonly", (store) => store.getAll()),
    remove: (ids) => run("readwrite", (store) => ids.forEach((id) => store.delete(id))),
    count: () => run("readonly", (store) => store.count()),

    /* Send what waits. Kept on network errors, 5xx, 401 and 403 (sent again after signing
       in); dropped, and said, on any other refusal. Returns the messages to show. */
    async send() {
      const items = await queue.all();
      if (!items.length) return [];
      const csrf = items[items.length - 1].csrf;
      const body = { activities: items.map(({ csrf, ...activity }) => activity) };
      let response;
      try {
        response = await fetch("/api/activities/batch", {
          method: "POST", credentials: "same-origin",
          headers: { "content-type": "application/json", "x-movement-csrf": csrf },
          body: JSON.stringify(body),
        });
      } catch (error) {
        return [];  // still no signal: try again later
      }
      if (response.status === 401 || response.status === 403 || response.status >= 500) return [];
      if (!response.ok) {
        await queue.remove(items.map((i) => i.client_id));
        return [`${items.length} could not be sent and were removed. Please log them again.`];
      }
      const { results } = await response.json();
      await queue.remove(results.map((r) => r.client_id).filter(Boolean));
      const invalid = results.filter((r) => r.status === "invalid");
      return invalid.map((r) => "One activity could not be saved: " + Object.values(r.errors).join(" "));
    },
  };
  scope.movementQueue = queue;
})(self);
