"""Reply templates that speak to grown-ups: a parent who reported a mistake on the map gets a polite answer, not
"you have sharp eyes" in a child's voice.

The starter templates of 0004 all speak to a child (the field's default, set by 0008). This adds, in each of the
ten languages, "Thank you for reporting a mistake on the map" for grown-ups: no name in the greeting (a full name
in a child's "Hallo Max Mustermann" was the complaint), the polite form (Sie, vous, usted, Lei, u, o senhor,
Pan/Pani, です・ます). Like 0004 it never overwrites a template of the same name and language.
"""

from django.db import migrations

MAP_REPORT = "Thank you for reporting a mistake on the map"

TEMPLATES = {
    "en": (
        "Hello,\n\n"
        "Thank you for letting us know about the mistake on Santa's map. You were right, and the elves have "
        "already corrected it; we are sorry for the confusion it caused.\n\n"
        "Merry Christmas to you and your family from all of us at the North Pole"
    ),
    "de": (
        "Guten Tag,\n\n"
        "vielen Dank für Ihren Hinweis auf den Fehler auf der Karte des Weihnachtsmanns. Sie hatten recht, und "
        "die Wichtel haben ihn bereits korrigiert. Bitte entschuldigen Sie die Verwirrung.\n\n"
        "Frohe Weihnachten Ihnen und Ihrer Familie, von uns allen am Nordpol"
    ),
    "fr": (
        "Bonjour,\n\n"
        "Merci de nous avoir signalé l'erreur sur la carte du Père Noël. Vous aviez raison, et les lutins l'ont "
        "déjà corrigée ; veuillez nous excuser pour la confusion.\n\n"
        "Joyeux Noël à vous et à votre famille, de nous tous au pôle Nord"
    ),
    "es": (
        "Hola:\n\n"
        "Muchas gracias por avisarnos del error en el mapa de Papá Noel. Tenía usted razón, y los elfos ya lo han "
        "corregido; disculpe la confusión.\n\n"
        "Feliz Navidad a usted y a su familia, de parte de todos en el Polo Norte"
    ),
    "it": (
        "Buongiorno,\n\n"
        "grazie per averci segnalato l'errore sulla mappa di Babbo Natale. Aveva ragione, e gli elfi l'hanno già "
        "corretto; ci scusi per la confusione.\n\n"
        "Buon Natale a Lei e alla Sua famiglia da tutti noi del Polo Nord"
    ),
    "nl": (
        "Goedendag,\n\n"
        "Hartelijk dank voor uw melding van de fout op de kaart van de Kerstman. U had gelijk, en de elfjes hebben "
        "het al verbeterd; excuses voor de verwarring.\n\n"
        "Fijne kerstdagen voor u en uw gezin, van ons allemaal op de Noordpool"
    ),
    "pt": (
        "Olá,\n\n"
        "Muito obrigado por nos avisar do erro no mapa do Papai Noel. O senhor ou a senhora tinha razão, e os "
        "elfos já corrigiram; pedimos desculpas pela confusão.\n\n"
        "Feliz Natal para você e sua família, de todos nós do Polo Norte"
    ),
    "ja": (
        "こんにちは。\n\n"
        "サンタクロースの地図の誤りをお知らせいただき、ありがとうございました。ご指摘のとおりでしたので、"
        "エルフたちがすでに修正いたしました。ご迷惑をおかけして申し訳ありません。\n\n"
        "ご家族の皆さまに、北極より心をこめてメリークリスマス"
    ),
    "ar": (
        "مرحبًا،\n\n"
        "شكرًا جزيلًا لإبلاغنا بالخطأ في خريطة بابا نويل. لقد كنتم على حق، وقد صحّحه الأقزام بالفعل، "
        "ونعتذر عن أي التباس.\n\n"
        "عيد ميلاد مجيد لكم ولعائلتكم من جميعنا في القطب الشمالي"
    ),
    "pl": (
        "Dzień dobry,\n\n"
        "dziękujemy za informację o błędzie na mapie Świętego Mikołaja. Miał Pan lub miała Pani rację, a elfy już "
        "go poprawiły; przepraszamy za zamieszanie.\n\n"
        "Wesołych Świąt dla Państwa i całej rodziny od nas wszystkich z bieguna północnego"
    ),
}


def add_templates(apps, schema_editor):
    """Each template, unless one of that name and language is already there (an elf's edit stays)."""
    ReplyTemplate = apps.get_model("letters", "ReplyTemplate")
    database = schema_editor.connection.alias
    for language, body in TEMPLATES.items():
        ReplyTemplate.objects.using(database).get_or_create(
            name=MAP_REPORT, language=language, defaults={"body": body, "audience": "grown_up"}
        )


def remove_templates(apps, schema_editor):
    """Remove the templates exactly as this migration wrote them; edited ones are the elves' own now."""
    ReplyTemplate = apps.get_model("letters", "ReplyTemplate")
    database = schema_editor.connection.alias
    for language, body in TEMPLATES.items():
        ReplyTemplate.objects.using(database).filter(name=MAP_REPORT, language=language, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0010_letter_search_index")]

    operations = [migrations.RunPython(add_templates, remove_templates)]
