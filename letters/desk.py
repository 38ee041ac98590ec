"""The elves' desk: making a staff user an elf with a first persona, and what waits for an elf today."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from letters.inbox import COUNT_CAP, count_up_to_cap
from letters.models import ElfPersona, Letter, PersonaSignature, Reply

ELVES_GROUP = "Elves"

# A new persona's first signatures, one per language the starter templates are written in; {persona} is its name.
# The English one is also its default, for letters in any other language. Admins edit them on the persona.
FIRST_SIGNATURES = {
    "en": "Love from {persona}, one of Santa's elves\nThe North Pole",
    "de": "Herzliche Grüße vom Nordpol\n{persona}, Wichtel beim Weihnachtsmann",
    "fr": "Grosses bises du pôle Nord,\n{persona}, lutin du Père Noël",
    "es": "Con mucho cariño desde el Polo Norte,\n{persona}, del taller de Papá Noel",
    "it": "Un abbraccio dal Polo Nord,\n{persona}, dal laboratorio di Babbo Natale",
    "nl": "Liefs van de Noordpool,\n{persona}, uit de werkplaats van de Kerstman",
    "pt": "Com carinho, do Polo Norte,\n{persona}, da oficina do Papai Noel",
    "ja": "ほっきょくより、あいをこめて\nサンタさんのエルフ {persona}",
    "ar": "مع خالص المحبة من القطب الشمالي،\n{persona}، من ورشة بابا نويل",
    "pl": "Serdeczności z bieguna północnego,\n{persona} z warsztatu Świętego Mikołaja",
}


@dataclass
class NewElf:
    """What add_elf did: the user, whether it was created (and so has no password yet), the persona if any."""

    user: AbstractBaseUser
    user_created: bool
    # False when the user was already a staff elf (a second run changes nothing).
    made_an_elf: bool
    persona: ElfPersona | None
    persona_created: bool


def add_elf(username: str, persona_name: str = "") -> NewElf:
    """Make USERNAME (created if missing, without a usable password) a staff elf who may sign as PERSONA_NAME.

    A new persona gets FIRST_SIGNATURES; an existing one is only given the new signer. Safe to repeat.
    """
    with transaction.atomic():
        user, user_created = get_user_model().objects.get_or_create(username=username)
        if user_created:
            user.set_unusable_password()
        elves = Group.objects.get(name=ELVES_GROUP)
        made_an_elf = not (user.is_staff and user.groups.filter(pk=elves.pk).exists())
        if made_an_elf:
            user.is_staff = True
            user.save()
            user.groups.add(elves)
        persona, persona_created = None, False
        if persona_name:
            persona, persona_created = ElfPersona.objects.get_or_create(
                name=persona_name, defaults={"signature": FIRST_SIGNATURES["en"].format(persona=persona_name)}
            )
            if persona_created:
                PersonaSignature.objects.bulk_create(
                    PersonaSignature(persona=persona, language=language, signature=text.format(persona=persona_name))
                    for language, text in FIRST_SIGNATURES.items()
                    if language != "en"
                )
            persona.signers.add(user)
    return NewElf(user, user_created, made_an_elf, persona, persona_created)


@dataclass
class Desk:
    """What waits for one elf: letters nobody has claimed, the elf's own claimed ones, replies that failed.

    Each count stops at COUNT_CAP + 1 (more_new and so on say so): on the night 200,000 letters may be new,
    and "1,000 or more" tells the elf as much as the exact number, for a thousandth of the reading.
    """

    new: int
    mine: int
    failed_replies: int
    may_sign: bool

    @property
    def more_new(self) -> bool:
        return self.new > COUNT_CAP

    @property
    def more_mine(self) -> bool:
        return self.mine > COUNT_CAP

    @property
    def more_failed(self) -> bool:
        return self.failed_replies > COUNT_CAP


def desk_for(user: AbstractBaseUser) -> Desk:
    """The counts the admin's home page shows an elf, for USER (each at most COUNT_CAP + 1)."""
    return Desk(
        new=count_up_to_cap(Letter.objects.filter(status=Letter.Status.NEW)),
        mine=count_up_to_cap(Letter.objects.filter(status=Letter.Status.CLAIMED, claimed_by=user)),
        failed_replies=count_up_to_cap(Reply.objects.filter(status=Reply.Status.FAILED)),
        may_sign=user.is_superuser or ElfPersona.objects.filter(signers=user).exists(),
    )
