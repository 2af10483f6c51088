// Review page: page tabs, and a click on a field shows its evidence (switches page, scrolls, flashes).
function showPage(number) {
  document.querySelectorAll(".sheet").forEach((sheet) => {
    sheet.classList.toggle("current", sheet.dataset.page === String(number));
  });
  document.querySelectorAll(".pager button").forEach((button) => {
    button.setAttribute("aria-current", button.dataset.page === String(number) ? "true" : "false");
  });
}

function showEvidence(evidenceId) {
  const marks = document.querySelectorAll(`[data-evidence="${evidenceId}"]`);
  if (!marks.length) return;
  const sheet = marks[0].closest(".sheet");
  if (sheet) showPage(sheet.dataset.page);
  marks[0].scrollIntoView({ behavior: "smooth", block: "center", inline: "nearest" });
  marks.forEach((mark) => {
    mark.classList.remove("flash");
    void mark.offsetWidth; // restart the animation
    mark.classList.add("flash");
  });
}

document.addEventListener("click", (event) => {
  const tab = event.target.closest(".pager button");
  if (tab) { showPage(tab.dataset.page); return; }
  if (event.target.closest("form, button, input, a, select, textarea")) return;
  const row = event.target.closest("[data-evidence-ids]");
  if (row && row.dataset.evidenceIds) showEvidence(row.dataset.evidenceIds.split(" ")[0]);
});
