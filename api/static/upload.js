// Drag and drop onto the upload form's drop zone: the dropped files become the file input's files.
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("files");
  if (!zone || !input) return;
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) input.files = event.dataTransfer.files;
  });
});
