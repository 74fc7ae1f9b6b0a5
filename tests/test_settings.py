from review_bot.settings import data_dir_from_env


def test_a_relative_data_dir_is_made_absolute(tmp_path, monkeypatch):
    """Clones and builds run git in other folders; a relative data dir would point elsewhere."""
    monkeypatch.chdir(tmp_path)
    assert data_dir_from_env({"KENNIS_DATA_DIR": "state"}) == tmp_path / "state"
    assert data_dir_from_env({}) == tmp_path / ".kennis-bot"
