// Eleventy's side of the benchmark: the same pages as sitegen writes (explainers, paginated home
// and topics, actor pages with their quotes, Atom feed, sitemap), with list pages grouped here.
const markdownIt = require("markdown-it");

const PER_PAGE = 20;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

module.exports = function (eleventyConfig) {
  const md = markdownIt({ html: true });
  eleventyConfig.addFilter("mdi", (text) => md.renderInline(String(text)));
  eleventyConfig.addFilter("md", (text) => md.render(String(text)));
  eleventyConfig.addFilter("slug", slug);
  eleventyConfig.addFilter("ymd", (date) => date.toISOString().slice(0, 10));
  eleventyConfig.addFilter("human", (date) =>
    `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`);

  const newest = (api) =>
    api.getFilteredByTag("posts").sort((a, b) => b.date - a.date || (a.fileSlug < b.fileSlug ? 1 : -1));
  eleventyConfig.addCollection("explainers", newest);
  eleventyConfig.addCollection("topicPages", (api) => {
    const byTopic = new Map();
    for (const post of newest(api)) {
      for (const topic of post.data.topics || []) {
        if (!byTopic.has(topic)) byTopic.set(topic, []);
        byTopic.get(topic).push(post);
      }
    }
    const pages = [];
    for (const [name, items] of [...byTopic].sort()) {
      const count = Math.ceil(items.length / PER_PAGE);
      for (let number = 1; number <= count; number++) {
        const chunk = items.slice((number - 1) * PER_PAGE, number * PER_PAGE);
        pages.push({ name, slug: slug(name), number, count, total: items.length, items: chunk });
      }
    }
    return pages;
  });
  eleventyConfig.addCollection("actorPages", (api) => {
    const byActor = new Map();
    const entry = (id) => {
      if (!byActor.has(id)) byActor.set(id, { id, items: [], quotes: [] });
      return byActor.get(id);
    };
    for (const post of newest(api)) {
      for (const id of post.data.actors || []) entry(id).items.push(post);
      for (const quote of post.data.quotes || []) entry(quote.by).quotes.push({ quote, post });
    }
    return [...byActor.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  });
  return { dir: { input: "src" }, markdownTemplateEngine: false, htmlTemplateEngine: "njk" };
};
