"""The elves' admin: the inbox, a letter's page with claim and reply, bulk replies, personas and templates."""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, override

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timezone import localtime

from letters import claims
from letters.claims import LetterRefused
from letters.export import export_response
from letters.forms import BulkReplyForm, ExportForm, NightForm, ReplyForm, ReplyTemplateForm
from letters.inbox import CappedPaginator, distinct_values
from letters.intake import retry_quarantined
from letters.languages import language_name, reply_language
from letters.models import (
    PLACEHOLDERS,
    ElfPersona,
    Letter,
    OriginalEmail,
    PersonaSignature,
    QuarantinedMessage,
    Reply,
    ReplyTemplate,
    Writer,
    base_language,
)
from letters.replies import (
    compose,
    fill_template,
    personas_for,
    reply_as,
    reply_from_template,
    reply_subject,
)
from letters.search import search_letters
from letters.sending import from_header, send_again
from letters.statistics import current_night, statistics_context
from letters.voice import set_writer, suggest_writer
from lib.admin_filters import CountryFilter
from locations.geography import public_country_name, resolve_country

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec  # a type the stubs name, absent at run time

# The outcome buttons on a letter's page and in the inbox actions, and the status each sets.
OUTCOMES = {"spam": Letter.Status.SPAM, "close": Letter.Status.CLOSED}


def signed_in_user(request: HttpRequest) -> User:
    """The staff user working in the admin; PermissionDenied for anyone else (the admin lets no one else in)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def draft_key(letter_id: int) -> str:
    """Where a reply being written waits in the session between Preview and Send."""
    return f"letters:draft:{letter_id}"


class ClaimedFilter(admin.SimpleListFilter):
    """Claimed by me, by another elf, or by nobody."""

    title = "claimed"
    parameter_name = "claimed"

    @override
    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("me", "Claimed by me"), ("others", "Claimed by others"), ("nobody", "Not claimed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
        claimed = queryset.filter(status=Letter.Status.CLAIMED)
        if self.value() == "me":
            return claimed.filter(claimed_by=signed_in_user(request))
        if self.value() == "others":
            return claimed.exclude(claimed_by=signed_in_user(request))
        if self.value() == "nobody":
            return queryset.exclude(status=Letter.Status.CLAIMED)
        return queryset


class ReplyInline(admin.StackedInline):
    """The replies a letter already has, as a record (stacked: the tabular one has headers without names)."""

    model = Reply
    extra = 0
    can_delete = False
    fields = ("created", "persona", "author", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    show_change_link = True

    @override
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LanguageFilter(admin.SimpleListFilter):
    """The languages the letters are written in, by name, most letters first."""

    title = "language"
    parameter_name = "language"

    @override
    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        codes = {base_language(tag) for tag in distinct_values("language")}
        named = sorted(((code, language_name(code)) for code in codes), key=lambda choice: choice[1])
        return [*named, ("none", "Not known")]

    @override
    def queryset(self, request: HttpRequest, queryset: QuerySet[Letter]) -> QuerySet[Letter]:
        if self.value() == "none":
            return queryset.filter(language="")
        if self.value():
            # The tags stored for this base language ('pt', 'pt-br'), so the language index answers.
            tags = [tag for tag in distinct_values("language") if base_language(tag) == self.value()]
            return queryset.filter(language__in=tags)
        return queryset


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ("received_at", "sender", "excerpt", "age_years", "country_name", "language_name", "status_now")
    list_display_links = ("excerpt",)
    list_filter = ("status", ClaimedFilter, LanguageFilter, CountryFilter.reading(resolve_country), "source", "writer")
    # Searched by letters.search (get_search_results): full text on PostgreSQL; these only show the box.
    search_fields = ("sender_name", "sender_email", "subject", "text")
    list_select_related = ("claimed_by",)
    list_per_page = 50
    # At 300,000 letters counting them all took longer than the page: no "(300000 total)", no facet counts,
    # and a paginator that stops counting at letters.inbox.COUNT_CAP.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    actions = (
        "claim_selected", "release_selected", "reply_with_template", "mark_spam", "mark_closed", "export_selected",
    )  # fmt: skip
    inlines = (ReplyInline,)
    fieldsets = (
        (None, {"fields": ("status", "claimed_by", "claimed_at", "received", "source")}),
        ("From", {"fields": ("sender_name", "sender_email", "age", "country", "language")}),
        ("Letter", {"fields": ("subject", "dropped_attachments")}),
        ("Forwarded letter", {"fields": ("enclosed_from", "enclosed_date", "forwarding_note")}),
        (
            "Email headers",
            {"classes": ("collapse",), "fields": ("message_id", "message_id_reused", "references", "original")},
        ),
    )
    readonly_fields = (
        "status", "claimed_by", "claimed_at", "received", "source", "sender_name", "sender_email", "age",
        "country", "language", "subject", "dropped_attachments", "enclosed_from", "enclosed_date",
        "forwarding_note", "message_id", "message_id_reused", "references", "original",
    )  # fmt: skip

    class Media:
        css = {"all": ("letters/admin.css",)}

    @admin.display(description="received", ordering="received")
    def received_at(self, letter: Letter) -> str:
        """Day and time, short enough for a phone: '24 Dec 18:02'."""
        return date_format(localtime(letter.received), "j M H:i")

    @admin.display(description="from", ordering="sender_name")
    def sender(self, letter: Letter) -> str:
        return letter.sender_name or letter.sender_email

    @admin.display(description="letter")
    def excerpt(self, letter: Letter) -> str:
        """The subject, if any, then the start of the letter on one line."""
        text = " ".join(letter.text.split())
        return Truncator(f"{letter.subject}: {text}" if letter.subject else text).chars(110)

    @admin.display(description="original email")
    def original(self, letter: Letter) -> str:
        size = OriginalEmail.objects.filter(letter=letter).values_list(Length("raw"), flat=True).first()
        if size is None:
            return "-"
        url = reverse("admin:letters_letter_original", args=[letter.pk])
        return format_html('<a href="{}" download>Download the email as it came ({} bytes)</a>', url, size)

    @override
    def get_fieldsets(self, request: HttpRequest, obj: Letter | None = None) -> "_FieldsetSpec":
        """The forwarded letter's section only on letters that forwarded one."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.enclosed_from or obj.forwarding_note:
            return fieldsets
        return [fieldset for fieldset in fieldsets if fieldset[0] != "Forwarded letter"]

    @admin.display(description="status", ordering="status")
    def status_now(self, letter: Letter) -> str:
        """The status, and who holds a claimed letter."""
        if letter.status == Letter.Status.CLAIMED and letter.claimed_by:
            return f"Claimed by {letter.claimed_by.get_username()}"
        return letter.get_status_display()

    @admin.display(description="age", ordering="age", empty_value="")
    def age_years(self, letter: Letter) -> str:
        """The age; 'years' shows only on a phone, where the column has no header."""
        return format_html('{}<span class="on-phone"> years</span>', letter.age) if letter.age else ""

    @admin.display(description="country", ordering="country", empty_value="")
    def country_name(self, letter: Letter) -> str:
        return public_country_name(letter.country) if letter.country else ""

    @admin.display(description="language", ordering="language", empty_value="")
    def language_name(self, letter: Letter) -> str:
        return language_name(letter.language, in_itself=False)

    # Letters come from children, never from this admin; elves change them only through the actions.
    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Letter | None = None) -> bool:
        return obj is None and super().has_change_permission(request)

    @override
    def get_inlines(self, request: HttpRequest, obj: Letter | None) -> tuple[type[admin.options.InlineModelAdmin], ...]:
        """The replies' record, once there is one: an empty record would only push the details down."""
        return self.inlines if obj is not None and obj.replies.exists() else ()

    def has_reply_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("letters.add_reply")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("letters.export_letter")

    @override
    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Letter], search_term: str
    ) -> tuple[QuerySet[Letter], bool]:
        return search_letters(queryset, search_term), False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("statistics/", self.admin_site.admin_view(self.statistics_view), name="letters_letter_statistics"),
            path("export/", self.admin_site.admin_view(self.export_view), name="letters_letter_export"),
            path("<path:object_id>/act/", self.admin_site.admin_view(self.act_view), name="letters_letter_act"),
            path(
                "<path:object_id>/original/",
                self.admin_site.admin_view(self.original_view),
                name="letters_letter_original",
            ),
            *super().get_urls(),
        ]

    # --- A letter's page ------------------------------------------------------------------------

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        letter = self.get_object(request, unquote(object_id))
        if letter is not None and self.has_view_permission(request, letter):
            extra_context = {**(extra_context or {}), **self.reply_panel(request, letter)}
        return super().change_view(request, object_id, form_url, extra_context)

    def reply_panel(self, request: HttpRequest, letter: Letter) -> dict:
        """What the letter's page shows first: the letter, claim buttons, the reply form and its preview."""
        user = signed_in_user(request)
        personas = personas_for(user)
        draft = request.session.pop(draft_key(letter.pk), None) or {}
        initial = {"persona": draft.get("persona") or getattr(personas.first(), "pk", None), **draft}
        form = ReplyForm(user=user, letter=letter, initial=initial)
        preview = None
        persona = personas.filter(pk=initial["persona"]).first() if initial["persona"] else None
        if draft.get("preview") and persona:
            preview = {
                "from": from_header(persona.name),
                "to": letter.sender_email,
                "subject": reply_subject(letter),
                "body": compose(draft.get("body", ""), persona, reply_language(letter)),
            }
        mine = letter.status == Letter.Status.CLAIMED and letter.claimed_by_id == user.pk
        open_to_me = letter.status == Letter.Status.NEW or mine or user.is_superuser
        return {
            "letter": letter,
            "letter_country": public_country_name(letter.country) if letter.country else "",
            "letter_language": language_name(letter.language),
            # The status buttons only where they would work: another elf's claim is theirs to release.
            "open": letter.status in (Letter.Status.NEW, Letter.Status.CLAIMED) and open_to_me,
            "act_url": reverse("admin:letters_letter_act", args=[letter.pk]),
            "reply_form": form,
            "preview": preview,
            "can_change": self.has_change_permission(request),
            "can_reply": self.has_reply_permission(request)
            and personas.exists()
            and letter.status in (Letter.Status.NEW, Letter.Status.CLAIMED)
            and open_to_me,
            "has_personas": personas.exists(),
            "claimed_by_me": mine,
            # Who wrote it is the holder's to set, as every other change (a superuser may step in).
            "may_set_writer": letter.status != Letter.Status.CLAIMED or mine or user.is_superuser,
            "placeholders": PLACEHOLDERS,
            "suggestion": suggest_writer(letter.text),
            "writers": Writer.choices,
        }

    def original_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The letter's original email as a .eml download, for whoever may read the letter."""
        letter = self.get_object(request, unquote(object_id))
        if letter is None or not self.has_view_permission(request, letter):
            raise Http404("No such letter.")
        original = OriginalEmail.objects.filter(letter=letter).first()
        if original is None:
            raise Http404("This letter has no original email.")
        response = HttpResponse(bytes(original.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="letter-{letter.pk}.eml"'
        response["Cache-Control"] = "private, no-store"
        return response

    def act_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The buttons on a letter's page (POST only); always back to the page, with a message."""
        letter = self.get_object(request, unquote(object_id))
        if letter is None or not self.has_view_permission(request, letter):
            raise Http404("No such letter.")
        page = reverse("admin:letters_letter_change", args=[letter.pk])
        if request.method != "POST":
            return redirect(page)
        action = request.POST.get("action", "")
        try:
            if action in ("claim", "release", "spam", "close"):
                if not self.has_change_permission(request):
                    raise PermissionDenied
                self.change_status(request, letter, action)
            elif action in Writer.values:
                if not self.has_change_permission(request):
                    raise PermissionDenied
                letter = set_writer(letter.pk, action, request.POST.get("child_name", ""), signed_in_user(request))
                named = f", the child's name {letter.child_name}" if letter.child_name else ", no child's name"
                messages.success(request, f"Written by {letter.get_writer_display().lower()}{named}.")
            elif action in ("use_template", "preview", "send"):
                if not self.has_reply_permission(request):
                    raise PermissionDenied
                return self.write_reply(request, letter, action, page)
            else:
                messages.error(request, f"Unknown action {action!r}.")
        except LetterRefused as refusal:
            messages.error(request, str(refusal))
        return redirect(page)

    def change_status(self, request: HttpRequest, letter: Letter, action: str) -> None:
        """Claim, release, or mark spam or closed, under the letter's row lock."""
        if action == "claim":
            claims.claim(letter.pk, signed_in_user(request))
            messages.success(request, "You claimed this letter: no other elf can answer it now.")
        elif action == "release":
            claims.release(letter.pk, signed_in_user(request))
            messages.success(request, "Released: the letter is back in the inbox for any elf.")
        else:
            claims.set_outcome(letter.pk, signed_in_user(request), OUTCOMES[action])
            messages.success(request, f"Marked {OUTCOMES[action].label.lower()}.")

    def write_reply(self, request: HttpRequest, letter: Letter, action: str, page: str) -> HttpResponse:
        """Use a template, preview, or send; the text waits in the session so nothing typed is lost."""
        form = ReplyForm(request.POST, user=signed_in_user(request), letter=letter)
        draft: dict[str, str | bool | None] = {
            "persona": request.POST.get("persona") or None,
            "template": request.POST.get("template") or None,
            "body": request.POST.get("body", ""),
        }
        if not form.is_valid():
            request.session[draft_key(letter.pk)] = draft
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {errors[0]}")
            return redirect(page)
        persona, template, body = form.cleaned_data["persona"], form.cleaned_data["template"], form.cleaned_data["body"]
        try:
            if action == "use_template":
                if template is None:
                    messages.error(request, "Pick a template first.")
                else:
                    draft["body"] = fill_template(template.body, letter, persona, template.language)
            elif action == "preview":
                draft["preview"] = True
            else:
                reply_as(persona, letter, body, author=signed_in_user(request), template=template)
                messages.success(request, f"Reply stored and queued: it goes out as {persona.name} in a moment.")
                return redirect(page)
        except (LetterRefused, ValidationError) as refusal:
            messages.error(request, refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal))
        request.session[draft_key(letter.pk)] = draft
        return redirect(page)

    # --- Actions on the inbox -----------------------------------------------------------------

    def _each(
        self, request: HttpRequest, letters: QuerySet[Letter], verb: str, do: Callable[[int, User], Letter]
    ) -> None:
        """Apply DO to each letter, counting what worked and saying what did not."""
        user = signed_in_user(request)
        done, refused = 0, []
        for letter in letters:
            try:
                do(letter.pk, user)
                done += 1
            except LetterRefused as refusal:
                refused.append(f"{letter}: {refusal}")
        if done:
            messages.success(request, f"{verb} {done} letter{'s' if done != 1 else ''}.")
        for line in refused:
            messages.warning(request, line)

    @admin.action(description="Claim the selected letters", permissions=["change"])
    def claim_selected(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._each(request, queryset, "Claimed", claims.claim)

    @admin.action(description="Release the selected letters", permissions=["change"])
    def release_selected(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._each(request, queryset, "Released", claims.release)

    @admin.action(description="Mark the selected letters as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._each(request, queryset, "Marked as spam", lambda pk, user: claims.set_outcome(pk, user, "spam"))

    @admin.action(description="Close the selected letters (no reply needed)", permissions=["change"])
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._each(request, queryset, "Closed", lambda pk, user: claims.set_outcome(pk, user, "closed"))

    @admin.action(description="Reply to the selected letters with a template", permissions=["reply"])
    def reply_with_template(self, request: HttpRequest, queryset: QuerySet[Letter]) -> HttpResponse | None:
        """A confirmation page with persona and template; its POST queues one reply per letter."""
        user = signed_in_user(request)
        form = BulkReplyForm(request.POST if "apply" in request.POST else None, user=user)
        if form.is_valid():
            result = reply_from_template(
                queryset, form.cleaned_data["template"], form.cleaned_data["persona"], author=user
            )
            count = len(result.replies)
            messages.success(request, f"Queued {count} repl{'ies' if count != 1 else 'y'} from the template.")
            for letter, reason in result.skipped:
                messages.warning(request, f"Skipped {letter}: {reason}")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reply with a template",
            "opts": self.model._meta,
            "letters": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "has_personas": personas_for(user).exists(),
        }
        return TemplateResponse(request, "admin/letters/letter/bulk_reply.html", context)

    @admin.action(description="Export the selected letters as CSV", permissions=["export"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Letter]) -> StreamingHttpResponse:  # noqa: ARG002 (an action's signature)
        return export_response("letters", queryset, f"letters-{timezone.now():%Y%m%d-%H%M}.csv")

    def export_view(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        """The export page: letters or replies of a span of days as CSV, for staff with the export permission."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Unasked, the form offers letters of today (the site's day), so one click downloads something.
        today = timezone.localdate()
        form = ExportForm(
            request.GET if "kind" in request.GET else None, initial={"kind": "letters", "start": today, "end": today}
        )
        if form.is_valid():
            kind, start, end = form.cleaned_data["kind"], *form.span()
            rows: QuerySet[Letter] | QuerySet[Reply]
            if kind == "letters":
                rows = Letter.objects.filter(received__gte=start, received__lt=end)
            else:
                rows = Reply.objects.filter(created__gte=start, created__lt=end)
            first, last = form.cleaned_data["start"], form.cleaned_data["end"]
            return export_response(kind, rows, f"{kind}-{first:%Y%m%d}-{last:%Y%m%d}.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": "Export letters and replies",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/letters/letter/export.html", context)

    def statistics_view(self, request: HttpRequest) -> HttpResponse:
        """The night's mail: letters per hour by language and country, replies per hour, time to reply."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = NightForm(request.GET or None)
        day = form.cleaned_data["day"] if form.is_valid() and form.cleaned_data["day"] else current_night()
        context = {
            **self.admin_site.each_context(request),
            "title": f"The night of {date_format(day, 'j F Y')}",
            "opts": self.model._meta,
            "form": form,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "can_export": self.has_export_permission(request),
            **statistics_context(day),
        }
        return TemplateResponse(request, "admin/letters/letter/statistics.html", context)


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ("created", "letter", "persona", "author", "status", "attempts", "sent_at")
    list_filter = ("status", "persona", "created")
    search_fields = ("to_email", "subject", "body")
    list_select_related = ("letter", "persona", "author")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    actions = ("send_failed_again", "export_selected")
    readonly_fields = (
        "letter", "persona", "author", "template", "to_email", "subject", "body", "created", "status",
        "attempts", "last_error", "sent_at", "message_id",
    )  # fmt: skip

    # A reply is written on its letter's page and then is a record: nobody edits what was sent.
    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return obj is None and super().has_change_permission(request)

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Reply | None = None) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("letters.export_letter")

    @admin.action(description="Export the selected replies as CSV", permissions=["export"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Reply]) -> StreamingHttpResponse:  # noqa: ARG002 (an action's signature)
        return export_response("replies", queryset, f"replies-{timezone.now():%Y%m%d-%H%M}.csv")

    @admin.action(description="Send the selected failed replies again", permissions=["change"])
    def send_failed_again(self, request: HttpRequest, queryset: QuerySet[Reply]) -> None:
        queued = sum(send_again(reply.pk) for reply in queryset)
        messages.success(request, f"Queued {queued} failed repl{'ies' if queued != 1 else 'y'} to be sent again.")


class PersonaSignatureInline(admin.TabularInline):
    """The persona's signature in other languages; letters in a language not listed get the default one."""

    model = PersonaSignature
    extra = 1
    verbose_name = "signature in another language"
    verbose_name_plural = "signatures in other languages"


@admin.register(ElfPersona)
class ElfPersonaAdmin(admin.ModelAdmin):
    list_display = ("name", "signers_list", "languages")
    filter_horizontal = ("signers",)
    search_fields = ("name",)
    inlines = (PersonaSignatureInline,)

    @admin.display(description="signs in")
    def languages(self, persona: ElfPersona) -> str:
        return ", ".join(signature.language for signature in persona.signatures.all()) or "(default only)"

    @admin.display(description="may sign")
    def signers_list(self, persona: ElfPersona) -> str:
        return ", ".join(user.get_username() for user in persona.signers.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[ElfPersona]:
        return super().get_queryset(request).prefetch_related("signers", "signatures")


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateForm
    list_display = ("name", "language", "start")
    list_filter = ("language",)
    search_fields = ("name", "body")

    @admin.display(description="begins")
    def start(self, template: ReplyTemplate) -> str:
        return Truncator(template.body).chars(80)


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(admin.ModelAdmin):
    """Emails that could not be taken: read the reason and the bytes, retry once fixed, or delete."""

    list_display = ("received", "origin", "short_reason", "size", "attempts")
    list_filter = ("received",)
    search_fields = ("origin", "reason")
    date_hierarchy = "received"
    actions = ("retry_selected",)
    fields = ("received", "origin", "reason", "size", "attempts", "raw_sha256", "raw_text")
    readonly_fields = fields

    @admin.display(description="reason")
    def short_reason(self, entry: QuarantinedMessage) -> str:
        return Truncator(entry.reason).chars(120)

    @admin.display(description="the email as it came (first 20,000 characters)")
    def raw_text(self, entry: QuarantinedMessage) -> str:
        text = bytes(entry.raw[:20_000]).decode("utf-8", errors="replace")
        return format_html('<pre class="quarantined-email">{}</pre>', text)

    # The bytes are evidence: nobody edits them. Retry is the change permission; delete is its own.
    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: QuarantinedMessage | None = None) -> bool:
        return obj is None and super().has_change_permission(request)

    @admin.action(description="Retry reading the selected emails", permissions=["change"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[QuarantinedMessage]) -> None:
        for entry in queryset:
            label = f"#{entry.pk} ({entry.origin or 'no origin'})"
            intake = retry_quarantined(entry)
            if intake.outcome == "created" and intake.letter:
                messages.success(request, f"{label}: now letter {intake.letter.pk}, from {intake.letter.sender_email}.")
            elif intake.outcome in ("duplicate", "automatic"):
                messages.info(request, f"{label}: {intake.outcome}, {intake.reason}; removed from the quarantine.")
            else:
                messages.warning(request, f"{label}: still {intake.outcome}: {intake.reason}")
