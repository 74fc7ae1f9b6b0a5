// "Write a new … here": ask for the title, then open GitHub's editor with it filled in.
// Without JavaScript the link still works: the title is then written in GitHub's editor.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-kennis-prompt]");
  if (!link) return;
  event.preventDefault();
  // The question comes from the site's catalogue, written above this script by the build.
  var words = (window.KENNIS_MESSAGES || {}).write || {};
  var title = window.prompt(words.title);
  if (title === null) return;
  title = title.trim();
  var url = new URL(link.href);
  if (title) {
    var yaml = title.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    url.searchParams.set("value", url.searchParams.get("value").replace("{{title}}", yaml));
    var slug = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
    url.searchParams.set("filename", (slug || "page") + ".md");
  }
  window.location.href = url.toString();
});
