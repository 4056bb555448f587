"""The short form of an area's name that column headers show (the full name is the title)."""

import pytest

from scoring.display import AREA_SHORT_LENGTH, area_short_name


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Công tác chỉ đạo, điều hành cải cách hành chính", "Chỉ đạo, điều hành"),
        ("Công tác chỉ đạo, điều hành CCHC", "Chỉ đạo, điều hành"),
        ("Cải cách thể chế", "Thể chế"),
        ("Cải cách thủ tục hành chính", "Thủ tục hành chính"),
        ("Cải cách tổ chức bộ máy hành chính nhà nước", "Tổ chức bộ máy"),
        ("Cải cách chế độ công vụ", "Chế độ công vụ"),
        ("Cải cách tài chính công", "Tài chính công"),
        ("Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", "Chính quyền điện tử"),
        ("Điều tra xã hội học, khảo sát sự hài lòng của người dân, tổ chức", "Điều tra xã hội học"),
        ("Điều tra xã hội học (khảo sát)", "Điều tra xã hội học"),
        # No prefix: the ending stays ("tác động của" must not lose its object).
        ("Đánh giá tác động của cải cách hành chính", "Đánh giá tác động của…"),
        # A name that is nothing but a prefix is kept whole.
        ("Cải cách", "Cải cách"),
        ("  Cải cách   thể chế ", "Thể chế"),
        ("", ""),
    ],
)
def test_short_names_of_the_official_areas(name, short):
    assert area_short_name(name) == short


def test_a_long_name_without_clauses_is_cut_at_a_word():
    short = area_short_name("Mức độ hài lòng của người dân đối với sự phục vụ của cơ quan")
    assert short == "Mức độ hài lòng của…"
    assert len(short) <= AREA_SHORT_LENGTH


def test_a_long_word_is_cut_too():
    short = area_short_name("X" * 500)
    assert short == "X" * (AREA_SHORT_LENGTH - 1) + "…"
