"""Password validation in Chinese where Django's zh-hans catalogue falls short."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with the refusal in Chinese: Django 5.2 reworded this message (``%d``) and its zh-hans
    catalogue has no translation of the new wording yet, so it would show in English."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"
