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
