"""Property-based tests (hypothesis) of splitting a sum among heirs (domain.md, "Splitting among heirs"): for every
split method and any family, the shares sum exactly, are never negative, whole shares stay whole, and at most one
heir takes a remainder smaller than one satang per heir. The expected weights are worked out here from the rule."""
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.relief_rules import RELATIONSHIPS, SPLIT_METHODS, Heir, split

# Any amount in satang up to billions of baht (the money columns hold up to 999,999,999,999.99).
amounts = st.integers(min_value=1, max_value=99_999_999_999_999).map(lambda satang: Decimal(satang) / 100)
families = st.lists(st.sampled_from(RELATIONSHIPS), min_size=1, max_size=30)


def rule_weights(relationships: list[str], method: str) -> list[Fraction]:
    """The weights as domain.md states them, computed independently of the app: equal shares; or children 2 shares
    (3 if three or more), spouse 1, parents 1, shared equally inside each group, dependants only when alone."""
    if method == "equal":
        return [Fraction(1)] * len(relationships)
    group_of = {"child": "child", "spouse": "spouse", "father": "parent", "mother": "parent", "dependant": "dependant"}
    sizes: dict[str, int] = {}
    for relationship in relationships:
        sizes[group_of[relationship]] = sizes.get(group_of[relationship], 0) + 1
    shares = {"child": Fraction(3 if sizes.get("child", 0) >= 3 else 2), "spouse": Fraction(1), "parent": Fraction(1)}
    others = any(g in sizes for g in ("child", "spouse", "parent"))
    shares["dependant"] = Fraction(0) if others else Fraction(1)
    return [shares[group_of[r]] / sizes[group_of[r]] for r in relationships]


@settings(max_examples=500, deadline=None)
@given(total=amounts, relationships=families, method=st.sampled_from(SPLIT_METHODS))
def test_shares_are_exact_whole_where_whole_and_sum_to_the_total(total, relationships, method):
    heirs = [Heir(i, r) for i, r in enumerate(relationships)]
    shares = split(total, heirs, method)
    assert [s.key for s in shares] == [h.key for h in heirs]
    assert sum(s.amount for s in shares) == total
    assert all(s.amount >= 0 and s.amount == s.amount.quantize(Decimal("0.01")) for s in shares)

    weights = rule_weights(relationships, method)
    exact = [Fraction(int(total * 100)) * w / sum(weights) for w in weights]  # in satang
    takers = [s for s in shares if s.remainder]
    assert len(takers) <= 1
    for share, exact_share in zip(shares, exact):
        paid = Fraction(int(share.amount * 100))
        if exact_share.denominator == 1:
            assert paid == exact_share and not share.remainder  # a whole share is paid exactly
        elif not share.remainder:
            assert paid == exact_share.numerator // exact_share.denominator  # cut down to the satang, no more
        else:
            remainder = paid - exact_share.numerator // exact_share.denominator
            assert 0 < remainder < len(heirs)  # fewer satang than there are heirs
    if not takers:
        assert all(e.denominator == 1 for e in exact)  # no remainder only when every share was whole
