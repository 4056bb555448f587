"""parindex.parsing: the one number reader, the one yes/no reader and the one id reader, for
forms, JSON saves, spreadsheet cells and rule texts alike."""

from decimal import Decimal

import pytest

from parindex.parsing import ParseError, parse_decimal, parse_id, parse_yes_no, yes_no_word
from parindex.text import vietnamese_sort_key

D = Decimal


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,5", D("1.5")),
        ("1.5", D("1.5")),
        (" 95 % ", D("95")),
        ("95,5%", D("95.5")),
        ("+2", D("2")),
        ("-1", D("-1")),  # read; whoever asks says whether it is allowed
        (",5", D("0.5")),
        ("1\u00a0000", D("1000")),  # a non-breaking space pasted from a document
        ("", None),
        ("   ", None),
        (None, None),
        (1.5, D("1.5")),
        (0.30000000000000004, D("0.3")),  # a spreadsheet's SUM of 0,1 and 0,2
        (7, D("7")),
        (D("2.25"), D("2.25")),
    ],
)
def test_numbers_as_people_type_them_and_spreadsheets_store_them(typed, read):
    assert parse_decimal(typed, label="Điểm") == read


@pytest.mark.parametrize("typed", ["1.234,5", "1e5", "abc", "2 điểm", "NaN", "--1", True])
def test_anything_else_is_refused_with_the_fields_name(typed):
    with pytest.raises(ParseError, match="Điểm"):
        parse_decimal(typed, label="Điểm")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("x", True),
        ("X", True),
        ("có", True),
        ("co", True),
        ("1", True),
        (1.0, True),
        ("on", True),  # a ticked checkbox
        ("không", False),
        ("0", False),
        (False, False),
        ("", None),
        (None, None),
    ],
)
def test_yes_and_no(typed, read):
    assert parse_yes_no(typed, label="Không áp dụng") is read


def test_an_unknown_yes_no_word_is_refused_and_empty_takes_the_default():
    with pytest.raises(ParseError, match="có/không"):
        parse_yes_no("hmm", label="Không áp dụng")
    assert parse_yes_no("", label="Không áp dụng", default=False) is False
    assert yes_no_word("hmm") is None


@pytest.mark.parametrize(
    ("typed", "read"), [("12", 12), (" 7 ", 7), ("", None), ("²", None), ("-1", None), ("0", None)]
)
def test_ids(typed, read):
    assert parse_id(typed) == read
    assert parse_id("9" * 40) is None


@pytest.mark.parametrize(
    ("typed", "read"),
    [("-0", D("0")), ("\ufeff1,5", D("1.5")), ("１,５", "refused"), ("٣", "refused")],
)
def test_the_edges_read_as_the_forms_script_reads_them(typed, read):
    """static/js/self_assessment.js reads numbers the same way (the preview must agree)."""
    if read == "refused":
        with pytest.raises(ParseError):
            parse_decimal(typed, label="Điểm")
    else:
        number = parse_decimal(typed, label="Điểm")
        assert number == read and str(number) == str(read)


def test_vietnamese_names_sort_as_in_a_dictionary():
    names = ["Xã Mới", "Xã Đông", "Xã Dương", "Xã Ân", "Xã An", "Xã Ẩn", "Xã Ăn", "Xã Ơn", "Xã Ô"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Xã An",
        "Xã Ăn",
        "Xã Ân",
        "Xã Ẩn",
        "Xã Dương",
        "Xã Đông",
        "Xã Mới",
        "Xã Ô",
        "Xã Ơn",
    ]
    # Tones order after the letters: a, à, ả, ã, á, ạ.
    assert sorted(["á", "ạ", "a", "ã", "à", "ả"], key=vietnamese_sort_key) == list("aàảãáạ")


@pytest.mark.parametrize("typed", ["0.5%", "1,5 %", "０．５", "１"])
def test_points_are_never_a_percentage_nor_full_width_digits(typed):
    with pytest.raises(ParseError):
        parse_decimal(typed, label="Điểm", percent=False)


def test_a_ratio_still_takes_its_percent_sign():
    assert parse_decimal("95,5%", label="Tỷ lệ") == D("95.5")
