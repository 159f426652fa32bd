/* What the app keeps on the phone, used by the pages and by the service worker (IndexedDB).

   The queue: activities logged without signal wait here, each with its own UUID and the tag
   of the account that logged it (the page's data-account, never the email), and are sent
   through the batch endpoint when signal returns, only while that account is signed in.
   Each keeps the client_id its form was drawn with, so a form sent twice is one activity.
   Another account's items stay waiting for their owner. The server never counts a
   client_id twice, so sending one again is always safe.

   Who was signed in last ("" for nobody): when that changes, or the session is seen to
   end (a signed-out page, a 401), every cache but the shell is forgotten. The queue stays:
   it may hold another account's items. */
(function (scope) {
  const DB = "movement", QUEUE = "queue", META = "meta", SHELL = "movement-shell-";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 2);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { keyPath: "client_id" });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(name, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  const meta = {
    get: (key) => run(META, "readonly", (store) => store.get(key)),
    put: (key, value) => run(META, "readwrite", (store) => store.put(value, key)),
  };

  // Every cache but the shell (the same for everyone). Pages never hold personal data
  // anyway (they are no-store), but a copy from an older release might.
  async function forgetPages() {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => !n.startsWith(SHELL)).map((n) => caches.delete(n)));
  }

  // The CSRF cookie's value as it is now (the one a page was drawn with may be old).
  async function csrfToken() {
    if (scope.document) {
      const found = document.cookie.match(/(?:^|;\s*)movement_csrf=([^;]*)/);
      return found ? decodeURIComponent(found[1]) : "";
    }
    try {
      const cookie = scope.cookieStore && (await scope.cookieStore.get("movement_csrf"));
      return cookie ? cookie.value : "";
    } catch (error) {
      return "";
    }
  }

  const queue = {
    add: (item) => run(QUEUE, "readwrite", (store) => store.put(item)),
    all: () => run(QUEUE, "readonly", (store) => store.getAll()),
    remove: (ids) => run(QUEUE, "readwrite", (store) => ids.forEach((id) => store.delete(id))),
    async count() { return (await queue.all()).length; },

    /* The account signed in last: its tag, "" for nobody, undefined if never seen. */
    account: () => meta.get("account"),
    /* The log form's programme and area as the server drew them for this account. */
    choices: async (account) => {
      const kept = await meta.get("log");
      return kept && account && kept.owner === account ? kept : null;
    },
    remember: (choices) => meta.put("log", choices),

    /* A page says who is signed in with it ("" for nobody). */
    async seen(account) {
      const last = await queue.account();
      if (account === last && account) return;
      await forgetPages();
      if (account !== last) {
        await meta.put("log", null);
        await meta.put("account", account);
      }
    },
    /* The session is over (a 401, signing out). */
    async signedOut() {
      await forgetPages();
      await meta.put("account", "");
    },

    /* Send what this account queued. Kept on network errors, 5xx, 401 and 403 (sent again
       after signing in); dropped, and said, on any other refusal. Returns the messages. */
    async send(owner) {
      if (owner === undefined) owner = await queue.account();
      const items = owner ? (await queue.all()).filter((item) => item.owner === owner) : [];
      if (!items.length) return [];
      const activities = items.map(({ owner, csrf, ...activity }) => activity);
      let response;
      try {
        response = await fetch("/api/activities/batch", {
          method: "POST", credentials: "same-origin",
          headers: { "content-type": "application/json", "x-movement-csrf": await csrfToken() },
          body: JSON.stringify({ owner, activities }),
        });
      } catch (error) {
        return [];  // still no signal: try again later
      }
      if (response.status === 401) await queue.signedOut();
      if (response.status === 401 || response.status === 403 || response.status >= 500) return [];
      if (!response.ok) {
        await queue.remove(items.map((i) => i.client_id));
        const n = items.length;
        return [n === 1 ? "1 activity could not be sent and was removed. Please log it again."
          : `${n} activities could not be sent and were removed. Please log them again.`];
      }
      const { results } = await response.json();
      await queue.remove(results.map((r) => r.client_id).filter(Boolean));
      const invalid = results.filter((r) => r.status === "invalid");
      const messages = invalid.map((r) => "One activity could not be saved: " + Object.values(r.errors).join(" "));
      // Said once the queue is empty ("3 activities sent"), briefly (queue.brief).
      const sent = results.length - invalid.length;
      const left = (await queue.all()).filter((item) => item.owner === owner).length;
      if (sent && !left) messages.unshift(`${sent} ${sent === 1 ? "activity" : "activities"} sent`);
      return messages;
    },
    /* Whether a message is only news, shown for a few seconds ("3 activities sent"). */
    brief: (message) => / sent$/.test(message),
  };
  scope.movementQueue = queue;
})(self);
