"""`sitegen new`: a starter site that builds at once, skeleton explainers and actors, and the
refusals that keep a writer's files safe."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from sitegen.stages.config import CONFIG_KEYS
from tests.helpers import run_sitegen


def test_a_new_site_builds_and_checks_at_once(tmp_path: Path) -> None:
    made = run_sitegen("new", "my-site", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "my-site"
    for name in ("sitegen.yaml", ".gitignore", ".github/workflows/pages.yml", "content/welcome.md"):
        assert (site / name).is_file(), name
    assert run_sitegen("check", "--strict", cwd=site).returncode == 0
    built = run_sitegen("build", "--strict", cwd=site)
    assert built.returncode == 0, built.stderr
    page = (site / "site" / "welcome" / "index.html").read_text(encoding="utf-8")
    assert "My Site" in page
    assert (site / "site" / "actors" / "ada-lovelace" / "index.html").is_file()


def test_the_config_documents_every_setting(tmp_path: Path) -> None:
    run_sitegen("new", "s", cwd=tmp_path)
    text = (tmp_path / "s" / "sitegen.yaml").read_text(encoding="utf-8")
    for key in CONFIG_KEYS:
        assert f"{key}:" in text, key


def test_the_workflow_builds_for_the_project_path_and_deploys_to_pages(tmp_path: Path) -> None:
    run_sitegen("new", "s", cwd=tmp_path)
    text = (tmp_path / "s" / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    steps = [
        step.get("uses", "") or step.get("run", "") for step in workflow["jobs"]["build"]["steps"]
    ]
    assert any(step.startswith("actions/upload-pages-artifact") for step in steps)
    assert any("--base-url" in step for step in steps)
    assert any("check --format github" in step for step in steps)
    deploy = workflow["jobs"]["deploy"]["steps"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_a_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_sitegen("new", "s", cwd=tmp_path)
    assert result.returncode == 1
    assert "not empty" in result.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["notes.txt"]


def test_new_explainer_has_today_and_a_slug_and_never_overwrites(tmp_path: Path) -> None:
    run_sitegen("new", "s", cwd=tmp_path)
    site = tmp_path / "s"
    made = run_sitegen("new", "explainer", 'Trump & Putin: a "30-day" truce?', cwd=site)
    assert made.returncode == 0, made.stderr
    path = site / "content" / "trump-putin-a-30-day-truce.md"
    text = path.read_text(encoding="utf-8")
    assert f"date: {datetime.date.today().isoformat()}" in text
    assert run_sitegen("check", "--drafts", "--strict", cwd=site).returncode == 0
    path.write_text(text + "\nMy edits.\n", encoding="utf-8")
    again = run_sitegen("new", "explainer", 'Trump & Putin: a "30-day" truce?', cwd=site)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert path.read_text(encoding="utf-8").endswith("My edits.\n")


def test_new_actor_is_a_valid_actor_file(tmp_path: Path) -> None:
    run_sitegen("new", "s", cwd=tmp_path)
    site = tmp_path / "s"
    assert run_sitegen("new", "actor", "Dmitry Peskov", cwd=site).returncode == 0
    assert (site / "content" / "actors" / "dmitry-peskov.md").is_file()
    assert run_sitegen("check", "--strict", cwd=site).returncode == 0
    assert run_sitegen("new", "actor", "Dmitry Peskov", cwd=site).returncode == 1


def test_new_content_outside_a_site_folder_is_refused(tmp_path: Path) -> None:
    result = run_sitegen("new", "explainer", "A title", cwd=tmp_path)
    assert result.returncode == 1
    assert "not a site folder" in result.stderr
    assert not (tmp_path / "content").exists()


def test_new_explainer_without_a_title_is_a_usage_error(tmp_path: Path) -> None:
    assert run_sitegen("new", "explainer", cwd=tmp_path).returncode == 2
