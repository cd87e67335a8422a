// Atelier dashboard: the little JavaScript it needs beyond htmx — painting an inpaint mask,
// and the behaviours the templates ask for with data- attributes (the Content-Security-Policy
// allows no inline event handlers such as onchange=""):
//   data-submit-on-change  a <select> whose change submits its form (the tenant switcher)
//   data-select-on-focus   a field whose text is selected when focused (a secret shown once)
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

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-mask-editor]").forEach(setupMaskEditor);
});
