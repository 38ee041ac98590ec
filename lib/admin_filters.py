"""List filters the admin's pages share: a filter typed into a small box, and the country filter built on it."""

from collections.abc import Callable
from typing import override

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

# A reader of typed countries: text to (ISO alpha-2 code or None, whether the text was an alias).
CountryReader = Callable[[str], tuple[str | None, bool]]


class TypedFilter(admin.SimpleListFilter):
    """A list filter typed into a small box instead of picked from hundreds of links."""

    template = "admin/typed_filter.html"
    placeholder = ""

    @override
    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return []

    @override
    def has_output(self) -> bool:
        return True

    def choices(self, changelist: ChangeList) -> list[dict]:
        # One "choice" carries what the template's small form needs: the other parameters, kept as hidden fields.
        kept = [(name, value) for name, value in changelist.params.items() if name != self.parameter_name]
        return [
            {
                "value": self.value() or "",
                "kept": kept,
                "parameter_name": self.parameter_name,
                "placeholder": self.placeholder,
                "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
            }
        ]


class CountryFilter(TypedFilter):
    """Rows in one country (a `country` field of alpha-2 codes), typed as a code or a name ('NZ', 'New Zealand');
    an unknown one matches none.

    lib imports no app, so the admin that lists it names the reader: CountryFilter.reading(resolve_country).
    """

    title = "country"
    parameter_name = "country"
    placeholder = "NZ or New Zealand"
    read_country: CountryReader

    @classmethod
    def reading(cls, read_country: CountryReader) -> type["CountryFilter"]:
        """This filter, reading what is typed with READ_COUNTRY (locations.geography.resolve_country)."""
        return type(cls.__name__, (cls,), {"read_country": staticmethod(read_country)})

    @override
    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        text = (self.value() or "").strip()
        if not text:
            return queryset
        alpha_2, _ = self.read_country(text)
        return queryset.filter(country=alpha_2) if alpha_2 else queryset.none()
