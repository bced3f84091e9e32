"""The parse cache: a warm load must equal a cold one, and every input edit must be seen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.load import LoadResult, load_project
from reconciler.load.cache import CACHE_ENV, DISABLE_ENV, cache_home, project_folder
from tests.unit.project_files import config, write

DEFAULTS = 'from: "+306900000000"\nmessage: {language: en-GB}\n'
PROMO = """\
id: promo
campaignName: Spring promo
to: ["+306910000002"]
toFile: r.csv
message: {text: Hello}
scheduledDate: "2027-03-01T09:00:00+02:00"
"""
CSV = "number\n+306910000003\n"


def snapshot(result: LoadResult) -> str:
    """Everything a load produced, in order (key order included: it is what gets sent)."""
    campaigns = [
        [vars(c) | {"source": str(c.source), "request": json.dumps(c.request)}]
        for c in result.campaigns
    ]
    return json.dumps([campaigns, [str(f) for f in result.findings]])


def entries(root: Path) -> list[Path]:
    return sorted(project_folder(cache_home(), root).glob("*.json"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path, {"defaults.yaml": DEFAULTS, "promo.yaml": PROMO, "r.csv": CSV})
    return tmp_path


def test_warm_load_equals_cold_load_and_nothing_is_written_in_the_project(root: Path) -> None:
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    cold = load_project(config(root))
    assert cold.findings == [] and len(entries(root)) == 1
    warm = load_project(config(root))
    assert snapshot(warm) == snapshot(cold)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_the_cache_is_really_used(root: Path) -> None:
    load_project(config(root))
    [entry] = entries(root)
    data = json.loads(entry.read_text())
    data["campaigns"][0]["label"] = "From the cache"
    entry.write_text(json.dumps(data))
    assert load_project(config(root)).campaigns[0].label == "From the cache"


def test_editing_a_declaration_same_size_is_seen(root: Path) -> None:
    load_project(config(root))
    write(root, {"promo.yaml": PROMO.replace("Hello", "Hallo")})
    [campaign] = load_project(config(root)).campaigns
    assert campaign.request["message"]["text"] == "Hallo"


def test_editing_defaults_is_seen(root: Path) -> None:
    load_project(config(root))
    write(root, {"defaults.yaml": DEFAULTS.replace("en-GB", "en-US")})
    [campaign] = load_project(config(root)).campaigns
    assert campaign.request["message"]["language"] == "en-US"


def test_editing_a_to_file_csv_same_size_is_seen(root: Path) -> None:
    first = load_project(config(root)).campaigns[0]
    write(root, {"r.csv": CSV.replace("03", "04")})
    second = load_project(config(root)).campaigns[0]
    assert second.request["to"] == ["+306910000002", "+306910000004"]
    assert second.decl_hash != first.decl_hash


def test_a_to_file_removed_is_an_error_again(root: Path) -> None:
    load_project(config(root))
    (root / "campaigns" / "r.csv").unlink()
    result = load_project(config(root))
    assert result.campaigns == [] and "file not found" in str(result.findings[0])


def test_changed_languages_are_seen(root: Path) -> None:
    write(root, {"promo.yaml": PROMO.replace("{text: Hello}", "{text: Hello, language: cs-CZ}")})
    assert load_project(config(root, ["cs-CZ"])).findings == []
    assert load_project(config(root)).findings  # cs-CZ no longer allowed


def test_a_file_with_problems_is_never_cached(root: Path) -> None:
    write(root, {"bad.yaml": "id: bad\nto: [123]\n"})
    first = load_project(config(root))
    assert first.findings
    assert snapshot(load_project(config(root))) == snapshot(first)
    assert len(entries(root)) == 1  # promo only


def test_duplicate_ids_are_found_with_every_file_cached(root: Path) -> None:
    write(root, {"copy.yaml": PROMO})
    load_project(config(root))
    (root / "campaigns" / "copy.yaml").unlink()
    load_project(config(root))  # promo alone: cached
    write(root, {"copy.yaml": PROMO})
    result = load_project(config(root))
    assert result.campaigns == []
    assert [f.field for f in result.findings] == ["id", "id"]
    assert "duplicate id 'promo' (also at campaigns/copy.yaml:1:5)" in str(result.findings[1])


def test_a_corrupt_entry_is_a_miss(root: Path) -> None:
    cold = load_project(config(root))
    [entry] = entries(root)
    entry.write_text("{not json")
    assert snapshot(load_project(config(root))) == snapshot(cold)


def test_stale_entries_are_pruned(root: Path) -> None:
    load_project(config(root))
    write(root, {"promo.yaml": PROMO.replace("Hello", "Hallo")})
    load_project(config(root))
    assert len(entries(root)) == 1


def test_it_can_be_turned_off(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    assert load_project(config(root)).campaigns
    assert not cache_home().joinpath("parsed").exists()


def test_an_unwritable_cache_is_only_slower(root: Path) -> None:
    cache_home().joinpath("parsed").write_text("a file where the cache directory should be")
    assert load_project(config(root)).campaigns


def test_the_cache_lives_in_xdg_cache_home_by_default(
    root: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    xdg = tmp_path_factory.mktemp("xdg")
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    assert cache_home() == xdg / "routee-campaigns"
    load_project(config(root))
    assert len(list((xdg / "routee-campaigns" / "parsed").glob("*/*.json"))) == 1


def test_a_cache_committed_in_the_project_is_never_read(root: Path) -> None:
    """A force-added .campaigns-cache/ (the old place) whose key matches decides nothing."""
    cold = load_project(config(root))
    [entry] = entries(root)
    data = json.loads(entry.read_text())
    data["campaigns"][0]["request"]["to"] = ["+306999999999"]
    planted = root / ".campaigns-cache" / "parsed" / entry.name
    planted.parent.mkdir(parents=True)
    planted.write_text(json.dumps(data))
    entry.unlink()
    assert snapshot(load_project(config(root))) == snapshot(cold)


def test_a_cache_directory_inside_the_project_is_not_used(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(root / "cache"))
    load_project(config(root))
    assert not (root / "cache").exists()


def test_a_link_below_the_cache_directory_turns_it_off(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cache_home().joinpath("parsed").symlink_to(elsewhere, target_is_directory=True)
    cold = load_project(config(root))
    assert list(elsewhere.rglob("*")) == []  # nothing written through the link
    assert snapshot(load_project(config(root))) == snapshot(cold)


def test_an_entry_that_is_a_link_is_a_miss(root: Path, tmp_path: Path) -> None:
    cold = load_project(config(root))
    [entry] = entries(root)
    forged = tmp_path / "forged.json"
    data = json.loads(entry.read_text())
    data["campaigns"][0]["label"] = "Forged"
    forged.write_text(json.dumps(data))
    entry.unlink()
    entry.symlink_to(forged)
    assert snapshot(load_project(config(root))) == snapshot(cold)


def test_estimated_seconds_is_kept_through_the_cache(tmp_path: Path) -> None:
    recorded = (
        'id: notice\nfrom: "+306900000000"\nto: ["+306910000002"]\n'
        "fileURL: https://cdn.example.com/notice.wav\nestimatedSeconds: 75\n"
    )
    write(tmp_path, {"notice.yaml": recorded})
    cold = load_project(config(tmp_path))
    [campaign] = cold.campaigns
    assert campaign.estimated_seconds == 75
    assert "estimatedSeconds" not in campaign.request
    assert snapshot(load_project(config(tmp_path))) == snapshot(cold)
    write(tmp_path, {"notice.yaml": recorded.replace("75", "90")})
    [changed] = load_project(config(tmp_path)).campaigns
    assert changed.estimated_seconds == 90
    assert (changed.spec_hash, changed.decl_hash) == (campaign.spec_hash, campaign.decl_hash)
