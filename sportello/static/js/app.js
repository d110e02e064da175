// Small behaviours, no inline script anywhere (the Content-Security-Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that need a second thought: <button data-confirm="Question?">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Selects that apply themselves: <select data-autosubmit> (the form keeps a button without script).
  document.querySelectorAll("select[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
});
