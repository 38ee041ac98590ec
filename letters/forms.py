"""Forms: the public letter to Santa, and the elves' reply and bulk-reply forms."""

import pycountry
from django import forms
from django.contrib.auth.models import AbstractBaseUser

from letters.models import ElfPersona, ReplyTemplate
from letters.replies import MAX_REPLY_LENGTH, personas_for
from locations.geography import public_country_name

MAX_LETTER_LENGTH = 5000
MAX_NAME_LENGTH = 100


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country by its common English name, sorted, after a blank choice."""
    names = sorted(
        ((country.alpha_2, public_country_name(country.alpha_2)) for country in pycountry.countries),
        key=lambda choice: choice[1],
    )
    return [("", "I'd rather not say"), *names]


class LetterForm(forms.Form):
    """The public "Write to Santa" form."""

    name = forms.CharField(label="Your name", max_length=MAX_NAME_LENGTH)
    email = forms.EmailField(
        label="Email address for Santa's reply",
        help_text="A grown-up's address is fine. We only use it to answer this letter.",
        max_length=254,
    )
    message = forms.CharField(
        label="Your letter",
        help_text=f"Up to {MAX_LETTER_LENGTH} characters.",
        max_length=MAX_LETTER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
    )
    age = forms.IntegerField(label="How old are you? (optional)", required=False, min_value=1, max_value=120)
    country = forms.ChoiceField(label="Where do you live? (optional)", required=False, choices=country_choices)
    # The honeypot: hidden by the stylesheet and from assistive technology; people leave it empty, bots fill it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_message(self) -> str:
        """A letter needs words, not just spaces."""
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Your letter is empty: write Santa a few words.")
        return message


class ReplyForm(forms.Form):
    """An elf's reply on a letter's page: who signs it, an optional template, the text."""

    persona = forms.ModelChoiceField(label="Reply as", queryset=ElfPersona.objects.none(), empty_label=None)
    template = forms.ModelChoiceField(
        label="Template", queryset=ReplyTemplate.objects.all(), required=False, empty_label="(no template)"
    )
    body = forms.CharField(
        label="Reply",
        required=False,
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text="The persona's signature is added below it.",
    )

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas_for(user)


class BulkReplyForm(forms.Form):
    """Answer every selected letter with one template, signed by one persona."""

    persona = forms.ModelChoiceField(label="Reply as", queryset=ElfPersona.objects.none(), empty_label=None)
    template = forms.ModelChoiceField(label="Template", queryset=ReplyTemplate.objects.all(), empty_label=None)

    def __init__(self, *args: object, user: AbstractBaseUser, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas_for(user)
