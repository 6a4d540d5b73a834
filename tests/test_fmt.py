"""Display formatting (lib/outputs/fmt.py): storage keeps full precision, only display rounds."""

from lib.ui import fmt


def test_money_and_units():
    assert fmt.money(3011) == "3,011.00 万元"
    assert fmt.money(None) == "—"
    assert fmt.money_unit([7750.69, 17880]) == "亿元" and fmt.money_unit([9999.99]) == "万元"
    assert fmt.number_in(17880, "亿元") == "1.79" and fmt.money_in(17880, "亿元") == "1.79 亿元"


def test_rate_and_score():
    assert fmt.rate(0.9465) == "94.65%" and fmt.rate(float("nan")) == "—"
    assert fmt.score(94) == "94" and fmt.score(93.4647) == "93.46"


def test_counts_on_cards_switch_to_wan_from_a_million():
    assert fmt.count(9, "个") == "9 个"
    assert fmt.count(945_259, "项") == "945,259 项"
    assert fmt.count(10_000_000, "项") == "1,000.0 万项"
    assert fmt.count(1_234_567, "个") == "123.5 万个"
