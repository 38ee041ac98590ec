"""The admin site: Django's, except that no list page answers 500 to a query string someone typed or mangled.

Django's changelist turns most bad lookups into a redirect to "?e=1", but not all: a list filter given a
value its field cannot hold (/admin/locations/stop/?revision=abc), a number too big for the database
(?id__in=99999999999999999999) or a year too big for a date (?received__year=99999999999999999999) raise
during the query and answer 500. Every ModelAdmin registered here gets a changelist that treats those as
the incorrect lookup parameters they are.
"""

from typing import override

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, transaction
from django.db.models import BinaryField, Model, QuerySet
from django.http import HttpRequest

# What a query string value that does not fit its field raises: ValueError (int('abc')), ValidationError
# (a bad UUID or date), OverflowError (SQLite, datetime) and DataError (PostgreSQL: out of range).
BAD_VALUE_ERRORS = (ValueError, ValidationError, OverflowError, DataError)


class CheckedChangeList(ChangeList):
    """A changelist whose bad query string values are IncorrectLookupParameters (a redirect to ?e=1)."""

    @override
    def get_queryset(self, request: HttpRequest, exclude_parameters: list[str] | None = None) -> QuerySet:
        try:
            return super().get_queryset(request, exclude_parameters)
        except BAD_VALUE_ERRORS as error:
            raise IncorrectLookupParameters(error) from error

    @override
    def get_results(self, request: HttpRequest) -> None:
        try:
            # A savepoint: PostgreSQL's refusal must not leave an open transaction (ATOMIC_REQUESTS, tests)
            # unusable for the rest of the request.
            with transaction.atomic(using=self.queryset.db):
                super().get_results(request)
        except BAD_VALUE_ERRORS as error:
            raise IncorrectLookupParameters(error) from error


# Lookups no admin page offers that make the database run a pattern someone typed: a broken one is a 500 on
# SQLite, and a costly one keeps PostgreSQL busy. Refused as any other disallowed lookup is (400).
REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


class ChecksQueryStrings(admin.ModelAdmin):
    """Mixed into every registered ModelAdmin: its list page uses CheckedChangeList and refuses lookups on raw
    bytes and REFUSED_LOOKUPS."""

    @override
    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.rsplit("__", 1)[-1] in REFUSED_LOOKUPS:
            return False
        try:
            field = self.model._meta.get_field(lookup.split("__", 1)[0])
        except FieldDoesNotExist:
            field = None
        if isinstance(field, BinaryField):
            # Raw bytes (a quarantined email) are never filtered by a value typed into a URL.
            return False
        return super().lookup_allowed(lookup, value, request)

    @override
    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return CheckedChangeList


class TrackerAdminSite(admin.AdminSite):
    """The default admin site (see tracker.apps.TrackerAdminConfig), with checked list pages for every model."""

    site_header = "Santa tracker"
    site_title = "Santa tracker admin"
    index_title = "Route and letters"

    @override
    def register(
        self,
        model_or_iterable: type[Model] | list[type[Model]],
        admin_class: type[admin.ModelAdmin] | None = None,
        **options: object,
    ) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ChecksQueryStrings):
            # Third-party and contrib admins (users, groups) too, so the rule holds for every list page.
            admin_class = type(
                admin_class.__name__, (ChecksQueryStrings, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)
