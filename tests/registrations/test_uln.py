import pytest

from portfolio.services.registration import uln_problem


def check_digit(first_nine: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    return 10 - remainder


@pytest.mark.parametrize("uln", ["1234567899", "9999999998", "4000000070"])
def test_valid_ulns_pass(uln):
    assert uln_problem(uln) is None


def test_empty_uln_is_allowed():
    assert uln_problem("") is None


@pytest.mark.parametrize("uln", ["123456789", "12345678901", "12345678a9", "1234 56789"])
def test_ulns_must_be_ten_digits(uln):
    assert "10 digits" in uln_problem(uln)


@pytest.mark.parametrize("uln", ["1234567890", "1234567898", "9999999999"])
def test_wrong_check_digit_is_refused(uln):
    assert "check digit" in uln_problem(uln)


def test_remainder_zero_is_never_valid():
    # 100000001: 1*10 + 1*2 = 12 -> remainder 1; find a prefix whose weighted sum is a multiple of 11.
    prefix = next(f"{n:09d}" for n in range(100000000, 100001000) if check_digit(f"{n:09d}") == 10)
    for last in "0123456789":
        assert uln_problem(prefix + last) is not None


def test_every_single_digit_typo_is_caught():
    uln = "1234567899"
    assert uln_problem(uln) is None  # a valid ULN, so each refusal below is the typo's doing
    for position in range(10):
        for digit in "0123456789":
            if digit != uln[position]:
                typo = uln[:position] + digit + uln[position + 1 :]
                assert uln_problem(typo) is not None, typo
