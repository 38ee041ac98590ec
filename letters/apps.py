from django.apps import AppConfig


class LettersConfig(AppConfig):
    """Letters to Santa: intake by form and email, elf personas, replies, the elves' admin."""

    name = "letters"
    verbose_name = "Letters to Santa"
