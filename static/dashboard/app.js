// Atelier dashboard: the little JavaScript it needs beyond htmx — painting an inpaint mask,
// and the behaviours the templates ask for with data- attributes (the Content-Security-Policy
// allows no inline event handlers such as onchange=""):
//   data-submit-on-change  a <select> whose change submits its form (the tenant switcher)
//   data-select-on-focus   a field whose text is selected when focused (a secret shown once)
//   time[data-local]       a moment shown in the viewer's own locale and time zone (Intl); the
//                          server's text stays when JavaScript is off
//   data-toggle-info       an image card's (i) button: shows its details on a touch screen
//   data-selection         the grid's selection form: counts the ticked cards, enables the
//                          buttons that fit (data-needs="1" or "2-4"), offers "Select all"
//   data-estimate          the Generate form (the selector of its estimate's figure): the
//                          figure is dimmed while the form is being edited, and replaced by
//                          what to fix when the form is invalid (htmx sends no request for an
//                          invalid form, so the old figure would otherwise stay on screen)
// The mask is painted over the image; on submit it is exported at the image's own size as a
// PNG that is white where the image should change and black elsewhere (Atelier's convention).
"use strict";

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change")
      && field.form) {
    field.form.submit();
  }
});

document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
    field.select();
  }
});

function setupMaskEditor(root) {
  const image = root.querySelector("img");
  const canvas = root.querySelector("canvas");
  const form = root.closest("form");
  const field = form.querySelector("input[name=mask_data]");
  const brush = form.querySelector("input[name=brush]");
  const clear = form.querySelector("[data-mask-clear]");
  const context = canvas.getContext("2d");
  let drawing = false;
  let painted = false;

  function fit() {
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
  }
  if (image.complete && image.naturalWidth) { fit(); } else { image.addEventListener("load", fit); }

  function paint(event) {
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const x = (event.clientX - box.left) * scale;
    const y = (event.clientY - box.top) * scale;
    const radius = (brush ? Number(brush.value) : 24) * scale / 2;
    context.fillStyle = "#ff2d8a";
    context.beginPath();
    context.arc(x, y, radius, 0, Math.PI * 2);
    context.fill();
    painted = true;
    root.dataset.painted = "true";
  }

  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    paint(event);
  });
  canvas.addEventListener("pointermove", (event) => { if (drawing) { paint(event); } });
  canvas.addEventListener("pointerup", () => { drawing = false; });
  canvas.addEventListener("pointercancel", () => { drawing = false; });
  if (clear) {
    clear.addEventListener("click", () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      painted = false;
      delete root.dataset.painted;
    });
  }

  form.addEventListener("submit", () => {
    if (!painted) { field.value = ""; return; }
    const strokes = document.createElement("canvas");
    strokes.width = canvas.width;
    strokes.height = canvas.height;
    const white = strokes.getContext("2d");
    white.drawImage(canvas, 0, 0);
    white.globalCompositeOperation = "source-in";
    white.fillStyle = "#fff";
    white.fillRect(0, 0, strokes.width, strokes.height);
    const mask = document.createElement("canvas");
    mask.width = canvas.width;
    mask.height = canvas.height;
    const out = mask.getContext("2d");
    out.fillStyle = "#000";
    out.fillRect(0, 0, mask.width, mask.height);
    out.drawImage(strokes, 0, 0);
    field.value = mask.toDataURL("image/png");
  });
}

// --- moments in the viewer's locale -----------------------------------------------------------

const moments = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function localizeTimes(root) {
  root.querySelectorAll("time[data-local]").forEach((element) => {
    const when = new Date(element.dateTime);
    if (Number.isNaN(when.getTime())) { return; }
    if (!element.title) { element.title = element.textContent.trim(); }
    element.textContent = moments.format(when);
  });
}

// --- image cards: details on tap ----------------------------------------------------------------

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-toggle-info]") : null;
  if (!button) { return; }
  const tile = button.closest(".tile, .frame");
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  if (tile) { tile.classList.toggle("show-info", open); }
});

// --- the grid's selection ----------------------------------------------------------------------

function selectionItems(form) {
  return Array.from(document.querySelectorAll(`input[data-select-item][form="${form.id}"]`));
}

function fits(needs, count) {
  const [low, high] = needs.split("-").map(Number);
  return count >= low && count <= (high || Infinity);
}

function updateSelection(form) {
  const items = selectionItems(form);
  const count = items.filter((item) => item.checked).length;
  const label = form.querySelector("[data-selected-count]");
  if (label) {
    label.textContent = count
      ? `${count} image${count === 1 ? "" : "s"} selected.`
      : "Tick images to compare (2 to 4), promote, download or delete them.";
  }
  form.querySelectorAll("button[data-needs]").forEach((button) => {
    button.disabled = !fits(button.dataset.needs, count);
  });
  const all = form.querySelector("[data-select-all]");
  if (all) {
    all.hidden = items.length === 0;
    const every = items.length > 0 && count === items.length;
    all.textContent = every ? "Select none" : "Select all";
    all.dataset.every = String(every);
  }
  form.classList.toggle("has-selection", count > 0);
}

function updateSelections() {
  document.querySelectorAll("form[data-selection]").forEach(updateSelection);
}

document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-item")) {
    updateSelections();
  }
});

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-select-all]") : null;
  if (!button) { return; }
  const form = button.closest("form");
  const every = button.dataset.every === "true";
  selectionItems(form).forEach((item) => { item.checked = !every; });
  updateSelection(form);
});

// --- the live estimate ---------------------------------------------------------------------------

function estimateOf(form) {
  return form && form.dataset.estimate ? document.querySelector(form.dataset.estimate) : null;
}

function fieldName(field) {
  const label = field.labels && field.labels[0];
  const text = label ? (label.firstChild && label.firstChild.textContent) || label.textContent : field.name;
  return text.trim();
}

document.addEventListener("input", (event) => {
  const form = event.target instanceof Element ? event.target.closest("form[data-estimate]") : null;
  const target = estimateOf(form);
  if (target) { target.classList.add("stale"); }
});

// htmx sends no request for a form that fails validation: say what to fix instead of
// leaving the last figure on screen as if it still held.
document.addEventListener("htmx:validation:halted", (event) => {
  const form = event.target instanceof Element ? event.target.closest("form[data-estimate]") : null;
  const target = estimateOf(form);
  const trigger = event.detail && event.detail.triggeringEvent;
  if (!target || (trigger && trigger.type === "load")) { return; }  // untouched: the hint stays
  const invalid = form.querySelector(":invalid:not(fieldset)");
  const notice = document.createElement("p");
  notice.className = "notice error";
  notice.id = "estimate-error";
  notice.textContent = invalid
    ? `No estimate yet: ${fieldName(invalid)}: ${invalid.validationMessage}`
    : "No estimate yet: the form has a field to fix.";
  target.replaceChildren(notice);
  target.classList.remove("stale");
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (event.target instanceof Element) {
    event.target.querySelectorAll(".stale").forEach((element) => element.classList.remove("stale"));
  }
});

// --- start, and again for whatever htmx brings in ------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-mask-editor]").forEach(setupMaskEditor);
  localizeTimes(document);
  updateSelections();
});

document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element) {
    localizeTimes(event.target);
    updateSelections();
  }
});
