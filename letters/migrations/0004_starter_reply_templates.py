"""A handful of reply templates in each language children write in, so the elves' desk works on the first morning.

They are ordinary templates afterwards: elves edit or delete them in the admin, and running this again (or on
a database that already has a template of the same name and language) changes nothing.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

THANKS = "Thank you for your letter"
WISHES = "Your wish list arrived"
MAP_MISTAKE = "Thank you for spotting a mistake on the map"

# {name} is the writer's name and {persona} the elf signing; the persona's signature goes below each.
TEMPLATES = {
    "en": {
        THANKS: (
            "Dear {name},\n\n"
            "Thank you so much for your letter! Santa read every word of it by the fire, and it made him smile "
            "from ear to ear.\n\n"
            "Everyone here at the North Pole is busy getting ready for Christmas Eve. The reindeer are practising "
            "their take-offs, and the elves are wrapping presents as fast as they can.\n\n"
            "Be kind to the people around you, give a hand at home, and sleep well on Christmas Eve!\n\n"
            "Merry Christmas from all of us at the North Pole"
        ),
        WISHES: (
            "Dear {name},\n\n"
            "Your wish list has arrived! I put it on Santa's desk myself, right next to his mug of hot cocoa.\n\n"
            "Santa can't promise every wish, because some things don't fit in his sleigh, but he always does his "
            "very best to bring something special. And the loveliest wishes of all are the ones we make for the "
            "people we love.\n\n"
            "Stay just as you are, and have a very merry Christmas!"
        ),
        MAP_MISTAKE: (
            "Dear {name},\n\n"
            "Thank you for telling us about the mistake on Santa's map! You have sharp eyes. The elves have "
            "already fixed it, and Santa says thank you too: even at the North Pole we sometimes get things "
            "wrong.\n\n"
            "Merry Christmas!"
        ),
    },
    "de": {
        THANKS: (
            "Hallo {name},\n\n"
            "vielen Dank für deinen Brief! Der Weihnachtsmann hat ihn am Kamin Wort für Wort gelesen und sich "
            "riesig darüber gefreut.\n\n"
            "Hier am Nordpol sind alle fleißig mit den Vorbereitungen für Heiligabend beschäftigt. Die Rentiere "
            "üben das Starten, und die Wichtel packen Geschenke ein, so schnell sie können.\n\n"
            "Sei lieb zu den Menschen um dich herum, hilf ein bisschen mit zu Hause und schlaf gut an "
            "Heiligabend!\n\n"
            "Frohe Weihnachten von uns allen am Nordpol"
        ),
        WISHES: (
            "Hallo {name},\n\n"
            "dein Wunschzettel ist angekommen! Ich habe ihn selbst auf den Schreibtisch des Weihnachtsmanns "
            "gelegt, direkt neben seine Tasse heiße Schokolade.\n\n"
            "Der Weihnachtsmann kann nicht jeden Wunsch versprechen, denn manches passt einfach nicht in seinen "
            "Schlitten. Aber er gibt sich immer die größte Mühe, etwas Besonderes zu bringen. Und die schönsten "
            "Wünsche sind die für die Menschen, die wir lieb haben.\n\n"
            "Bleib so, wie du bist, und hab ein frohes Weihnachtsfest!"
        ),
        MAP_MISTAKE: (
            "Hallo {name},\n\n"
            "danke, dass du uns auf den Fehler auf der Karte des Weihnachtsmanns aufmerksam gemacht hast! Du hast "
            "wirklich gute Augen. Die Wichtel haben ihn schon verbessert, und der Weihnachtsmann sagt auch Danke: "
            "Selbst am Nordpol geht manchmal etwas schief.\n\n"
            "Frohe Weihnachten!"
        ),
    },
    "fr": {
        THANKS: (
            "Bonjour {name},\n\n"
            "Merci beaucoup pour ta lettre ! Le Père Noël l'a lue mot à mot au coin du feu, et elle lui a fait "
            "très plaisir.\n\n"
            "Ici, au pôle Nord, tout le monde prépare la nuit de Noël. Les rennes s'entraînent à décoller, et les "
            "lutins emballent les cadeaux aussi vite qu'ils le peuvent.\n\n"
            "Prends soin de ceux qui t'entourent, donne un coup de main à la maison et dors bien la nuit de "
            "Noël !\n\n"
            "Joyeux Noël de nous tous, au pôle Nord"
        ),
        WISHES: (
            "Bonjour {name},\n\n"
            "Ta liste de souhaits est bien arrivée ! Je l'ai posée moi-même sur le bureau du Père Noël, juste à "
            "côté de sa tasse de chocolat chaud.\n\n"
            "Le Père Noël ne peut pas promettre d'exaucer tous les vœux, car certaines choses ne tiennent pas dans "
            "son traîneau, mais il fait toujours de son mieux pour apporter quelque chose de spécial. Et les plus "
            "beaux vœux sont ceux que l'on fait pour les gens qu'on aime.\n\n"
            "Reste comme tu es, et passe un très joyeux Noël !"
        ),
        MAP_MISTAKE: (
            "Bonjour {name},\n\n"
            "Merci de nous avoir signalé l'erreur sur la carte du Père Noël ! Tu as l'œil. Les lutins l'ont déjà "
            "corrigée, et le Père Noël te dit merci lui aussi : même au pôle Nord, il arrive qu'on se trompe.\n\n"
            "Joyeux Noël !"
        ),
    },
    "es": {
        THANKS: (
            "¡Hola, {name}!\n\n"
            "¡Muchas gracias por tu carta! Papá Noel la leyó palabra por palabra junto a la chimenea, y le hizo "
            "muchísima ilusión.\n\n"
            "Aquí, en el Polo Norte, todos estamos muy ocupados preparando la Nochebuena. Los renos practican sus "
            "despegues y los elfos envuelven regalos tan rápido como pueden.\n\n"
            "Cuida de los tuyos, echa una mano en casa y duerme bien en Nochebuena.\n\n"
            "¡Feliz Navidad de parte de todos en el Polo Norte!"
        ),
        WISHES: (
            "¡Hola, {name}!\n\n"
            "¡Tu lista de deseos ha llegado! La dejé yo en el escritorio de Papá Noel, justo al lado de su taza "
            "de chocolate caliente.\n\n"
            "Papá Noel no puede prometer que se cumplan todos los deseos, porque algunas cosas no caben en su "
            "trineo, pero siempre hace todo lo posible por traer algo especial. Y los deseos más bonitos son los "
            "que pedimos para las personas que queremos.\n\n"
            "No cambies nunca, ¡y que pases una Navidad muy feliz!"
        ),
        MAP_MISTAKE: (
            "¡Hola, {name}!\n\n"
            "¡Gracias por avisarnos del error en el mapa de Papá Noel! Tienes muy buena vista. Los elfos ya lo han "
            "corregido, y Papá Noel también te da las gracias: hasta en el Polo Norte nos equivocamos a veces.\n\n"
            "¡Feliz Navidad!"
        ),
    },
    "it": {
        THANKS: (
            "Ciao {name},\n\n"
            "grazie mille per la tua letterina! Babbo Natale l'ha letta parola per parola davanti al camino, e "
            "gli ha fatto tanto piacere.\n\n"
            "Qui al Polo Nord siamo tutti impegnatissimi con i preparativi per la Vigilia di Natale. Le renne si "
            "allenano a decollare e gli elfi incartano i regali più in fretta che possono.\n\n"
            "Sii gentile con chi ti sta intorno, dai una mano a casa e dormi bene la notte della Vigilia!\n\n"
            "Buon Natale da tutti noi del Polo Nord"
        ),
        WISHES: (
            "Ciao {name},\n\n"
            "la tua lista dei desideri è arrivata! L'ho messa io sulla scrivania di Babbo Natale, proprio "
            "accanto alla sua tazza di cioccolata calda.\n\n"
            "Babbo Natale non può promettere di esaudire ogni desiderio, perché alcune cose non entrano nella sua "
            "slitta, ma fa sempre del suo meglio per portare qualcosa di speciale. E i desideri più belli sono "
            "quelli per le persone a cui vogliamo bene.\n\n"
            "Resta come sei, e buon Natale!"
        ),
        MAP_MISTAKE: (
            "Ciao {name},\n\n"
            "grazie per averci segnalato l'errore sulla mappa di Babbo Natale! Hai proprio un occhio attento. "
            "Gli elfi l'hanno già corretto, e anche Babbo Natale ti ringrazia: persino al Polo Nord a volte si "
            "sbaglia.\n\n"
            "Buon Natale!"
        ),
    },
    "nl": {
        THANKS: (
            "Hallo {name},\n\n"
            "Hartelijk bedankt voor je brief! De Kerstman heeft hem bij het haardvuur woord voor woord gelezen, "
            "en hij was er ontzettend blij mee.\n\n"
            "Hier op de Noordpool is iedereen druk bezig met de voorbereidingen voor kerstavond. De rendieren "
            "oefenen het opstijgen en de elfjes pakken cadeautjes in, zo snel als ze kunnen.\n\n"
            "Wees lief voor de mensen om je heen, help een beetje mee thuis en slaap lekker op kerstavond!\n\n"
            "Vrolijk kerstfeest van ons allemaal op de Noordpool"
        ),
        WISHES: (
            "Hallo {name},\n\n"
            "Je verlanglijstje is aangekomen! Ik heb het zelf op het bureau van de Kerstman gelegd, vlak naast "
            "zijn beker warme chocolademelk.\n\n"
            "De Kerstman kan niet beloven dat elke wens uitkomt, want sommige dingen passen niet in zijn slee, "
            "maar hij doet altijd zijn uiterste best om iets bijzonders te brengen. En de mooiste wensen zijn die "
            "voor de mensen van wie we houden.\n\n"
            "Blijf zoals je bent, en fijne kerstdagen!"
        ),
        MAP_MISTAKE: (
            "Hallo {name},\n\n"
            "Bedankt dat je ons hebt laten weten dat er een fout op de kaart van de Kerstman stond! Jij hebt "
            "scherpe ogen. De elfjes hebben het al verbeterd, en de Kerstman zegt ook dankjewel: zelfs op de "
            "Noordpool gaat er weleens iets mis.\n\n"
            "Vrolijk kerstfeest!"
        ),
    },
    # Brazilian Portuguese, as most children writing in Portuguese do; Portugal says Pai Natal.
    "pt": {
        THANKS: (
            "Olá, {name}!\n\n"
            "Que alegria receber a sua cartinha! O Papai Noel leu cada palavra perto da lareira e ficou muito "
            "feliz.\n\n"
            "Aqui no Polo Norte, todo mundo está ocupado com os preparativos para a noite de Natal. As renas estão "
            "treinando para decolar, e os elfos estão embrulhando presentes o mais rápido que conseguem.\n\n"
            "Seja gentil com as pessoas ao seu redor, ajude um pouquinho em casa e durma bem na noite de Natal!\n\n"
            "Feliz Natal de todos nós do Polo Norte"
        ),
        WISHES: (
            "Olá, {name}!\n\n"
            "A sua lista de desejos chegou! Fui eu que a coloquei na mesa do Papai Noel, bem ao lado da caneca de "
            "chocolate quente dele.\n\n"
            "O Papai Noel não pode prometer realizar todos os desejos, porque algumas coisas não cabem no trenó, "
            "mas ele sempre faz o possível para trazer algo especial. E os desejos mais bonitos são aqueles que "
            "fazemos para as pessoas que amamos.\n\n"
            "Continue sempre assim, e tenha um Natal muito feliz!"
        ),
        MAP_MISTAKE: (
            "Olá, {name}!\n\n"
            "Que bom que você nos avisou do erro no mapa do Papai Noel! Você tem olhos de águia. Os elfos já "
            "corrigiram, e o Papai Noel também agradece: até no Polo Norte a gente às vezes se engana.\n\n"
            "Feliz Natal!"
        ),
    },
    # Mostly hiragana, so that young children can read it themselves.
    "ja": {
        THANKS: (
            "{name}さんへ\n\n"
            "おてがみ、ほんとうにありがとう！サンタさんはだんろのそばで、ひとことずつていねいによんで、"
            "とてもよろこんでいましたよ。\n\n"
            "ここ、ほっきょくでは、みんなでクリスマスイブのじゅんびにおおいそがしです。トナカイたちはそらを"
            "とぶれんしゅうをしていて、エルフたちはプレゼントをいっしょうけんめいつつんでいます。\n\n"
            "まわりの人にやさしくして、おうちのおてつだいもしてね。クリスマスイブの夜は、ぐっすりねむって"
            "ください。\n\n"
            "ほっきょくのみんなより、メリークリスマス！"
        ),
        WISHES: (
            "{name}さんへ\n\n"
            "ほしいものリスト、ちゃんととどきましたよ！サンタさんのつくえの上、あったかいココアのカップの"
            "すぐとなりに、わたしがおいておきました。\n\n"
            "そりに入らないものもあるので、サンタさんはぜんぶのねがいをかなえるとはやくそくできません。"
            "でも、いつもせいいっぱい、とくべつなものをとどけようとしています。それに、いちばんすてきな"
            "ねがいごとは、だいすきな人のためのねがいごとですね。\n\n"
            "いまのままのあなたでいてね。すてきなクリスマスを！"
        ),
        MAP_MISTAKE: (
            "{name}さんへ\n\n"
            "サンタさんのちずのまちがいをおしえてくれて、ありがとう！よく見ていてくれましたね。エルフたちが"
            "もうなおしました。サンタさんも「ありがとう」といっています。ほっきょくでも、ときどきまちがえる"
            "ことがあるんです。\n\n"
            "メリークリスマス！"
        ),
    },
    "ar": {
        THANKS: (
            "مرحبًا {name}،\n\n"
            "شكرًا جزيلًا على رسالتك الجميلة! لقد قرأها بابا نويل كلمةً كلمةً بجانب المدفأة، وفرح بها كثيرًا.\n\n"
            "هنا في القطب الشمالي، الجميع مشغولون بالتحضير لليلة عيد الميلاد. حيوانات الرنّة تتدرّب على "
            "الطيران، والأقزام يغلّفون الهدايا بأسرع ما يمكنهم.\n\n"
            "اللطف مع من حولك ومساعدة أهلك في البيت من أجمل الهدايا. ونتمنى لك نومًا هانئًا في ليلة عيد "
            "الميلاد!\n\n"
            "عيد ميلاد مجيد من جميع أصدقائك في القطب الشمالي"
        ),
        WISHES: (
            "مرحبًا {name}،\n\n"
            "وصلت قائمة أمنياتك! وضعتها بنفسي على مكتب بابا نويل، بجانب كوب الشوكولاتة الساخنة.\n\n"
            "لا يستطيع بابا نويل أن يعد بتحقيق كل الأمنيات، فبعض الأشياء لا تتسع لها مزلجته، لكنه يبذل دائمًا "
            "كل جهده ليُحضر شيئًا مميزًا. وأجمل الأمنيات هي تلك التي نتمناها لمن نحبهم.\n\n"
            "عيد ميلاد مجيد!"
        ),
        MAP_MISTAKE: (
            "مرحبًا {name}،\n\n"
            "شكرًا لأنك أخبرتنا بالخطأ في خريطة بابا نويل! عيناك حادتان حقًا. لقد أصلحه الأقزام، وبابا نويل "
            "يشكرك أيضًا: حتى في القطب الشمالي نخطئ أحيانًا.\n\n"
            "عيد ميلاد مجيد!"
        ),
    },
    "pl": {
        THANKS: (
            "Cześć, {name}!\n\n"
            "Bardzo dziękujemy za Twój list! Święty Mikołaj przeczytał go słowo po słowie przy kominku i bardzo "
            "się ucieszył.\n\n"
            "Tutaj, na biegunie północnym, wszyscy są zajęci przygotowaniami do Wigilii. Renifery ćwiczą starty, "
            "a elfy pakują prezenty tak szybko, jak tylko potrafią.\n\n"
            "Pomagaj w domu, dbaj o bliskich i dobrze się wyśpij w wigilijną noc!\n\n"
            "Wesołych Świąt od nas wszystkich z bieguna północnego"
        ),
        WISHES: (
            "Cześć, {name}!\n\n"
            "Twoja lista życzeń już do nas dotarła! Leży na biurku Świętego Mikołaja, tuż obok jego kubka "
            "gorącej czekolady.\n\n"
            "Święty Mikołaj nie może obiecać, że spełni każde życzenie, bo niektóre rzeczy nie zmieszczą się "
            "w jego saniach, ale zawsze bardzo się stara, żeby przynieść coś wyjątkowego. A najpiękniejsze "
            "życzenia to te, które składamy ludziom, których kochamy.\n\n"
            "Wesołych Świąt!"
        ),
        MAP_MISTAKE: (
            "Cześć, {name}!\n\n"
            "Dziękujemy za wiadomość o błędzie na mapie Świętego Mikołaja! Masz naprawdę bystre oko. Elfy już go "
            "poprawiły, a Święty Mikołaj też bardzo dziękuje: nawet na biegunie północnym zdarzają się "
            "pomyłki.\n\n"
            "Wesołych Świąt!"
        ),
    },
}


def add_templates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Each template, unless one of that name and language is already there (an elf's edit stays)."""
    ReplyTemplate = apps.get_model("letters", "ReplyTemplate")
    database = schema_editor.connection.alias
    for language, templates in TEMPLATES.items():
        for name, body in templates.items():
            ReplyTemplate.objects.using(database).get_or_create(name=name, language=language, defaults={"body": body})


def remove_templates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Remove the templates exactly as this migration wrote them; edited ones are the elves' own now."""
    ReplyTemplate = apps.get_model("letters", "ReplyTemplate")
    database = schema_editor.connection.alias
    for language, templates in TEMPLATES.items():
        for name, body in templates.items():
            ReplyTemplate.objects.using(database).filter(name=name, language=language, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0003_languages_and_signatures")]

    operations = [migrations.RunPython(add_templates, remove_templates)]
