"""Issue 5, paths: nothing is read from outside the site folder or written outside the output.

End to end through the command line: a secret placed where a hostile contribution could point
at it must never reach the built site, and the build must say why it refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen
from tests.security.htmlcheck import read_tree

SECRET = "SECRET-TOKEN-4f1d"
ARTICLE = "---\ntitle: T\ndate: 2025-01-01\nkey_points: [k]\n---\nBody.\n"


def article(**fields: str) -> str:
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\ntitle: T\ndate: 2025-01-01\nkey_points: [k]\n{extra}---\nBody.\n"


@pytest.fixture
def secret_dir(tmp_path: Path) -> Path:
    """A folder outside the site, as a CI runner's home with its credentials."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "id_rsa").write_text(SECRET)
    (folder / "secret.md").write_text(f"---\ntitle: {SECRET}\ndate: 2025-01-01\n---\n{SECRET}\n")
    (folder / "base.html").write_text(SECRET)
    (folder / "sitegen.yaml").write_text(f"title: {SECRET}\n")
    return folder


def build_cli(root: Path, *args: str) -> tuple[int, str, dict[str, bytes]]:
    completed = run_sitegen("build", str(root), *args)
    out = root / "site"
    return completed.returncode, completed.stderr, read_tree(out) if out.is_dir() else {}


def assert_no_secret(tree: dict[str, bytes]) -> None:
    for path, data in tree.items():
        assert SECRET.encode() not in data, path


LINKS_OUT = {
    "content file": ("content/leak.md", "secret.md"),
    "content folder": ("content/more", "."),
    "static file": ("static/key.txt", "id_rsa"),
    "static folder": ("static/home", "."),
    "template": ("templates/base.html", "base.html"),
    "templates folder": ("templates/partials", "."),
    "site settings": ("sitegen.yaml", "sitegen.yaml"),
}


@pytest.mark.parametrize("link, target", LINKS_OUT.values(), ids=LINKS_OUT.keys())
def test_a_symlink_out_of_the_site_is_refused(
    make_site: SiteFactory, secret_dir: Path, link: str, target: str
) -> None:
    root = make_site({"content/a.md": ARTICLE, "static/x.css": "x"})
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(secret_dir / target)
    code, stderr, tree = build_cli(root)
    assert code == 1, stderr
    assert f"{link}:1:1: error: is a symlink that leads outside the site folder; refused" in stderr
    assert_no_secret(tree)


def test_the_whole_content_folder_as_a_symlink_out_is_refused(
    make_site: SiteFactory, secret_dir: Path
) -> None:
    root = make_site({"static/x.css": "x"})
    (root / "content").symlink_to(secret_dir)
    code, stderr, tree = build_cli(root)
    assert code == 1 and "content:1:1: error: is a symlink that leads outside" in stderr
    assert_no_secret(tree)


HIDDEN = {
    "git config via a static file": ("static/config.txt", ".git/config"),
    "git folder via a static folder": ("static/g", ".git"),
    "dotenv via a content file": ("content/env.md", ".env"),
}


@pytest.mark.parametrize("link, target", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_symlink_to_a_hidden_file_inside_the_site_is_refused(
    make_site: SiteFactory, link: str, target: str
) -> None:
    """actions/checkout keeps the job's token in .git/config: `static/x -> ../.git/config` in a
    pull request must not publish it, although it does not leave the site folder."""
    root = make_site(
        {
            "content/a.md": ARTICLE,
            ".git/config": f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n",
            ".env": f"TOKEN={SECRET}\n",
        }
    )
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(root / target)
    code, stderr, tree = build_cli(root)
    assert code == 1, stderr
    assert f"{link}:1:1: error: is a symlink to the hidden `{target}`; refused" in stderr
    assert_no_secret(tree)


def test_a_symlink_inside_the_site_is_followed(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": ARTICLE, "assets/logo.svg": "<svg/>"})
    (root / "static").mkdir()
    (root / "static" / "logo.svg").symlink_to(root / "assets" / "logo.svg")
    code, stderr, tree = build_cli(root)
    assert code == 0, stderr
    assert tree["static/logo.svg"] == b"<svg/>"


def test_a_symlink_loop_ends(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": ARTICLE})
    (root / "content" / "loop").symlink_to(root / "content")
    (root / "content" / "self").symlink_to(root / "content" / "self")
    code, stderr, _tree = build_cli(root)
    assert code in (0, 1) and "Traceback" not in stderr


def test_paths_in_content_are_never_read(make_site: SiteFactory) -> None:
    """An image `src` or a link naming a file on the build machine is only ever a URL."""
    root = make_site(
        {
            "content/a.md": article(image="{src: /etc/passwd, alt: x}")
            + "\n![x](/etc/passwd) ![y](file:///etc/passwd) [z](../../../../etc/passwd)\n",
        }
    )
    code, stderr, tree = build_cli(root)
    assert code == 0, stderr
    assert all(b"root:x:0:0" not in data for data in tree.values())
    assert not any("passwd" in path for path in tree)


def test_a_link_to_a_content_file_outside_the_site_is_an_error(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": ARTICLE + "\n[x](../../../etc/passwd.md)\n"})
    code, stderr, _tree = build_cli(root)
    assert code == 1
    assert "content/a.md:8:4: error: link to `../../../etc/passwd.md` points outside" in stderr


@pytest.mark.parametrize("slug", ["../../etc", "/tmp/x", "a/../../b", "..", "C:\\x"])
def test_a_slug_cannot_name_a_path(make_site: SiteFactory, tmp_path: Path, slug: str) -> None:
    root = make_site({"content/a.md": article(slug=repr(slug))})
    code, stderr, tree = build_cli(root)
    assert code == 1 and "`slug`" in stderr
    assert not tree


def test_case_only_collisions(make_site: SiteFactory) -> None:
    """Explainers and actor files that differ only in case are errors naming both (they would
    claim one URL); static files are a warning (see docs/security.md)."""
    root = make_site(
        {
            "content/A.md": ARTICLE,
            "content/a.md": ARTICLE,
            "content/actors/Putin.md": "---\nname: P\n---\n",
            "content/actors/putin.md": "---\nname: P\n---\n",
        }
    )
    code, stderr, _tree = build_cli(root)
    assert code == 1
    assert "slug `a` is already used by content/A.md" in stderr
    assert "content/actors/putin.md:1:1: error: actor id `putin` is already used by " in stderr

    root = make_site({"content/a.md": ARTICLE, "static/Logo.png": "1", "static/logo.png": "2"})
    code, stderr, _tree = build_cli(root)
    assert code == 0
    assert "static/logo.png:1:1: warning: `static/logo.png` and `static/Logo.png` differ only" in (
        stderr
    )
    assert build_cli(root, "--strict")[0] == 1


def test_names_past_255_bytes(make_site: SiteFactory) -> None:
    """The longest file name a file system allows, and topics and actors whose derived names
    would pass that limit as folder names, all build."""
    stem = "\u00e9" * 125  # 250 bytes in UTF-8
    long_name = "Word " * 80
    root = make_site(
        {
            f"content/{stem}.md": article(
                topics=f"['{long_name}', '{long_name}x']",
                actors=f"[{{name: '{long_name}'}}]",
            )
            + f"\n## {long_name}\n",
        }
    )
    code, stderr, tree = build_cli(root)
    assert code == 0, stderr
    assert len([path for path in tree if path.startswith("topics/word-")]) == 2
    assert all(len(part.encode()) <= 255 for path in tree for part in path.split("/"))


def test_windows_reserved_names_are_ordinary_slugs(make_site: SiteFactory) -> None:
    """Decision (docs/security.md): `con`, `nul`, `aux`... are valid URLs on every static host
    and harmless on the POSIX systems sitegen builds on, so they are allowed."""
    root = make_site({"content/con.md": ARTICLE, "content/nul.md": article(topics="[AUX]")})
    code, stderr, tree = build_cli(root)
    assert code == 0, stderr
    assert {"con/index.html", "nul/index.html", "topics/aux/index.html"} <= set(tree)


OUT_REFUSED = {
    "the site folder": (".", "contains the site folder"),
    "the parent folder": ("..", "contains the site folder"),
    "content": ("content", "is inside the site's content/ folder"),
    "inside static": ("static/out", "is inside the site's static/ folder"),
    "a foreign folder": ("notes", "is not empty and was not written by sitegen"),
    "a file": ("notes/todo.txt", "exists and is not a folder"),
}


@pytest.mark.parametrize("out, message", OUT_REFUSED.values(), ids=OUT_REFUSED.keys())
def test_an_output_folder_that_would_destroy_sources_is_refused(
    make_site: SiteFactory, out: str, message: str
) -> None:
    root = make_site({"content/a.md": ARTICLE, "static/x.css": "x", "notes/todo.txt": "keep"})

    def sources() -> list[str]:  # sitegen's own cache of share cards aside
        return sorted(
            str(p.relative_to(root)) for p in root.rglob("*") if ".sitegen-cache" not in p.parts
        )

    before = sources()
    completed = run_sitegen("build", str(root), "--out", str(root / out))
    assert completed.returncode == 1
    assert message in completed.stderr
    assert sources() == before


def test_an_output_folder_that_is_a_symlink_is_refused(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    """`--out` through a symlink could make the swap replace any folder the link points at."""
    root = make_site({"content/a.md": ARTICLE})
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    (tmp_path / "out").symlink_to(victim)
    completed = run_sitegen("build", str(root), "--out", str(tmp_path / "out"))
    assert completed.returncode == 1 and "is a symlink" in completed.stderr
    assert os.listdir(victim) == ["keep.txt"]


def test_output_paths_stay_inside_the_output_folder(make_site: SiteFactory, tmp_path: Path) -> None:
    root = make_site({"content/a.md": article(topics="['../../x', '/etc', '..']")})
    result = build(BuildOptions(root=root, out=tmp_path / "out"))
    assert result.ok, [str(d) for d in result.report]
    written = [path for path in (tmp_path / "out").rglob("*") if path.is_file()]
    assert any(path.name == "index.html" for path in written)
    for path in written:
        assert path.resolve().is_relative_to((tmp_path / "out").resolve()), path
    assert not (tmp_path / "x").exists() and not (tmp_path / "etc").exists()


def test_a_committed_leftover_symlink_never_becomes_the_output(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    """`.site.old` is what an interrupted two-rename swap leaves; one committed as a symlink
    must not be "recovered" into site/, nor anything outside be touched."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    root = make_site({"content/a.md": ARTICLE})
    (root / ".site.old").symlink_to(victim)
    (root / ".site.new-1").symlink_to(victim)
    completed = run_sitegen("build", str(root))
    assert completed.returncode == 0, completed.stderr
    assert not (root / "site").is_symlink() and (root / "site" / "index.html").is_file()
    assert os.listdir(victim) == ["keep.txt"]


def test_a_committed_share_card_cache_is_never_trusted(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    """The share-card cache lives in the site folder, so a pull request can commit it: a
    cached card that is a symlink to a secret must not be published, and a cache folder that is
    a symlink must not have cards written or stale PNGs deleted where it points."""
    root = make_site({"content/a.md": ARTICLE, ".git/config": SECRET})
    build_cli(root)
    cards = root / ".sitegen-cache" / "share"
    for card in cards.glob("*.png"):
        card.unlink()
        card.symlink_to(root / ".git" / "config")
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    (pictures / "holiday.png").write_bytes(b"keep")
    other = make_site({"content/a.md": ARTICLE})
    (other / ".sitegen-cache").mkdir()
    (other / ".sitegen-cache" / "share").symlink_to(pictures)
    for site in (root, other):
        code, stderr, tree = build_cli(site)
        assert code == 0, stderr
        assert_no_secret(tree)
        assert any(path.endswith("share.png") for path in tree) or not tree
    assert os.listdir(pictures) == ["holiday.png"]
