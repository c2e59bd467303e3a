module.exports = {
  tags: ["posts"],
  layout: "explainer.njk",
  permalink: (data) => `/${data.page.fileSlug}/`,
};
