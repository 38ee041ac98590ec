// The letter form asks for the child's first name only when a grown-up writes: the field is hidden while
// "a child" is picked, and shown (and still sent, and still checked by the server) when a grown-up is.
// The age is then the child's, and its question says so. Without JavaScript the field simply stays in view.

const form = document.querySelector("form.letter-form") ?? document.querySelector("form");
const child = document.querySelector(".field-child");
const age = document.querySelector(".field-age");

function update() {
  const writer = form?.elements.namedItem("writer");
  const grownUp = writer && "value" in writer && writer.value === "grown_up";
  if (child) {
    child.hidden = !grownUp;
  }
  const label = age?.querySelector("label");
  const words = grownUp ? age?.dataset.labelGrownUp : age?.dataset.labelChild;
  if (label && words) {
    label.textContent = words;
  }
}

if (form && child) {
  form.addEventListener("change", (event) => {
    if (event.target?.name === "writer") {
      update();
    }
  });
  // The draft (draft.js) may put the writer's choice back after a language switch: look again once it has.
  window.addEventListener("pageshow", update);
  update();
}
