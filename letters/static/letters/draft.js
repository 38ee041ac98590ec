// The child's letter survives a change of language: what they type is kept in this tab's sessionStorage
// (never sent anywhere: only pressing "Send" sends the form) and put back into the empty form of the page in
// the new language. The thank-you page forgets it, so the next letter starts blank.

const KEY = "santa-letter-draft";
// The fields a child fills in; the hidden honeypot and the CSRF token are never kept.
const FIELDS = ["writer", "name", "child_name", "email", "message", "age", "country"];

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    // Storage turned off (a private window in some browsers): the form simply works as before.
    return null;
  }
}

function readDraft(store) {
  try {
    const draft = JSON.parse(store.getItem(KEY) ?? "{}");
    return draft && typeof draft === "object" ? draft : {};
  } catch {
    return {};
  }
}

function keep(form, store) {
  const draft = {};
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name);
    if (field && field.value) {
      draft[name] = field.value;
    }
  }
  try {
    if (Object.keys(draft).length > 0) {
      store.setItem(KEY, JSON.stringify(draft));
    } else {
      store.removeItem(KEY);
    }
  } catch {
    // Storage full or refused: nothing is lost that the form itself still holds.
  }
}

/** Put a kept draft into a fresh `form` (after an error the server has sent back what was posted: that wins). */
function restore(form, store) {
  if (document.querySelector(".errorlist, .notice")) {
    return;
  }
  const draft = readDraft(store);
  for (const name of FIELDS) {
    // A RadioNodeList for the writer's choice: setting its value checks that radio.
    const field = form.elements.namedItem(name);
    if (field && typeof draft[name] === "string") {
      field.value = draft[name];
    }
  }
}

const store = storage();
const form = document.getElementById("letter-form");
if (store && form) {
  restore(form, store);
  form.addEventListener("input", () => keep(form, store));
  form.addEventListener("change", () => keep(form, store));
} else if (store && document.getElementById("letter-sent")) {
  store.removeItem(KEY);
}
