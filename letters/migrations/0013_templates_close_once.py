"""The starter templates close once: the persona's signature below each says who it is from and where.

"Thank you for your letter" (0004) and the grown-ups' "Thank you for reporting a mistake on the map" (0011) ended
"... from all of us at the North Pole", then the signature said "Love from PamElfa ... The North Pole": two
sign-offs. Their last line becomes the plain wish the other starter templates end with. A template whose last
line an elf has changed is left as it is.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

THANKS = "Thank you for your letter"
MAP_REPORT = "Thank you for reporting a mistake on the map"

# (template name, language): (the last line as 0004 or 0011 wrote it, the last line now).
CLOSINGS = {
    (THANKS, "en"): ("Merry Christmas from all of us at the North Pole", "Merry Christmas!"),
    (THANKS, "de"): ("Frohe Weihnachten von uns allen am Nordpol", "Frohe Weihnachten!"),
    (THANKS, "fr"): ("Joyeux Noël de nous tous, au pôle Nord", "Joyeux Noël !"),
    (THANKS, "es"): ("¡Feliz Navidad de parte de todos en el Polo Norte!", "¡Feliz Navidad!"),
    (THANKS, "it"): ("Buon Natale da tutti noi del Polo Nord", "Buon Natale!"),
    (THANKS, "nl"): ("Vrolijk kerstfeest van ons allemaal op de Noordpool", "Vrolijk kerstfeest!"),
    (THANKS, "pt"): ("Feliz Natal de todos nós do Polo Norte", "Feliz Natal!"),
    (THANKS, "ja"): ("ほっきょくのみんなより、メリークリスマス！", "メリークリスマス！"),
    (THANKS, "ar"): ("عيد ميلاد مجيد من جميع أصدقائك في القطب الشمالي", "عيد ميلاد مجيد!"),
    (THANKS, "pl"): ("Wesołych Świąt od nas wszystkich z bieguna północnego", "Wesołych Świąt!"),
    (MAP_REPORT, "en"): (
        "Merry Christmas to you and your family from all of us at the North Pole",
        "Merry Christmas to you and your family!",
    ),
    (MAP_REPORT, "de"): (
        "Frohe Weihnachten Ihnen und Ihrer Familie, von uns allen am Nordpol",
        "Frohe Weihnachten Ihnen und Ihrer Familie!",
    ),
    (MAP_REPORT, "fr"): (
        "Joyeux Noël à vous et à votre famille, de nous tous au pôle Nord",
        "Joyeux Noël à vous et à votre famille !",
    ),
    (MAP_REPORT, "es"): (
        "Feliz Navidad a usted y a su familia, de parte de todos en el Polo Norte",
        "¡Feliz Navidad a usted y a su familia!",
    ),
    (MAP_REPORT, "it"): (
        "Buon Natale a Lei e alla Sua famiglia da tutti noi del Polo Nord",
        "Buon Natale a Lei e alla Sua famiglia!",
    ),
    (MAP_REPORT, "nl"): (
        "Fijne kerstdagen voor u en uw gezin, van ons allemaal op de Noordpool",
        "Fijne kerstdagen voor u en uw gezin!",
    ),
    (MAP_REPORT, "pt"): (
        "Feliz Natal para você e sua família, de todos nós do Polo Norte",
        "Feliz Natal para você e sua família!",
    ),
    (MAP_REPORT, "ja"): (
        "ご家族の皆さまに、北極より心をこめてメリークリスマス",
        "ご家族の皆さまに、心をこめてメリークリスマス！",
    ),
    (MAP_REPORT, "ar"): ("عيد ميلاد مجيد لكم ولعائلتكم من جميعنا في القطب الشمالي", "عيد ميلاد مجيد لكم ولعائلتكم!"),
    (MAP_REPORT, "pl"): (
        "Wesołych Świąt dla Państwa i całej rodziny od nas wszystkich z bieguna północnego",
        "Wesołych Świąt dla Państwa i całej rodziny!",
    ),
}


def _swap_closings(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, forwards: bool) -> None:
    ReplyTemplate = apps.get_model("letters", "ReplyTemplate")
    database = schema_editor.connection.alias
    for (name, language), (before, after) in CLOSINGS.items():
        old, new = (before, after) if forwards else (after, before)
        for template in ReplyTemplate.objects.using(database).filter(name=name, language=language):
            if template.body.endswith("\n\n" + old):
                template.body = template.body.removesuffix(old) + new
                template.save(update_fields=["body"])


def close_once(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each starter template's last line as a plain wish, where it is still the one its migration wrote."""
    _swap_closings(apps, schema_editor, forwards=True)


def close_as_before(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Back to the closing lines of 0004 and 0011, where the plain wish is still there."""
    _swap_closings(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("letters", "0012_letter_form_token")]

    operations = [migrations.RunPython(close_once, close_as_before)]
