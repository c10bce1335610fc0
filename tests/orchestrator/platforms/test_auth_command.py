"""`pasar-live auth youtube`: its arguments and its refusals (the OAuth flow needs a person)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator import cli
from orchestrator.platforms.auth_command import DEFAULT_TOKEN_FILE, token_path


def test_client_secrets_is_required() -> None:
    """Without --client-secrets argparse stops with a usage error."""
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["auth", "youtube"])


def test_token_file_from_flag_environment_or_default(tmp_path: Path) -> None:
    """--token-file wins, then PASAR_YOUTUBE_TOKEN_FILE, then data/youtube-token.json."""
    parse = cli.build_parser().parse_args
    args = parse(["auth", "youtube", "--client-secrets", "c.json"])
    assert (args.command, args.service, args.port) == ("auth", "youtube", 0)
    assert token_path(args, {}) == DEFAULT_TOKEN_FILE
    assert token_path(args, {"PASAR_YOUTUBE_TOKEN_FILE": "t.json"}) == Path("t.json")
    flagged = parse(["auth", "youtube", "--client-secrets", "c.json", "--token-file", "x.json"])
    assert token_path(flagged, {"PASAR_YOUTUBE_TOKEN_FILE": "t.json"}) == Path("x.json")


def test_missing_client_secrets_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A file that is not there: exit 2, saying so and where to get the JSON."""
    code = cli.main(["auth", "youtube", "--client-secrets", str(tmp_path / "nope.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope.json tidak ditemukan" in err and "Google Cloud Console" in err


def test_client_secrets_of_the_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A JSON file that is no OAuth client: exit 2 before any browser opens."""
    path = tmp_path / "client.json"
    path.write_text(json.dumps({"service_account": {}}))
    code = cli.main(["auth", "youtube", "--client-secrets", str(path), "--no-browser"])
    assert code == 2 and "bukan JSON klien OAuth" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
