"""Password validators: 10 characters or more, not all digits, not common, not close to the user's
names — refused in Chinese. The demo password passes them."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from demo.county import DEMO_PASSWORD


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab1@xyz", "密码太短，至少需要 10 个字符"),
        ("1234567890", "密码只包含数字"),
        ("password123", "这个密码太常见了"),
        ("sec_a1_2026", "太相似"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(world, password, message):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            validate_password(password, world.users.secretary)
        assert any(message in m for m in exc.value.messages), exc.value.messages


def test_the_demo_password_passes_the_validators(world):
    validate_password(DEMO_PASSWORD, world.users.secretary)
