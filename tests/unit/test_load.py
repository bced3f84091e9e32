from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.canonical import digest
from reconciler.config import Config, ConfigFile, DeclarationSettings
from reconciler.load import LoadError, LoadResult, load_project
from reconciler.load.recipients import MAX_CSV_BYTES
from reconciler.load.source import MAX_YAML_BYTES
from reconciler.models.campaign import SourceRef

DEFAULTS = """\
from: "+306900000000"
message: {language: en-GB}
callback: {strategy: OnChange, url: "https://hooks.example.com/routee"}
"""
PROMO = """\
# yaml-language-server: $schema=../schema/campaign.schema.json
id: promo
campaignName: Spring promo
revision: 2
to: ["+30 691 000 0002"]
toFile: recipients/r.csv
message: {text: Hello}
scheduledDate: 2027-03-01T09:00:00+02:00
"""
CSV = "number\n+306910000003\n+44 7911 123456\n"


def project(
    root: Path, files: dict[str, str | bytes], languages: list[str] | None = None
) -> Config:
    for name, content in files.items():
        path = root / "campaigns" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (root / "campaigns").mkdir(exist_ok=True)
    settings = DeclarationSettings(languages=languages or [])
    return Config(root=root, file=ConfigFile(declarations=settings))


def messages(result: LoadResult) -> list[str]:
    return [str(finding) for finding in result.findings]


def test_builds_campaign_as_documented(tmp_path: Path) -> None:
    config = project(
        tmp_path, {"defaults.yaml": DEFAULTS, "promo.yaml": PROMO, "recipients/r.csv": CSV}
    )
    result = load_project(config)
    assert result.findings == []
    [campaign] = result.campaigns
    assert campaign.request == {
        "from": "+306900000000",
        "to": ["+306910000002", "+306910000003", "+447911123456"],
        "message": {"text": "Hello", "language": "en-GB"},
        "callback": {"strategy": "OnChange", "url": "https://hooks.example.com/routee"},
        "scheduledDate": "2027-03-01T09:00:00+02:00",
    }
    assert (campaign.id, campaign.revision, campaign.cancel) == ("promo", 2, False)
    assert campaign.label == "Spring promo"
    assert campaign.spec_hash == digest(campaign.request)
    assert campaign.source == SourceRef("campaigns/promo.yaml", 2, 1)
    assert campaign.direct_recipients == 3
    assert result.recipients == 3


def test_decl_hash_ignores_defaults_but_not_the_csv(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "defaults.yaml": DEFAULTS,
        "promo.yaml": PROMO,
        "recipients/r.csv": CSV,
    }
    first = load_project(project(tmp_path, files)).campaigns[0]
    (tmp_path / "campaigns/defaults.yaml").write_text(DEFAULTS.replace("OnChange", "OnCompletion"))
    second = load_project(project(tmp_path, {})).campaigns[0]
    assert second.decl_hash == first.decl_hash
    assert second.spec_hash != first.spec_hash
    (tmp_path / "campaigns/recipients/r.csv").write_text(CSV + "+306910000009\n")
    third = load_project(project(tmp_path, {})).campaigns[0]
    assert third.decl_hash != first.decl_hash
    (tmp_path / "campaigns/promo.yaml").write_text(
        PROMO.replace("+30 691 000 0002", "+306910000002")
    )
    (tmp_path / "campaigns/recipients/r.csv").write_text(CSV)
    fourth = load_project(project(tmp_path, {})).campaigns[0]
    assert fourth.decl_hash == first.decl_hash  # the same numbers, written differently


def test_defaults_alternatives_and_null(tmp_path: Path) -> None:
    recorded = (
        "id: rec\nto: ['+306910000001']\nfileURL: https://cdn.example.com/a.wav\ncallback: null\n"
    )
    result = load_project(project(tmp_path, {"defaults.yaml": DEFAULTS, "rec.yaml": recorded}))
    assert messages(result) == []
    assert result.campaigns[0].request == {
        "from": "+306900000000",
        "to": ["+306910000001"],
        "fileURL": "https://cdn.example.com/a.wav",
    }
    assert result.campaigns[0].label == "rec"


def test_multiple_documents_empty_files_and_yml(tmp_path: Path) -> None:
    body = "from: '+306900000000'\nto: ['+306910000001']\nmessage: {text: Hi, language: en-GB}\n"
    files: dict[str, str | bytes] = {
        "b.yaml": f"# comment\n---\nid: b1\n{body}---\n---\nid: b2\n{body.replace('01', '02')}",
        "a/a.yml": f"id: a\n{body}",
        "empty.yaml": "",
        "comments.yaml": "# nothing here yet\n",
        "notes.txt": "id: ignored",
    }
    result = load_project(project(tmp_path, files))
    assert messages(result) == []
    assert [(c.id, str(c.source)) for c in result.campaigns] == [
        ("a", "campaigns/a/a.yml:1:1"),
        ("b1", "campaigns/b.yaml:2:1"),
        ("b2", "campaigns/b.yaml:8:1"),
    ]


def test_generated_thousand_recipients(tmp_path: Path) -> None:
    numbers = "".join(f"  - '+30 691 {i // 10000:03d} {i % 10000:04d}'\n" for i in range(1000))
    text = f"id: big\nfrom: '+306900000000'\nmessage: {{text: Hi, language: el-GR}}\nto:\n{numbers}"
    result = load_project(project(tmp_path, {"big.yaml": text}))
    assert result.findings == []
    to = result.campaigns[0].request["to"]
    assert (len(to), to[0], to[-1]) == (1000, "+306910000000", "+306910000999")


def test_thousand_and_first_via_to_file(tmp_path: Path) -> None:
    rows = "".join(f"+3069100{i:05d}\n" for i in range(1000))
    text = "id: big\nfrom: '+306900000000'\nmessage: {text: Hi, language: el-GR}\n"
    text += "to: ['+306920000000']\ntoFile: r.csv\n"
    result = load_project(project(tmp_path, {"big.yaml": text, "r.csv": rows}))
    assert messages(result) == [
        "campaigns/r.csv:1000:1: toFile: more than 1000 numbers in to and toFile together"
        " (Routee's limit)"
    ]
    assert result.campaigns == []


def test_size_limits(tmp_path: Path) -> None:
    big_yaml = "#" * (MAX_YAML_BYTES + 1)
    text = "id: a\nfrom: '+306900000000'\nmessage: {text: Hi, language: el-GR}\ntoFile: r.csv\n"
    files: dict[str, str | bytes] = {
        "big.yaml": big_yaml,
        "a.yaml": text,
        "r.csv": "#" * (MAX_CSV_BYTES + 1),
    }
    result = load_project(project(tmp_path, files))
    assert messages(result) == [
        f"campaigns/big.yaml:1:1: file: file is {MAX_YAML_BYTES + 1} bytes, over the limit of {MAX_YAML_BYTES} bytes",
        f"campaigns/r.csv:1:1: file: file is {MAX_CSV_BYTES + 1} bytes, over the limit of {MAX_CSV_BYTES} bytes",
    ]


def test_to_file_must_stay_inside_the_project(tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text("+306910000001\n")
    text = "id: a\nfrom: '+306900000000'\nmessage: {text: Hi, language: el-GR}\ntoFile: ../../outside.csv\n"
    result = load_project(project(tmp_path / "proj", {"a.yaml": text}))
    assert messages(result) == [
        "campaigns/a.yaml:4:9: toFile: '../../outside.csv' is outside the project directory"
        f" (it is {tmp_path.resolve() / 'outside.csv'})"
    ]


def test_empty_to_file_and_recursive_alias(tmp_path: Path) -> None:
    text = "id: a\nfrom: '+306900000000'\nmessage: {text: Hi, language: el-GR}\ntoFile: r.csv\n"
    files: dict[str, str | bytes] = {
        "a.yaml": text,
        "r.csv": "number\n\n",
        "loop.yaml": "id: x\nl: &l [*l]\n",
    }
    result = load_project(project(tmp_path, files))
    assert messages(result) == [
        "campaigns/a.yaml:4:9: toFile: no numbers in campaigns/r.csv",
        "campaigns/loop.yaml:1:1: document: a YAML alias refers to itself",
    ]


def test_extra_languages_contacts_and_groups(tmp_path: Path) -> None:
    text = (
        "id: cz\nfrom: Routee\nmessage: {text: Ahoj, language: cs-CZ}\n"
        "contacts: [c1, c2, c1]\ngroups: [All]\nto: []\n"
    )
    assert messages(load_project(project(tmp_path, {"cz.yaml": text}))) == [
        "campaigns/cz.yaml:3:33: message.language: unknown language 'cs-CZ'"
        " (more can be allowed in campaigns.toml [declarations] languages)",
        "campaigns/cz.yaml:4:20: contacts[2]: 'c1' is listed twice (also contacts[0])",
    ]
    (tmp_path / "campaigns/cz.yaml").write_text(text.replace(", c1]", "]"))
    result = load_project(project(tmp_path, {}, languages=["cs-CZ"]))
    assert messages(result) == []
    assert result.campaigns[0].request == {
        "from": "Routee",
        "message": {"text": "Ahoj", "language": "cs-CZ"},
        "contacts": ["c1", "c2"],
        "groups": ["All"],
    }
    assert result.campaigns[0].direct_recipients == 2


def test_problem_with_a_default_points_into_defaults(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "defaults.yaml": "ignoreDnd: true\ncollectDtmfAwaitSeconds: 5\n",
        "a.yaml": "id: a\nfrom: '+306900000000'\nto: ['+306910000001']\nmessage: {text: Hi, language: xx-XX}\n",
        "b.yaml": "id: b\nfrom: '+306900000000'\nto: ['+306910000001']\nfileURL: https://cdn.example.com/a.wav\n",
        "c.yaml": "- not a mapping\n",
        "d.yaml": "id: d\nfrom: '+306900000000'\nto: ['+306910000001']\n"
        "message: {text: Hi, language: el-GR}\ncollectDtmfDigits: true\n",
    }
    result = load_project(project(tmp_path, files))
    assert messages(result) == [
        "campaigns/a.yaml:4:31: message.language: unknown language 'xx-XX'"
        " (more can be allowed in campaigns.toml [declarations] languages)",
        "campaigns/c.yaml:1:1: document: must be a mapping of fields, found a list",
        "campaigns/defaults.yaml:2:1: collectDtmfAwaitSeconds: only allowed with"
        " collectDtmfDigits: true",
    ]
    assert [c.id for c in result.campaigns] == ["d"]
    assert result.campaigns[0].request["ignoreDnd"] is True
    with pytest.raises(LoadError, match="3 problems in the declarations"):
        result.raise_for_findings()


def test_defaults_must_be_one_mapping(tmp_path: Path) -> None:
    result = load_project(project(tmp_path, {"defaults.yaml": "a: 1\n---\nb: 2\n"}))
    assert messages(result) == [
        "campaigns/defaults.yaml:1:1: a: unknown key",
        "campaigns/defaults.yaml:1:1: document: defaults.yaml must hold a single document",
    ]


def test_missing_campaigns_directory(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no campaigns/ directory in "):
        load_project(Config(root=tmp_path))


def test_wrong_shapes_read_well(tmp_path: Path) -> None:
    text = (
        "id: 5\nfrom: +306900000000\nto: '+306910000001'\nmessage: hi\n"
        "callback: [1]\ncontacts: [~]\n1: x\n"
    )
    assert messages(load_project(project(tmp_path, {"a.yaml": text}))) == [
        "campaigns/a.yaml:1:5: id: input should be a valid string; YAML reads the unquoted 5 as"
        ' a number: quote it (write id: "5")',
        "campaigns/a.yaml:2:7: from: input should be a valid string;"
        ' quote numbers in YAML (write "+306900000000", not +306900000000)',
        "campaigns/a.yaml:3:5: to: input should be a valid list",
        "campaigns/a.yaml:4:10: message: input should be a mapping of keys to values",
        "campaigns/a.yaml:5:11: callback: input should be a mapping of keys to values",
        "campaigns/a.yaml:6:12: contacts[0]: input should be a valid string",
        "campaigns/a.yaml:7:1: 1: keys must be strings",
    ]


def test_broken_links_are_reported_but_editor_lock_links_and_directories_skipped(
    tmp_path: Path,
) -> None:
    config = project(tmp_path, {})
    campaigns = tmp_path / "campaigns"
    (campaigns / "gone.yaml").symlink_to("elsewhere.yaml")
    (campaigns / ".#a.yaml").symlink_to("alice@box.4242:1700000000")
    (campaigns / "folder.yaml").mkdir()
    assert messages(load_project(config)) == [
        "campaigns/gone.yaml:1:1: file: cannot read: broken symbolic link"
        " (its target elsewhere.yaml does not exist)"
    ]
