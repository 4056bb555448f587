"""A password holding its owner's full name, username or e-mail name is refused on the pages
that set one, diacritics, case and spaces ignored; Django's own rules still apply."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parindex.passwords import PersonalDataValidator, folded
from tests.factories import UserFactory

OLD = "secret-pass-123"


@pytest.fixture
def person(db):
    return UserFactory(
        username="ntlan", full_name="Nguyễn Thị Lan", email="lan.nguyen@tuphap.gov.vn"
    )


def _change(client, user, new):
    client.force_login(user)
    return client.post(
        "/accounts/password/",
        {"old_password": OLD, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Nguyễn Thị Lan", "Mật khẩu không được chứa họ và tên của bạn."),  # the probe's case
        ("nguyen thi lan", "Mật khẩu không được chứa họ và tên của bạn."),
        ("2026NguyenThiLan!", "Mật khẩu không được chứa họ và tên của bạn."),
        ("xYz-ntlan-2026-Q", "Mật khẩu không được chứa tên đăng nhập của bạn."),
        (
            "Lan.Nguyen#2026!",
            "Mật khẩu không được chứa phần tên trong địa chỉ thư điện tử của bạn.",
        ),
    ],
)
def test_change_password_refuses_personal_data(client, person, password, message):
    response = _change(client, person, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(OLD)


def test_a_password_without_personal_data_is_taken(client, person):
    response = _change(client, person, "Sông Hồng chảy 2026!")
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Sông Hồng chảy 2026!")


def test_the_password_link_page_refuses_the_full_name(client, person):
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    first = client.get(f"/accounts/password/set/{uid}/{token}/", follow=True)
    url = first.redirect_chain[-1][0]
    response = client.post(url, {"new_password1": "NguyenThiLan", "new_password2": "NguyenThiLan"})
    assert response.status_code == 200
    assert "Mật khẩu không được chứa họ và tên của bạn." in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(OLD)


def test_folding_ignores_case_diacritics_spaces_and_d_bar():
    assert folded("Đặng Văn Đức") == "dangvanduc"
    assert folded("đặng-văn_đức") == "dangvanduc"


def test_short_names_are_not_refused():
    """A three-letter username ("an") would refuse half of all passwords."""
    user = UserFactory.build(username="an", full_name="", email="")
    PersonalDataValidator().validate("bananas-and-more", user=user)
