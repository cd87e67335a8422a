// Atelier dashboard: the little JavaScript it needs beyond htmx — the image editor (its tools,
// painting an inpaint mask, before/after), and the behaviours the templates ask for with data- attributes (the Content-Security-Policy
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

// --- the editor around a picked image ---------------------------------------------------------
// [data-editor]: a toolbar of tools (links to ?tool=<action>, which work without JavaScript)
// opens one panel at a time; the inpaint tool paints a mask on a <canvas> over the picture
// (pointer events: mouse, pen or touch), with a brush, an eraser, undo and clear. Strokes are
// kept as vectors, so undo redraws them. The panel's hidden "painted" field tells the server's
// live estimate that a mask exists (the estimate then enables the submit); on submit the mask
// is exported at the picture's shape (long side at most 1024 px; the server resizes it to the
// image) as a PNG that is white where the image should change and black elsewhere (Atelier's
// convention). [data-before-after]: a range that reveals the image it was made from.

const MASK_MAX_SIDE = 1024;

function setupEditor(root) {
  const tools = Array.from(root.querySelectorAll("a[data-tool]"));
  const panels = Array.from(root.querySelectorAll("[data-panel]"));
  const canvas = root.querySelector("canvas[data-mask-canvas]");
  const mask = canvas ? setupMask(root, canvas) : null;

  function open(name, focus) {
    root.dataset.tool = name;
    tools.forEach((tool) => {
      const active = tool.dataset.tool === name;
      tool.classList.toggle("active", active);
      if (active) { tool.setAttribute("aria-current", "true"); } else { tool.removeAttribute("aria-current"); }
    });
    panels.forEach((panel) => { panel.hidden = panel.dataset.panel !== name; });
    if (mask) { mask.show(name === "inpaint"); }
    const panel = panels.find((item) => item.dataset.panel === name);
    if (panel && focus) {
      const heading = panel.querySelector("h3");
      if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
      const stage = root.querySelector(".editor-stage");
      const target = name === "inpaint" && stage ? stage : panel;
      target.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  tools.forEach((tool) => {
    tool.addEventListener("click", (event) => {
      event.preventDefault();
      const name = tool.dataset.tool;
      open(name, true);
      const url = new URL(window.location.href);
      url.searchParams.set("tool", name);
      url.hash = "";
      window.history.replaceState(null, "", url);
    });
  });
  if (root.dataset.tool) { open(root.dataset.tool, false); }

  const slider = root.querySelector("input[data-before-after]");
  const layers = root.querySelector("[data-layers]");
  if (slider && layers) {
    const show = () => { layers.style.setProperty("--split", `${slider.value}%`); };
    slider.addEventListener("input", show);
    show();
  }
}

function setupMask(root, canvas) {
  const form = root.querySelector("form[data-edit-form=inpaint]");
  if (!form) { return null; }
  const image = root.querySelector("img.after");
  const before = root.querySelector("[data-before-after-controls]");
  const field = form.querySelector("input[name=mask_data]");
  const flag = form.querySelector("input[name=painted]");
  const brush = form.querySelector("input[name=brush]");
  const undo = form.querySelector("[data-mask-undo]");
  const clear = form.querySelector("[data-mask-clear]");
  const context = canvas.getContext("2d");
  const strokes = [];
  let current = null;
  let painted = Boolean(field && field.value);  // a mask kept from a confirmation step

  const width = Number(canvas.dataset.width) || image.naturalWidth || 1024;
  const height = Number(canvas.dataset.height) || image.naturalHeight || 1024;
  const scale = Math.min(1, MASK_MAX_SIDE / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));

  function mode() {
    const chosen = form.querySelector("input[name=mask_mode]:checked");
    return chosen ? chosen.value : "brush";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width,
      (event.clientY - box.top) * canvas.height / box.height];
  }

  function drawStroke(stroke) {
    context.save();
    context.globalCompositeOperation = stroke.erase ? "destination-out" : "source-over";
    context.strokeStyle = "#ff2d8a";
    context.fillStyle = "#ff2d8a";
    context.lineWidth = stroke.size;
    context.lineCap = "round";
    context.lineJoin = "round";
    const [first, ...rest] = stroke.points;
    context.beginPath();
    if (rest.length === 0) {
      context.arc(first[0], first[1], stroke.size / 2, 0, Math.PI * 2);
      context.fill();
    } else {
      context.moveTo(first[0], first[1]);
      rest.forEach(([x, y]) => context.lineTo(x, y));
      context.stroke();
    }
    context.restore();
  }

  function redraw() {
    context.clearRect(0, 0, canvas.width, canvas.height);
    strokes.forEach(drawStroke);
  }

  function anyPaint() {
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) { return true; } }
    return false;
  }

  function changed() {
    painted = strokes.length > 0 && anyPaint();
    if (!painted && field) { field.value = ""; }
    if (undo) { undo.disabled = strokes.length === 0; }
    if (clear) { clear.disabled = strokes.length === 0; }
    root.toggleAttribute("data-painted", painted);
    if (painted) { root.dataset.painted = "true"; }
    if (flag && flag.value !== (painted ? "1" : "")) {
      flag.value = painted ? "1" : "";
      flag.dispatchEvent(new Event("change", { bubbles: true }));  // the live estimate
    }
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 && event.pointerType === "mouse") { return; }
    event.preventDefault();
    try { canvas.setPointerCapture(event.pointerId); } catch (error) { /* not an active pointer */ }
    const size = (brush ? Number(brush.value) : 48) * canvas.width / canvas.getBoundingClientRect().width;
    current = { erase: mode() === "eraser", size, points: [point(event)] };
    strokes.push(current);
    drawStroke(current);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) { return; }
    current.points.push(point(event));
    redraw();
  });
  const end = () => { if (current) { current = null; changed(); } };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  if (undo) { undo.addEventListener("click", () => { strokes.pop(); redraw(); changed(); }); }
  if (clear) { clear.addEventListener("click", () => { strokes.length = 0; redraw(); changed(); }); }

  form.addEventListener("submit", () => {
    if (!painted || strokes.length === 0) { return; }  // nothing new: a kept mask stays
    const white = document.createElement("canvas");
    white.width = canvas.width;
    white.height = canvas.height;
    const paint = white.getContext("2d");
    paint.drawImage(canvas, 0, 0);
    paint.globalCompositeOperation = "source-in";
    paint.fillStyle = "#fff";
    paint.fillRect(0, 0, white.width, white.height);
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const result = out.getContext("2d");
    result.fillStyle = "#000";
    result.fillRect(0, 0, out.width, out.height);
    result.drawImage(white, 0, 0);
    field.value = out.toDataURL("image/png");
  });

  return {
    show(on) {
      canvas.hidden = !on;
      root.classList.toggle("painting", on);
      if (before) { before.hidden = on; }
    },
  };
}

// Submitting an edit leaves the page: no estimate may start after it (the navigation would
// abort it), and one under way is let finish first, then the form is sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-edit-form")) { return; }
  if (form.classList.contains("htmx-request")) {
    event.preventDefault();
    form.addEventListener("htmx:afterRequest", () => form.requestSubmit(), { once: true });
    return;
  }
  form.dataset.submitting = "true";
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const element = event.detail && event.detail.elt;
  if (element instanceof Element && element.closest("form[data-submitting]")) {
    event.preventDefault();
  }
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-submitting]").forEach((form) => {
    delete form.dataset.submitting;
  });
});

// Controls that do not change the price (brush size, the confirmation itself) do not ask the
// server for a new estimate: a new estimate would redraw, and untick, the confirmation.
["change", "input"].forEach((type) => {
  document.addEventListener(type, (event) => {
    if (event.target instanceof Element && event.target.hasAttribute("data-no-estimate")) {
      event.stopPropagation();
    }
  }, true);
});

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
  document.querySelectorAll("[data-editor]").forEach(setupEditor);
  localizeTimes(document);
  updateSelections();
});

document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element) {
    localizeTimes(event.target);
    updateSelections();
  }
});
