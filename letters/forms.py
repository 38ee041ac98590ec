"""Forms: the public letter to Santa, and the elves' reply, bulk-reply, export and statistics forms."""

import datetime as dt
import re
import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from letters.invisible import strip_invisible
from letters.languages import language_name, reply_language
from letters.models import ElfPersona, Letter, ReplyTemplate, Writer, base_language
from letters.replies import MAX_REPLY_LENGTH, personas_for, templates_by_language
from locations.geography import country_names_in

MAX_LETTER_LENGTH = 5000
MAX_NAME_LENGTH = 100


def country_choices() -> list[tuple[str, str]]:
    """The country list in the active language, after a blank choice; called on each use, so per request."""
    return [("", gettext("I'd rather not say")), *country_names_in(translation.to_locale(translation.get_language()))]


def new_form_token() -> str:
    """A fresh random token for one letter form (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class ExportForm(forms.Form):
    """What the export page downloads: letters received, or replies written, from one day to another."""

    kind = forms.ChoiceField(
        label="Export", choices=[("letters", "Letters"), ("replies", "Replies")], widget=forms.RadioSelect
    )
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (included)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The last day is before the first: swap them.")
        return data

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """[start of the first day, start of the day after the last) in the site's time zone."""
        start = timezone.make_aware(dt.datetime.combine(self.cleaned_data["start"], dt.time()))
        end = timezone.make_aware(dt.datetime.combine(self.cleaned_data["end"], dt.time())) + dt.timedelta(days=1)
        return start, end


class NightForm(forms.Form):
    """Which night the statistics page shows (noon to noon); blank: the current one."""

    day = forms.DateField(label="Night of", required=False, widget=forms.DateInput(attrs={"type": "date"}))


# Every note the letter form can show, in a child's words in the page's language rather than Django's stock
# "This field is required." (the age's are beside its field).
EMPTY_NAME = gettext_lazy("Your name is empty: write the name Santa should call you.")
EMPTY_LETTER = gettext_lazy("Your letter is empty: write Santa a few words.")


class LetterForm(forms.Form):
    """The public "Write to Santa" form, in the page's language, every note written for a child."""

    writer = forms.ChoiceField(
        label=gettext_lazy("Who is writing to Santa?"),
        choices=[
            (Writer.CHILD, gettext_lazy("Me! I am a child.")),
            (Writer.GROWN_UP, gettext_lazy("I am a grown-up writing for a child.")),
        ],
        widget=forms.RadioSelect,
        # Most writers are children: they need not touch it; a grown-up picks the second line.
        initial=Writer.CHILD,
        error_messages={"required": gettext_lazy("Please tell Santa who is writing.")},
    )
    # dir="auto": a name or letter in another script than the page's reads in its own direction (a Latin
    # letter on the Arabic page keeps its "!" at the end).
    name = forms.CharField(
        label=gettext_lazy("Your name"),
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={
            "required": EMPTY_NAME,
            "max_length": gettext_lazy(
                "Your name is very long: please write a shorter one, up to %(limit_value)d letters."
            ),
        },
    )
    child_name = forms.CharField(
        label=gettext_lazy("Grown-ups: the child's first name"),
        help_text=gettext_lazy("Santa's reply greets the child by this name."),
        required=False,
        max_length=MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={
            "max_length": gettext_lazy(
                "This name is very long: please write a shorter one, up to %(limit_value)d letters."
            )
        },
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address for Santa's reply"),
        help_text=gettext_lazy("A grown-up's address is fine. We only use it to answer this letter."),
        max_length=254,
        error_messages={
            "required": gettext_lazy("Santa needs an email address to write back: ask a grown-up for one."),
            "invalid": gettext_lazy(
                "This email address does not look quite right: check it with a grown-up. "
                "It looks like name@example.com."
            ),
            "max_length": gettext_lazy("This email address is too long: check it with a grown-up."),
        },
    )
    message = forms.CharField(
        label=gettext_lazy("Your letter"),
        max_length=MAX_LETTER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60, "dir": "auto"}),
        error_messages={
            "required": EMPTY_LETTER,
            "max_length": gettext_lazy(
                "Your letter is longer than Santa can read: please make it a little shorter, "
                "up to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    age = forms.IntegerField(
        label=gettext_lazy("How old are you? (optional)"),
        required=False,
        min_value=1,
        max_value=120,
        # In a child's words rather than Django's "Ensure this value is less than or equal to 120."
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), gettext_lazy("Please write an age from 1 to 120.")
        ),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Where do you live? (optional)"),
        required=False,
        choices=country_choices,
        error_messages={"invalid_choice": gettext_lazy("Please choose your country from the list.")},
    )
    # The honeypot: hidden by the stylesheet and from assistive technology; people leave it empty, bots fill it.
    website = forms.CharField(
        label=gettext_lazy("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    # A random token per form shown (new_form_token), stored unique with the letter: the same form sent again
    # after a timeout is recognised and stored once. A page from before the token existed sends none.
    token = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels sit above their fields and many are questions: no colon after "How old are you? (optional)".
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Filled in per form: a lazy plural with its number already applied would be translated at import.
        self.fields["message"].help_text = ngettext(
            "Up to %(count)s character.", "Up to %(count)s characters.", MAX_LETTER_LENGTH
        ) % {"count": MAX_LETTER_LENGTH}

    def clean_name(self) -> str:
        """A name that shows: invisible characters (zero-width, bidi overrides, line breaks) taken out."""
        name = strip_invisible(self.cleaned_data["name"], keep="").strip()
        if not name:
            raise forms.ValidationError(EMPTY_NAME)
        return name

    def clean_token(self) -> str:
        """The form's token, or '' for a missing or malformed one (the letter is then simply not deduplicated)."""
        token = self.cleaned_data["token"]
        return token if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) else ""

    def clean_message(self) -> str:
        """A letter needs words, not just spaces or invisible characters."""
        message = strip_invisible(self.cleaned_data["message"]).strip()
        if not message:
            raise forms.ValidationError(EMPTY_LETTER)
        return message

    def clean_child_name(self) -> str:
        """The child's name as it shows: invisible characters taken out."""
        return strip_invisible(self.cleaned_data["child_name"], keep="").strip()

    def clean(self) -> dict:
        """A grown-up writing for a child names the child: Santa's reply greets the child, not the grown-up."""
        super().clean()
        data = self.cleaned_data
        if data.get("writer") == Writer.GROWN_UP and not data.get("child_name"):
            self.add_error("child_name", gettext("Please write the child's first name, so Santa can greet them."))
        return data


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
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80, "dir": "auto"}),
        help_text="The persona's signature in the letter's language is added below it.",
    )

    def __init__(self, *args: Any, user: User, letter: Letter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["persona"]).queryset = personas_for(user)
        if letter is not None:
            cast(forms.ModelChoiceField, self.fields["template"]).choices = template_choices(letter)


def template_choices(letter: Letter) -> list[tuple[object, object]]:
    """The template menu for one letter: its own language's templates first, as a group, then the rest."""
    first, others = templates_by_language(letter)
    groups = [(f"In {language_name(reply_language(letter))}", first)]
    if others:
        groups.append(("Other languages", others))
    return [("", "(no template)")] + [
        (label, [(template.pk, str(template)) for template in templates]) for label, templates in groups if templates
    ]


class TemplateByName(forms.ModelChoiceField):
    """A bulk reply's template: 'Thank you for your letter (to a child)', no language (each letter has its own)."""

    def label_from_instance(self, obj: ReplyTemplate) -> str:
        return f"{obj.name} ({obj.audience_words()})"


class BulkReplyForm(forms.Form):
    """Answer every selected letter with one template, signed by one persona; the elf must pick the template
    (a pre-selected one would go to every child after one careless click)."""

    persona = forms.ModelChoiceField(label="Reply as", queryset=ElfPersona.objects.none(), empty_label=None)
    template = TemplateByName(
        label="Template",
        queryset=ReplyTemplate.objects.all(),
        empty_label="(choose a template)",
        help_text="Each letter gets the template of this name in its own language. A template for children is "
        "not sent to a grown-up's letter with no child's name, nor one for grown-ups to a child's.",
        error_messages={"required": "Choose the template to send: none is picked for you."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["persona"]).queryset = personas_for(user)
        template = cast(forms.ModelChoiceField, self.fields["template"])
        template.queryset = ReplyTemplate.objects.filter(pk__in=_one_per_name()).order_by("name")


def _one_per_name() -> list[int]:
    """One template of each name: the site's language's, else one for any language, else the first. The menu
    names what is sent; each letter then gets the template of that name in its own language."""
    site = base_language(settings.LANGUAGE_CODE)
    chosen: dict[str, ReplyTemplate] = {}
    for template in ReplyTemplate.objects.only("pk", "name", "language"):
        rank = (template.language != site, template.language != "")
        best = chosen.get(template.name)
        if best is None or rank < (best.language != site, best.language != ""):
            chosen[template.name] = template
    return [template.pk for template in chosen.values()]


def template_languages(current: str = "") -> list[tuple[str, str]]:
    """The languages a reply template can be written in: the site's, by name ("German (Deutsch)"), and
    CURRENT when an older template has another; first the choice of no language in particular."""
    codes = {base_language(code) for code, _name in settings.LANGUAGES} | ({current} if current else set())
    named = sorted(((code, language_name(code)) for code in codes), key=lambda choice: choice[1])
    return [("", "Any language"), *named]


class ReplyTemplateForm(forms.ModelForm):
    """A reply template in the admin; its language picked from the site's, never typed."""

    language = forms.ChoiceField(
        required=False,
        help_text="Letters in this language see it first; one in any language is offered when theirs has none.",
    )

    class Meta:
        model = ReplyTemplate
        fields = ["name", "language", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = template_languages(
            self.instance.language if self.instance else ""
        )
