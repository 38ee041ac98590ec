"""manage.py add_elf USERNAME [--persona NAME]: make a staff user an elf, with a first persona to sign as."""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.desk import ELVES_GROUP, add_elf


class Command(BaseCommand):
    help = (
        "Make USERNAME (created if missing) a staff user in the Elves group who may sign replies as the persona "
        "given; a new persona gets a signature in each language of the starter reply templates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--persona", default="", metavar="NAME", help='the persona to sign as, e.g. "PamElfa"')

    def handle(self, *args: object, username: str, persona: str, **options: object) -> None:
        if not username.strip():
            raise CommandError("Give the elf's username.")
        try:
            elf = add_elf(username.strip(), persona.strip())
        except Group.DoesNotExist as missing:
            raise CommandError(f"There is no {ELVES_GROUP} group: run manage.py migrate first.") from missing
        name = elf.user.get_username()
        if elf.user_created:
            self.stdout.write(f"Created {name}: staff, in the {ELVES_GROUP} group.")
        elif elf.made_an_elf:
            self.stdout.write(f"Made {name} an elf: staff, in the {ELVES_GROUP} group.")
        else:
            self.stdout.write(f"{name} is already an elf (staff, in the {ELVES_GROUP} group): nothing changed.")
        if elf.persona is not None:
            made = "a new persona, with a signature in each template language" if elf.persona_created else "existing"
            self.stdout.write(f"{name} may sign as {elf.persona.name} ({made}).")
        if elf.user_created:
            self.stdout.write(f"{name} has no password yet: set one with  python manage.py changepassword {name}")
