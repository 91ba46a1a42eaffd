// The product page's image inline: show the chosen file in the row's preview before it is uploaded.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!input.matches('input[type="file"][name$="-upload"]') || !input.files.length) {
    return;
  }
  const preview = input.closest("tr")?.querySelector("td.field-preview img");
  if (preview) {
    preview.src = URL.createObjectURL(input.files[0]);
  }
});
