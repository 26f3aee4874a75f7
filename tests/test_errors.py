from giza.errors import unknown_choice


def test_unknown_choice_suggests_a_close_name() -> None:
    assert unknown_choice("builder", "htm", ["dirhtml", "html", "latex"]) == \
        "unknown builder 'htm' (did you mean 'html'?); valid builders: dirhtml, html, latex"


def test_unknown_choice_without_a_close_name_lists_the_valid_ones() -> None:
    assert unknown_choice("edition", "zzz", ["saas", "onprem"]) == \
        "unknown edition 'zzz'; valid editions: saas, onprem"
    assert unknown_choice("edition", "x", []) == \
        "unknown edition 'x'; valid editions: (none defined)"


def test_unknown_choice_with_own_listing_and_plural() -> None:
    assert unknown_choice("push target", "prod", ["production"], "production (push.yaml)",
                          plural="targets") == \
        "unknown push target 'prod' (did you mean 'production'?); valid targets: " \
        "production (push.yaml)"


def test_shown_is_relative_to_the_project_root_not_the_working_directory(tmp_path,
                                                                          monkeypatch) -> None:
    import os

    from giza.errors import relative_to, shown, where

    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    monkeypatch.chdir(root / "source")
    assert shown(root / "source" / "a.txt") == "a.txt"  # no project yet: the cwd
    with relative_to(root):
        assert shown(root / "source" / "a.txt") == "source/a.txt"
        assert where(root / "config" / "x.yaml", 3) == "config/x.yaml:3"
        assert shown(root) == "."
        assert shown(tmp_path / "elsewhere.txt") == str(tmp_path / "elsewhere.txt")
        monkeypatch.chdir(tmp_path)
        assert shown(root / "source" / "a.txt") == "source/a.txt"
    assert shown(root / "source" / "a.txt") == os.path.join("proj", "source", "a.txt")
