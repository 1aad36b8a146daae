"""Check digits of ID numbers (GB 11643) and USCC (GB 32100): the DOMAIN.md vectors plus generated cases."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bianzhi_app.idcodes import (
    USCC_ALPHABET,
    id_birth_date,
    id_check_digit,
    id_from_15,
    id_gender,
    id_problem,
    mask_id,
    normalize_code,
    uscc_check_char,
    uscc_problem,
)


def test_domain_vectors():
    assert id_problem("11010519491231002X") is None
    assert id_problem("440524188001010014") is None
    assert "校验位错误" in id_problem("110105194912310021")


def test_lowercase_x_and_fullwidth_are_normalised():
    assert normalize_code(" 11010519491231002x ") == "11010519491231002X"
    assert normalize_code("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


def test_impossible_and_future_birth_dates_are_refused():
    assert "不存在" in id_problem("110105" + "19490231" + "002" + id_check_digit("11010519490231002"))
    future = (dt.date.today() + dt.timedelta(days=400)).strftime("%Y%m%d")
    first17 = "110105" + future + "002"
    assert "晚于今天" in id_problem(first17 + id_check_digit(first17))


def test_birth_gender_and_mask():
    assert id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "女"
    assert id_gender("440524188001010014") == "男"
    assert mask_id("11010519491231002X") == "110105********002X"


def test_fifteen_digit_conversion():
    assert id_from_15("110105491231002") == "11010519491231002X"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.integers(min_value=110000, max_value=659999), st.integers(min_value=0, max_value=999))
def test_generated_ids_validate_and_any_other_check_digit_fails(birth, area, seq):
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    good = first17 + id_check_digit(first17)
    assert id_problem(good) is None
    for wrong in "0123456789X":
        if wrong != good[-1]:
            assert id_problem(first17 + wrong) is not None


def test_uscc_known_codes():
    for code in ("91350100M000100Y43", "91110000600037341L", "91440300708461136T"):
        assert uscc_problem(code) is None
    assert "校验位错误" in uscc_problem("91350100M000100Y44")
    assert "非法字符" in uscc_problem("91350100M000100YI3")
    assert "18位" in uscc_problem("9135")


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_generated_uscc_validate_and_single_changes_fail(first17):
    good = first17 + uscc_check_char(first17)
    assert uscc_problem(good) is None
    other = next(c for c in USCC_ALPHABET if c != good[-1])
    assert uscc_problem(first17 + other) is not None
