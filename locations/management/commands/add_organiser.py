"""manage.py add_organiser USERNAME: make a staff user an organiser (the Organisers group), created if missing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

ORGANISERS_GROUP = "Organisers"


class Command(BaseCommand):
    help = (
        "Make USERNAME (created if missing, without a password) a staff user in the Organisers group: the night "
        "page, revisions, syncs, making a revision live. Not a superuser. Safe to repeat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, username: str, **options: object) -> None:
        username = username.strip()
        if not username:
            raise CommandError("Give the organiser's username.")
        with transaction.atomic():
            try:
                organisers = Group.objects.get(name=ORGANISERS_GROUP)
            except Group.DoesNotExist as missing:
                raise CommandError(f"There is no {ORGANISERS_GROUP} group: run manage.py migrate first.") from missing
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
            already = user.is_staff and user.groups.filter(pk=organisers.pk).exists()
            if not already:
                user.is_staff = True
                user.save()
                user.groups.add(organisers)
        if created:
            self.stdout.write(f"Created {username}: staff, in the {ORGANISERS_GROUP} group.")
            self.stdout.write(
                f"{username} has no password yet: set one with  python manage.py changepassword {username}"
            )
        elif already:
            self.stdout.write(
                f"{username} is already an organiser (staff, in the {ORGANISERS_GROUP} group): nothing changed."
            )
        else:
            self.stdout.write(f"Made {username} an organiser: staff, in the {ORGANISERS_GROUP} group.")
