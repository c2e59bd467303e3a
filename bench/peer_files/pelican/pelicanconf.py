# Pelican's side of the benchmark: the same URLs as sitegen. Pelican has no structured front
# matter, so key points, actors, quotes and the timeline are Markdown at the top of each article;
# its authors serve as the actors (one page per actor) and its tags as the topics.
AUTHOR = "Newsroom"
SITENAME = "Benchmark explainers"
SITEURL = "https://example.org/news"
RELATIVE_URLS = False
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_CATEGORY = "Explainers"

ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "topics/{slug}/"
TAG_SAVE_AS = "topics/{slug}/index.html"
TAGS_URL = "topics/"
TAGS_SAVE_AS = "topics/index.html"
AUTHOR_URL = "actors/{slug}/"
AUTHOR_SAVE_AS = "actors/{slug}/index.html"
AUTHORS_URL = "actors/"
AUTHORS_SAVE_AS = "actors/index.html"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "authors", "sitemap"]
SITEMAP_SAVE_AS = "sitemap.xml"

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"index": None, "tag": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feed.xml"
FEED_MAX_ITEMS = 50
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None

CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
