"""Ingest benchmark: throughput, peak memory and re-ingest speed of ``python -m core ingest``.

What it measures, for each input kind and corpus size N:

* first ingest into a fresh SQLite store, run as a subprocess exactly as a user runs it
  (``python -m core --db sqlite:///PATH ingest --quiet DIR``): wall time (time.perf_counter),
  articles/s = stored articles (read from the printed summary line) / wall time;
* peak memory of the whole process tree (the ingest process and its worker processes): RSS
  (/proc/PID/status VmRSS) of every process in the tree, polled every 50 ms; the peak of the sum
  and the peak of the largest single process are reported. Forked workers share pages with their
  parent, so the sum over-counts shared memory: it is an upper bound;
* a second ingest of the same, unchanged files into the same store: its wall time and the
  speed-up first/second.

Kinds: ``text`` (~3 KB scraped plain-text pages spread over 20 outlet folders), ``html`` (~20 KB
full article pages: meta tags, nav, cookie banner, inline scripts, article, aside, footer) and
``mixed`` (60 % text pages, 27 % HTML pages, 3 % in RSS/Atom feeds of 25 items, 10 % in CSV and
JSONL exports of up to 1000 rows). Articles are in en, fr, de, es, ru, ar, fa, he and tr. Every
article is distinct: its sentences are drawn from a pool of news sentences, filled with
per-article names, places and numbers, and about half of their words are swapped for other words
of the same language, so that two articles share almost no word 3-shingles (as unrelated real
articles do) and near-duplicate detection finds nothing to merge. Generating the files is not
part of the measurement.

Targets from the issue (2-core machine): >= 300 plain-text articles/s, >= 50 HTML pages/s, peak
memory flat in N, re-ingest of an unchanged corpus >= 10x faster than the first ingest.

Run it from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/ingest_bench.py --sizes 1000,10000
    PYTHONPATH=. .venv/bin/python benchmarks/ingest_bench.py --kinds text --sizes 100000 --keep /tmp/corpus

Options: ``--sizes`` (default 1000,10000,100000), ``--kinds`` (default text,html,mixed),
``--keep DIR`` keeps the generated files (and the stores) in DIR instead of a deleted temporary
folder, ``--timeout SECONDS`` stops one ingest that runs longer. The default sizes include
N=100000, which takes a long time: about 10 minutes for text alone and much longer for HTML
(100000 pages of 20 KB are 2 GB of input); choose ``--sizes`` to skip it. The script exits 0
whatever it finds: it is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

TARGET_TEXT_RATE = 300.0
TARGET_HTML_RATE = 50.0
TARGET_REINGEST_SPEEDUP = 10.0
# Peak memory is called flat when the largest N needs at most this much more than the smallest.
FLAT_MEMORY_GROWTH = 1.25
POLL_SECONDS = 0.05
TEXT_PAGE_BYTES = 3000
HTML_PAGE_BYTES = 20000
EXPORT_ROWS = 1000
FEED_ITEMS = 25

# ----------------------------------------------------------------------------------------------
# Language material: a pool of news sentences per language with slots for a person {p}, a second
# person {q}, a place {pl}, an organisation {org} and numbers {n}, {m}; names, places and
# organisations; and the furniture of a scraped page in that language.
# ----------------------------------------------------------------------------------------------

LANGUAGES: dict[str, dict] = {
    "en": {
        "pool": [
            "Foreign minister {p} met his counterpart in {pl} on Tuesday to discuss the ceasefire proposal.",
            "The two delegations exchanged positions for {n} hours, according to a statement released by {org}.",
            "No agreement was announced, but officials said a new round of talks is planned for next week.",
            "Local authorities in {pl} reported that {n} families had been evacuated after the overnight strikes.",
            "{p}, a spokesperson for {org}, told reporters that the situation remained tense but under control.",
            "Analysts in {pl} warned that rising fuel prices could push inflation above {n} percent by the end of the year.",
            "The parliament approved the budget by {n} votes to {m} after a heated debate that lasted until midnight.",
            "Witnesses described long queues outside bakeries and pharmacies as the power cuts entered their second week.",
            "Opposition leader {p} called the decision a serious mistake and demanded an independent inquiry.",
            "Satellite images published on Monday show new construction near the border crossing at {pl}.",
            "The central bank left its key interest rate unchanged at {n} percent, citing uncertainty over energy markets.",
            "Humanitarian agencies said that at least {n} trucks carrying food and medicine crossed into the region.",
            "Diplomats from {n} countries are expected to attend the summit, which opens in {pl} on Thursday.",
            "In a televised address, President {p} promised to rebuild the damaged schools and hospitals within a year.",
            "Police in {pl} arrested {n} people during protests against the new pension law, the interior ministry said.",
            "{q}, who advised the government until last spring, said the plan had been drafted in a hurry.",
        ],
        "titles": [
            "{p} meets counterpart in {pl} as ceasefire talks resume",
            "{n} families evacuated from {pl} after overnight strikes",
            "Parliament approves budget after heated debate in {pl}",
            "{org} warns of food shortages around {pl}",
            "Protests in {pl}: {n} arrested over pension law",
            "Opposition leader {p} demands inquiry into border deal",
        ],
        "people": ["Daniel Harper", "Sarah Whitfield", "Michael Okafor", "Emma Lindqvist", "James Carter",
                   "Olivia Brennan", "Robert Hale", "Grace Nakamura", "Thomas Reid", "Hannah Moss",
                   "Peter Donnelly", "Laura Castillo", "Samuel Price", "Rachel Kim", "David Mensah", "Claire Holloway"],
        "places": ["Geneva", "Vienna", "Brussels", "Nairobi", "Ankara", "Doha", "Kyiv", "Cairo", "Oslo", "Warsaw",
                   "Istanbul", "Baghdad", "Amman", "Tbilisi", "Beirut", "Rome"],
        "orgs": ["the United Nations", "the Red Cross", "the World Bank", "the European Commission",
                 "the African Union", "the interior ministry"],
        "outlets": ["Capital Ledger", "Meridian Gazette", "Harbour Times"],
        "home": "Home", "sections": ["World", "Politics", "Economy", "Middle East", "Europe"],
        "share": "Share   Print   Email", "related": "Related articles",
        "comments": ["Leave a reply", "Please enter your comment!", "Please enter your name here"],
        "rights": "All rights reserved", "by": "By", "photo": "Photo",
        "cookie": "We use cookies to improve your experience and to show you relevant advertising.",
        "accept": "Accept all",
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "date": lambda d, mo: f"Published {mo[d.month - 1]} {d.day}, {d.year} {d:%H:%M}",
    },
    "fr": {
        "pool": [
            "Le ministre des Affaires étrangères {p} a rencontré son homologue à {pl} pour discuter du cessez-le-feu.",
            "Les deux délégations ont échangé leurs positions pendant {n} heures, selon un communiqué de {org}.",
            "Aucun accord n'a été annoncé, mais une nouvelle réunion est prévue la semaine prochaine.",
            "Les autorités locales de {pl} indiquent que {n} familles ont été évacuées après les frappes de la nuit.",
            "{p}, porte-parole de {org}, a déclaré aux journalistes que la situation restait tendue mais maîtrisée.",
            "Selon plusieurs économistes, la hausse des prix du carburant pourrait porter l'inflation au-delà de {n} % d'ici la fin de l'année.",
            "L'Assemblée a adopté le budget par {n} voix contre {m} après un débat houleux qui s'est prolongé jusqu'à minuit.",
            "Des témoins décrivent de longues files d'attente devant les boulangeries et les pharmacies depuis le début des coupures d'électricité.",
            "Le chef de l'opposition, {p}, a qualifié cette décision de grave erreur et réclamé une enquête indépendante.",
            "Des images satellites publiées lundi montrent de nouvelles constructions près du poste-frontière de {pl}.",
            "La banque centrale a maintenu son principal taux directeur à {n} %, invoquant l'incertitude sur les marchés de l'énergie.",
            "Les agences humanitaires affirment qu'au moins {n} camions chargés de vivres et de médicaments sont entrés dans la région.",
            "Des diplomates de {n} pays sont attendus au sommet, qui s'ouvre jeudi à {pl}.",
            "Dans une allocution télévisée, le président {p} a promis de reconstruire les écoles et les hôpitaux endommagés d'ici un an.",
            "La police de {pl} a interpellé {n} personnes lors des manifestations contre la réforme des retraites, selon le ministère de l'Intérieur.",
            "{q}, qui conseillait le gouvernement jusqu'au printemps dernier, estime que le plan a été rédigé dans la précipitation.",
        ],
        "titles": [
            "{p} rencontre son homologue à {pl} pour relancer le cessez-le-feu",
            "{n} familles évacuées à {pl} après des frappes nocturnes",
            "Budget : l'Assemblée adopte le texte après un débat houleux",
            "{org} alerte sur des pénuries alimentaires autour de {pl}",
            "Manifestations à {pl} : {n} interpellations contre la réforme des retraites",
        ],
        "people": ["Jean Moreau", "Claire Dubois", "Antoine Lefèvre", "Sophie Laurent", "Nicolas Girard",
                   "Camille Roux", "Julien Fontaine", "Isabelle Mercier", "Mathieu Chevalier", "Élodie Garnier",
                   "Pierre Lambert", "Aurélie Faure", "Thomas Bonnet", "Nathalie Rousseau", "François Blanc", "Margaux Perrin"],
        "places": ["Genève", "Bruxelles", "Dakar", "Beyrouth", "Alger", "Tunis", "Abidjan", "Bamako", "Vienne",
                   "Lyon", "Marseille", "Strasbourg", "Niamey", "Rabat", "Kinshasa", "Montréal"],
        "orgs": ["l'ONU", "la Croix-Rouge", "l'Union africaine", "la Commission européenne", "Médecins sans frontières",
                 "l'Élysée"],
        "outlets": ["L'Écho diplomatique", "Le Courrier du Matin", "La Voix du Sahel"],
        "home": "Accueil", "sections": ["International", "Politique", "Économie", "Europe"],
        "share": "Partager   Imprimer   E-mail", "related": "Articles liés",
        "comments": ["Commentaires", "Laisser un commentaire"],
        "rights": "Tous droits réservés", "by": "Par", "photo": "Photo",
        "cookie": "Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience.",
        "accept": "Tout accepter",
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                   "novembre", "décembre"],
        "date": lambda d, mo: f"Publié le {d.day} {mo[d.month - 1]} {d.year} à {d:%H}h{d:%M}",
    },
    "de": {
        "pool": [
            "Außenminister {p} traf am Dienstag seinen Amtskollegen in {pl}, um über den Waffenstillstand zu beraten.",
            "Die beiden Delegationen tauschten nach Angaben der Organisation {org} rund {n} Stunden lang ihre Positionen aus.",
            "Eine Einigung wurde nicht verkündet, doch für die kommende Woche ist eine weitere Gesprächsrunde geplant.",
            "Die Behörden in {pl} teilten mit, dass nach den nächtlichen Angriffen {n} Familien in Sicherheit gebracht wurden.",
            "{p}, Sprecher der Organisation {org}, sagte vor Journalisten, die Lage sei angespannt, aber unter Kontrolle.",
            "Ökonomen warnen, dass die steigenden Treibstoffpreise die Inflation bis zum Jahresende auf über {n} Prozent treiben könnten.",
            "Das Parlament billigte den Haushalt mit {n} zu {m} Stimmen nach einer hitzigen Debatte, die bis Mitternacht dauerte.",
            "Augenzeugen berichten von langen Schlangen vor Bäckereien und Apotheken, seit die Stromausfälle begonnen haben.",
            "Oppositionsführer {p} nannte die Entscheidung einen schweren Fehler und forderte eine unabhängige Untersuchung.",
            "Am Montag veröffentlichte Satellitenbilder zeigen neue Bauarbeiten in der Nähe des Grenzübergangs bei {pl}.",
            "Die Zentralbank beließ den Leitzins bei {n} Prozent und verwies auf die Unsicherheit an den Energiemärkten.",
            "Hilfsorganisationen zufolge haben mindestens {n} Lastwagen mit Lebensmitteln und Medikamenten die Region erreicht.",
            "Zu dem Gipfel, der am Donnerstag in {pl} beginnt, werden Diplomaten aus {n} Ländern erwartet.",
            "In einer Fernsehansprache versprach Präsident {p}, die beschädigten Schulen und Krankenhäuser innerhalb eines Jahres wieder aufzubauen.",
            "Die Polizei in {pl} nahm bei Protesten gegen die Rentenreform {n} Menschen fest, wie das Innenministerium mitteilte.",
            "{q}, der die Regierung bis zum vergangenen Frühjahr beraten hatte, sagte, der Plan sei in großer Eile entstanden.",
        ],
        "titles": [
            "{p} trifft Amtskollegen in {pl}: Gespräche über Waffenruhe gehen weiter",
            "{n} Familien nach nächtlichen Angriffen in {pl} evakuiert",
            "Parlament billigt Haushalt nach hitziger Debatte",
            "{org} warnt vor Engpässen bei Lebensmitteln rund um {pl}",
            "Proteste in {pl}: {n} Festnahmen wegen Rentenreform",
        ],
        "people": ["Thomas Müller", "Anna Schneider", "Stefan Fischer", "Katharina Weber", "Markus Wagner",
                   "Julia Becker", "Andreas Hoffmann", "Sabine Schulz", "Jörg Neumann", "Claudia Krüger",
                   "Tobias Braun", "Miriam Zimmermann", "Florian Hartmann", "Petra Lange", "Lukas Vogel", "Heike Schmitt"],
        "places": ["Berlin", "Wien", "Zürich", "Genf", "Brüssel", "München", "Hamburg", "Köln", "Dresden", "Leipzig",
                   "Kiew", "Ankara", "Kairo", "Warschau", "Prag", "Budapest"],
        "orgs": ["UNO", "Rotes Kreuz", "EU-Kommission", "Bundesregierung", "Weltbank", "Caritas"],
        "outlets": ["Rheinische Abendpost", "Elbe Kurier"],
        "home": "Startseite", "sections": ["Politik", "Ausland", "Wirtschaft", "Europa"],
        "share": "Teilen   Drucken   E-Mail", "related": "Mehr zum Thema",
        "comments": ["Kommentare", "Kommentar schreiben"],
        "rights": "Alle Rechte vorbehalten", "by": "Von", "photo": "Foto",
        "cookie": "Wir verwenden Cookies, um Ihnen ein besseres Nutzungserlebnis zu bieten.",
        "accept": "Alle akzeptieren",
        "months": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                   "November", "Dezember"],
        "date": lambda d, mo: f"Veröffentlicht am {d.day}. {mo[d.month - 1]} {d.year}, {d:%H:%M} Uhr",
    },
    "es": {
        "pool": [
            "El canciller {p} se reunió el martes con su homólogo en {pl} para analizar la propuesta de alto el fuego.",
            "Las dos delegaciones intercambiaron posiciones durante {n} horas, según un comunicado de {org}.",
            "No se anunció ningún acuerdo, pero está prevista una nueva ronda de conversaciones la próxima semana.",
            "Las autoridades locales de {pl} informaron de que {n} familias fueron evacuadas tras los ataques nocturnos.",
            "{p}, portavoz de {org}, dijo a los periodistas que la situación seguía siendo tensa pero bajo control.",
            "Varios economistas advierten que la subida de los combustibles podría elevar la inflación por encima del {n} por ciento a final de año.",
            "El Congreso aprobó los presupuestos por {n} votos a favor y {m} en contra tras un debate que se prolongó hasta la medianoche.",
            "Los vecinos describen largas colas frente a panaderías y farmacias desde que comenzaron los cortes de luz.",
            "El líder de la oposición, {p}, calificó la decisión de grave error y exigió una investigación independiente.",
            "Imágenes de satélite publicadas el lunes muestran nuevas obras cerca del paso fronterizo de {pl}.",
            "El banco central mantuvo el tipo de interés en el {n} por ciento, alegando incertidumbre en los mercados energéticos.",
            "Las agencias humanitarias aseguran que al menos {n} camiones con alimentos y medicinas entraron en la región.",
            "Se espera que diplomáticos de {n} países asistan a la cumbre, que se inaugura el jueves en {pl}.",
            "En un mensaje televisado, el presidente {p} prometió reconstruir las escuelas y los hospitales dañados en el plazo de un año.",
            "La policía de {pl} detuvo a {n} personas durante las protestas contra la reforma de las pensiones, según el Ministerio del Interior.",
            "{q}, que asesoró al Gobierno hasta la primavera pasada, afirmó que el plan se redactó con demasiada prisa.",
        ],
        "titles": [
            "{p} se reúne con su homólogo en {pl} para retomar el alto el fuego",
            "Evacuadas {n} familias en {pl} tras los ataques nocturnos",
            "El Congreso aprueba los presupuestos tras un debate tenso",
            "{org} alerta de escasez de alimentos en torno a {pl}",
            "Protestas en {pl}: {n} detenidos contra la reforma de las pensiones",
        ],
        "people": ["Carlos Martínez", "Lucía Fernández", "Javier Gómez", "María López", "Alejandro Ruiz",
                   "Carmen Sánchez", "Diego Torres", "Elena Navarro", "Pablo Romero", "Isabel Castro",
                   "Andrés Molina", "Laura Ortega", "Miguel Herrera", "Sofía Ramos", "Fernando Vidal", "Paula Iglesias"],
        "places": ["Madrid", "Bogotá", "Lima", "Caracas", "Buenos Aires", "Santiago", "Quito", "Ginebra", "Bruselas",
                   "Montevideo", "La Paz", "Ciudad de México", "Sevilla", "Valencia", "Barcelona", "Asunción"],
        "orgs": ["la ONU", "Cruz Roja", "la Unión Europea", "el Gobierno", "la OEA", "Cáritas"],
        "outlets": ["Heraldo Austral", "Diario del Sur"],
        "home": "Inicio", "sections": ["Internacional", "Política", "Economía"],
        "share": "Compartir   Imprimir   Enviar", "related": "Noticias relacionadas",
        "comments": ["Comentarios", "Deja un comentario"],
        "rights": "Todos los derechos reservados", "by": "Por", "photo": "Foto",
        "cookie": "Utilizamos cookies propias y de terceros para mejorar nuestros servicios.",
        "accept": "Aceptar todo",
        "months": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                   "noviembre", "diciembre"],
        "date": lambda d, mo: f"Publicado el {d.day} de {mo[d.month - 1]} de {d.year}, {d:%H:%M}",
    },
    "ru": {
        "pool": [
            "Министр иностранных дел {p} во вторник встретился со своим коллегой в городе {pl}, чтобы обсудить условия перемирия.",
            "Делегации обменивались позициями около {n} часов, говорится в заявлении организации {org}.",
            "О договорённостях не сообщалось, однако новый раунд переговоров запланирован на следующую неделю.",
            "Местные власти города {pl} сообщили, что после ночных ударов были эвакуированы {n} семей.",
            "Представитель организации {org} {p} заявил журналистам, что ситуация остаётся напряжённой, но контролируемой.",
            "Экономисты предупреждают, что рост цен на топливо может поднять инфляцию выше {n} процентов к концу года.",
            "Парламент одобрил бюджет {n} голосами против {m} после бурных дебатов, продолжавшихся до полуночи.",
            "Очевидцы рассказывают о длинных очередях у пекарен и аптек с тех пор, как начались отключения электричества.",
            "Лидер оппозиции {p} назвал это решение серьёзной ошибкой и потребовал независимого расследования.",
            "Опубликованные в понедельник спутниковые снимки показывают новое строительство у пограничного перехода возле города {pl}.",
            "Центральный банк сохранил ключевую ставку на уровне {n} процентов, сославшись на неопределённость на энергетических рынках.",
            "По данным гуманитарных организаций, в регион въехали не менее {n} грузовиков с продовольствием и лекарствами.",
            "На саммит, который откроется в четверг в городе {pl}, ожидаются дипломаты из {n} стран.",
            "В телевизионном обращении президент {p} пообещал в течение года восстановить разрушенные школы и больницы.",
            "Полиция города {pl} задержала {n} человек во время протестов против пенсионной реформы, сообщило МВД.",
            "{q}, консультировавший правительство до прошлой весны, сказал, что план составляли в большой спешке.",
        ],
        "titles": [
            "{p} встретился с коллегой в городе {pl}: переговоры о перемирии продолжаются",
            "В городе {pl} после ночных ударов эвакуированы {n} семей",
            "Парламент одобрил бюджет после бурных дебатов",
            "{org} предупреждает о нехватке продовольствия",
            "Протесты в городе {pl}: задержаны {n} человек",
        ],
        "people": ["Алексей Смирнов", "Ирина Петрова", "Дмитрий Кузнецов", "Ольга Соколова", "Сергей Попов",
                   "Наталья Волкова", "Андрей Морозов", "Елена Лебедева", "Михаил Новиков", "Татьяна Козлова",
                   "Павел Егоров", "Анна Павлова", "Игорь Васильев", "Мария Федорова", "Николай Орлов", "Светлана Зайцева"],
        "places": ["Женева", "Вена", "Минск", "Астана", "Баку", "Ереван", "Тбилиси", "Казань", "Новосибирск",
                   "Екатеринбург", "Самара", "Ташкент", "Бишкек", "Душанбе", "Стамбул", "Анкара"],
        "orgs": ["ООН", "МККК", "ОБСЕ", "ВОЗ", "МАГАТЭ", "ЮНИСЕФ"],
        "outlets": ["Невский курьер", "Волжская правда"],
        "home": "Главная", "sections": ["В мире", "Политика", "Экономика"],
        "share": "Поделиться   Печать   Отправить", "related": "Новости по теме",
        "comments": ["Комментарии", "Оставить комментарий"],
        "rights": "Все права защищены", "by": "Автор:", "photo": "Фото",
        "cookie": "Мы используем файлы cookie, чтобы сделать сайт удобнее для вас.",
        "accept": "Принять",
        "months": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                   "ноября", "декабря"],
        "date": lambda d, mo: f"Опубликовано: {d.day} {mo[d.month - 1]} {d.year}, {d:%H:%M}",
    },
    "ar": {
        "pool": [
            "التقى وزير الخارجية {p} يوم الثلاثاء نظيره في {pl} لبحث مقترح وقف إطلاق النار.",
            "وتبادل الوفدان المواقف لمدة {n} ساعات بحسب بيان صادر عن {org}.",
            "ولم يعلن عن أي اتفاق، لكن جولة جديدة من المحادثات مقررة الأسبوع المقبل.",
            "وأفادت السلطات المحلية في {pl} بأنه تم إجلاء {n} عائلة بعد الغارات الليلية.",
            "وقال {p} المتحدث باسم {org} للصحفيين إن الوضع لا يزال متوترا لكنه تحت السيطرة.",
            "ويحذر خبراء الاقتصاد من أن ارتفاع أسعار الوقود قد يدفع التضخم إلى أكثر من {n} في المئة بنهاية العام.",
            "وأقر البرلمان الموازنة بأغلبية {n} صوتا مقابل {m} بعد نقاش حاد استمر حتى منتصف الليل.",
            "ووصف شهود عيان طوابير طويلة أمام المخابز والصيدليات منذ بدء انقطاع الكهرباء.",
            "ووصف زعيم المعارضة {p} القرار بأنه خطأ جسيم وطالب بإجراء تحقيق مستقل.",
            "وتظهر صور الأقمار الصناعية التي نشرت يوم الاثنين أعمال بناء جديدة قرب معبر {pl} الحدودي.",
            "وأبقى البنك المركزي سعر الفائدة الرئيسي عند {n} في المئة مشيرا إلى الغموض في أسواق الطاقة.",
            "وقالت وكالات الإغاثة إن ما لا يقل عن {n} شاحنة محملة بالغذاء والدواء دخلت المنطقة.",
            "ومن المتوقع أن يشارك دبلوماسيون من {n} دولة في القمة التي تفتتح يوم الخميس في {pl}.",
            "وتعهد الرئيس {p} في كلمة متلفزة بإعادة بناء المدارس والمستشفيات المتضررة خلال عام.",
            "واعتقلت الشرطة في {pl} {n} شخصا خلال احتجاجات على قانون التقاعد الجديد، بحسب وزارة الداخلية.",
            "وقال {q} الذي عمل مستشارا للحكومة حتى الربيع الماضي إن الخطة أعدت على عجل.",
        ],
        "titles": [
            "{p} يلتقي نظيره في {pl} لاستئناف محادثات وقف إطلاق النار",
            "إجلاء {n} عائلة في {pl} بعد غارات ليلية",
            "البرلمان يقر الموازنة بعد نقاش حاد",
            "{org} تحذر من نقص الغذاء حول {pl}",
            "احتجاجات في {pl}: اعتقال {n} شخصا بسبب قانون التقاعد",
        ],
        "people": ["محمد العلي", "فاطمة الزهراني", "أحمد منصور", "ليلى حداد", "خالد الشامي", "مريم يوسف",
                   "عمر الحسيني", "سارة النجار", "يوسف الخطيب", "نور الهدى سالم", "حسن عبد الله", "رنا قاسم",
                   "طارق البدوي", "هدى عيسى", "سامي فرح", "دينا مراد"],
        "places": ["جنيف", "القاهرة", "عمان", "بيروت", "الدوحة", "بغداد", "دمشق", "الرياض", "تونس", "الجزائر",
                   "الرباط", "الخرطوم", "صنعاء", "طرابلس", "أربيل", "غزة"],
        "orgs": ["الأمم المتحدة", "الصليب الأحمر", "جامعة الدول العربية", "وزارة الخارجية", "منظمة الصحة العالمية",
                 "الهلال الأحمر"],
        "outlets": ["صدى المشرق", "الوطن اليوم"],
        "home": "الرئيسية", "sections": ["عربي ودولي", "سياسة", "اقتصاد"],
        "share": "شارك   طباعة", "related": "أخبار ذات صلة",
        "comments": ["التعليقات", "أضف تعليقك"],
        "rights": "جميع الحقوق محفوظة", "by": "بقلم", "photo": "تصوير",
        "cookie": "يستخدم هذا الموقع ملفات تعريف الارتباط لتحسين تجربتك.",
        "accept": "موافق",
        "months": None,
        "date": lambda d, mo: f"تاريخ النشر: {d.year}/{d.month:02d}/{d.day:02d} - {d:%H:%M}",
    },
    "fa": {
        "pool": [
            "وزیر امور خارجه {p} روز سه‌شنبه با همتای خود در {pl} دیدار و درباره پیشنهاد آتش‌بس گفت‌وگو کرد.",
            "به گزارش {org}، دو هیئت حدود {n} ساعت دیدگاه‌های خود را با یکدیگر در میان گذاشتند.",
            "هیچ توافقی اعلام نشد، اما دور تازه‌ای از گفت‌وگوها برای هفته آینده برنامه‌ریزی شده است.",
            "مقامات محلی {pl} اعلام کردند که پس از حملات شبانه {n} خانواده تخلیه شده‌اند.",
            "{p}، سخنگوی {org}، به خبرنگاران گفت که وضعیت همچنان متشنج اما تحت کنترل است.",
            "کارشناسان اقتصادی هشدار می‌دهند که افزایش قیمت سوخت می‌تواند تورم را تا پایان سال به بیش از {n} درصد برساند.",
            "مجلس بودجه را با {n} رأی موافق در برابر {m} رأی مخالف پس از بحثی داغ که تا نیمه‌شب ادامه داشت تصویب کرد.",
            "شاهدان از صف‌های طولانی در مقابل نانوایی‌ها و داروخانه‌ها از زمان آغاز قطعی برق خبر می‌دهند.",
            "{p}، رهبر مخالفان، این تصمیم را اشتباهی بزرگ خواند و خواستار تحقیقات مستقل شد.",
            "تصاویر ماهواره‌ای منتشرشده در روز دوشنبه ساخت‌وساز تازه‌ای را در نزدیکی گذرگاه مرزی {pl} نشان می‌دهد.",
            "بانک مرکزی نرخ بهره اصلی را در سطح {n} درصد ثابت نگه داشت و از بی‌ثباتی بازارهای انرژی سخن گفت.",
            "سازمان‌های امدادی می‌گویند دست‌کم {n} کامیون حامل مواد غذایی و دارو وارد منطقه شده است.",
            "انتظار می‌رود دیپلمات‌هایی از {n} کشور در این نشست که روز پنجشنبه در {pl} آغاز می‌شود شرکت کنند.",
            "رئیس‌جمهور {p} در یک سخنرانی تلویزیونی وعده داد مدارس و بیمارستان‌های آسیب‌دیده را ظرف یک سال بازسازی کند.",
            "به گفته وزارت کشور، پلیس {pl} در جریان اعتراض‌ها به قانون جدید بازنشستگی {n} نفر را بازداشت کرد.",
            "{q} که تا بهار گذشته مشاور دولت بود گفت این طرح با عجله تهیه شده است.",
        ],
        "titles": [
            "دیدار {p} با همتای خود در {pl}؛ گفت‌وگوهای آتش‌بس از سر گرفته شد",
            "تخلیه {n} خانواده در {pl} پس از حملات شبانه",
            "تصویب بودجه در مجلس پس از بحثی داغ",
            "هشدار {org} درباره کمبود مواد غذایی در {pl}",
            "اعتراض‌ها در {pl}؛ بازداشت {n} نفر",
        ],
        "people": ["علی رضایی", "مریم احمدی", "حسین کریمی", "زهرا موسوی", "محمد حسینی", "فاطمه صادقی", "رضا جعفری",
                   "سارا نوری", "مهدی رحیمی", "نرگس کاظمی", "امیر شریفی", "لیلا قاسمی", "سعید مرادی", "شیرین هاشمی",
                   "حمید طاهری", "نازنین عباسی"],
        "places": ["تهران", "مشهد", "اصفهان", "تبریز", "شیراز", "اهواز", "کرمان", "رشت", "ژنو", "وین", "دوحه",
                   "بغداد", "کابل", "باکو", "ایروان", "مسقط"],
        "orgs": ["ایرنا", "سازمان ملل", "صلیب سرخ", "وزارت خارجه", "هلال احمر", "خبرگزاری ایسنا"],
        "outlets": ["پیام شرق", "صبح ایران"],
        "home": "صفحه نخست", "sections": ["سیاست", "بین‌الملل", "اقتصاد"],
        "share": "اشتراک‌گذاری   چاپ   ارسال", "related": "اخبار مرتبط",
        "comments": ["نظرات", "نظر خود را بنویسید"],
        "rights": "کلیه حقوق محفوظ است", "by": "نویسنده:", "photo": "عکس",
        "cookie": "این وب‌سایت برای بهبود تجربه شما از کوکی استفاده می‌کند.",
        "accept": "پذیرش",
        "months": None,
        "date": None,  # Solar Hijri, written by _persian_date_line
    },
    "he": {
        "pool": [
            "שר החוץ {p} נפגש ביום שלישי עם עמיתו ב{pl} כדי לדון בהצעה להפסקת אש.",
            "שתי המשלחות החליפו עמדות במשך {n} שעות, כך לפי הודעה של {org}.",
            "לא הוכרז על הסכם, אך סבב שיחות נוסף מתוכנן לשבוע הבא.",
            "הרשויות המקומיות ב{pl} מסרו כי {n} משפחות פונו מבתיהן לאחר התקיפות הליליות.",
            "{p}, דובר {org}, אמר לעיתונאים כי המצב עדיין מתוח אך נמצא בשליטה.",
            "כלכלנים מזהירים כי עליית מחירי הדלק עלולה להעלות את האינפלציה אל מעל {n} אחוזים עד סוף השנה.",
            "הכנסת אישרה את התקציב ברוב של {n} חברי כנסת מול {m} לאחר דיון סוער שנמשך עד חצות.",
            "עדי ראייה מתארים תורים ארוכים מול מאפיות ובתי מרקחת מאז החלו הפסקות החשמל.",
            "ראש האופוזיציה {p} כינה את ההחלטה טעות חמורה ודרש להקים ועדת חקירה בלתי תלויה.",
            "תצלומי לוויין שפורסמו ביום שני מראים עבודות בנייה חדשות סמוך למעבר הגבול ב{pl}.",
            "הבנק המרכזי הותיר את הריבית ללא שינוי ברמה של {n} אחוזים, בשל אי הוודאות בשווקי האנרגיה.",
            "לדברי ארגוני הסיוע, לפחות {n} משאיות עמוסות מזון ותרופות נכנסו לאזור.",
            "דיפלומטים מ-{n} מדינות צפויים להשתתף בפסגה שתיפתח ביום חמישי ב{pl}.",
            "בנאום טלוויזיוני הבטיח הנשיא {p} לשקם בתוך שנה את בתי הספר ובתי החולים שנפגעו.",
            "המשטרה ב{pl} עצרה {n} בני אדם במהלך המחאות נגד חוק הפנסיה החדש, כך נמסר ממשרד הפנים.",
            "{q}, שייעץ לממשלה עד האביב שעבר, אמר כי התוכנית נכתבה בחיפזון רב.",
        ],
        "titles": [
            "{p} נפגש עם עמיתו ב{pl}: השיחות על הפסקת האש מתחדשות",
            "{n} משפחות פונו ב{pl} לאחר תקיפות ליליות",
            "הכנסת אישרה את התקציב אחרי דיון סוער",
            "{org} מזהיר ממחסור במזון באזור {pl}",
            "מחאות ב{pl}: {n} עצורים בהפגנות נגד חוק הפנסיה",
        ],
        "people": ["יוסי כהן", "מיכל לוי", "אבי מזרחי", "נועה פרץ", "דני ביטון", "רונית אברהם", "עמית פרידמן",
                   "שירה דהן", "אורי שפירא", "יעל גבאי", "משה אזולאי", "תמר קליין", "איתי ברק", "הדס רוזן",
                   "גיל שטרן", "ליאת אדרי"],
        "places": ["ירושלים", "תל אביב", "חיפה", "באר שבע", "אילת", "נתניה", "אשדוד", "עכו", "צפת", "טבריה",
                   "ז'נבה", "וינה", "קהיר", "עמאן", "אתונה", "ניקוסיה"],
        "orgs": ["האו\"ם", "הצלב האדום", "משרד החוץ", "משרד הביטחון", "מד\"א", "האיחוד האירופי"],
        "outlets": ["המבט", "חדשות הכרמל"],
        "home": "ראשי", "sections": ["חדשות", "בעולם", "כלכלה"],
        "share": "שתפו   הדפסה   שלחו", "related": "כתבות נוספות",
        "comments": ["תגובות", "הוסיפו תגובה"],
        "rights": "כל הזכויות שמורות", "by": "מאת", "photo": "צילום",
        "cookie": "אתר זה משתמש בעוגיות כדי לשפר את חוויית הגלישה שלכם.",
        "accept": "אישור",
        "months": None,
        "date": lambda d, mo: f"פורסם: {d.day:02d}.{d.month:02d}.{d.year} {d:%H:%M}",
    },
    "tr": {
        "pool": [
            "Dışişleri Bakanı {p}, salı günü {pl} kentinde mevkidaşıyla görüşerek ateşkes önerisini ele aldı.",
            "{org} tarafından yapılan açıklamaya göre iki heyet yaklaşık {n} saat boyunca görüş alışverişinde bulundu.",
            "Herhangi bir anlaşma açıklanmadı, ancak gelecek hafta yeni bir görüşme turu planlanıyor.",
            "{pl} yerel yetkilileri, gece saatlerindeki saldırıların ardından {n} ailenin tahliye edildiğini bildirdi.",
            "{org} sözcüsü {p}, gazetecilere yaptığı açıklamada durumun gergin olmaya devam ettiğini ancak kontrol altında olduğunu söyledi.",
            "Ekonomistler, akaryakıt fiyatlarındaki artışın yıl sonuna kadar enflasyonu yüzde {n} seviyesinin üzerine taşıyabileceği uyarısında bulunuyor.",
            "Meclis, gece yarısına kadar süren hararetli tartışmaların ardından bütçeyi {n} kabul oyuna karşı {m} ret oyuyla onayladı.",
            "Görgü tanıkları, elektrik kesintileri başladığından beri fırınların ve eczanelerin önünde uzun kuyruklar oluştuğunu anlatıyor.",
            "Muhalefet lideri {p}, kararı ciddi bir hata olarak nitelendirdi ve bağımsız bir soruşturma açılmasını talep etti.",
            "Pazartesi günü yayımlanan uydu görüntüleri, {pl} sınır kapısı yakınında yeni inşaat çalışmalarını gösteriyor.",
            "Merkez bankası, enerji piyasalarındaki belirsizliğe işaret ederek politika faizini yüzde {n} seviyesinde sabit tuttu.",
            "Yardım kuruluşlarına göre gıda ve ilaç yüklü en az {n} tır bölgeye giriş yaptı.",
            "Perşembe günü {pl} kentinde başlayacak zirveye {n} ülkeden diplomatların katılması bekleniyor.",
            "Cumhurbaşkanı {p}, televizyondan yaptığı konuşmada hasar gören okulları ve hastaneleri bir yıl içinde yeniden inşa etme sözü verdi.",
            "İçişleri Bakanlığı'nın açıklamasına göre {pl} polisi, yeni emeklilik yasasına karşı düzenlenen protestolarda {n} kişiyi gözaltına aldı.",
            "Geçen bahara kadar hükümete danışmanlık yapan {q}, planın büyük bir aceleyle hazırlandığını söyledi.",
        ],
        "titles": [
            "{p}, {pl} kentinde mevkidaşıyla görüştü: ateşkes müzakereleri yeniden başladı",
            "{pl} kentinde gece saldırılarının ardından {n} aile tahliye edildi",
            "Meclis bütçeyi hararetli tartışmaların ardından onayladı",
            "{org} uyardı: {pl} çevresinde gıda sıkıntısı büyüyor",
            "{pl} kentinde emeklilik protestoları: {n} gözaltı",
        ],
        "people": ["Mehmet Yılmaz", "Ayşe Kaya", "Mustafa Demir", "Fatma Şahin", "Ahmet Çelik", "Elif Yıldız",
                   "Emre Aydın", "Zeynep Öztürk", "Burak Arslan", "Selin Doğan", "Hakan Kılıç", "Derya Aslan",
                   "Can Polat", "Gül Erdem", "Serkan Koç", "Esra Kurt"],
        "places": ["Ankara", "İstanbul", "İzmir", "Gaziantep", "Hatay", "Trabzon", "Bursa", "Konya", "Diyarbakır",
                   "Van", "Cenevre", "Bakü", "Erbil", "Tahran", "Kahire", "Atina"],
        "orgs": ["BM", "Kızılay", "AFAD", "Dışişleri Bakanlığı", "AB Komisyonu", "NATO"],
        "outlets": ["Boğaz Postası", "Anadolu Ekspres"],
        "home": "Ana Sayfa", "sections": ["Dünya", "Politika", "Ekonomi"],
        "share": "Paylaş   Yazdır   E-posta", "related": "İlgili haberler",
        "comments": ["Yorumlar", "Yorum yapın"],
        "rights": "Tüm hakları saklıdır", "by": "Yazan:", "photo": "Fotoğraf",
        "cookie": "Sitemizde deneyiminizi iyileştirmek için çerezler kullanılmaktadır.",
        "accept": "Kabul et",
        "months": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
                   "Kasım", "Aralık"],
        "date": lambda d, mo: f"Yayınlanma: {d.day} {mo[d.month - 1]} {d.year} {d:%H:%M}",
    },
}
LANGUAGE_CODES = tuple(LANGUAGES)
RIGHT_TO_LEFT = {"ar", "fa", "he"}
_PUNCT = ".,;:!?()«»\"'؛،…"

for _code, _lang in LANGUAGES.items():
    # Words of the pool sentences (without slots and punctuation): swapped into generated
    # sentences so that no two articles share more than a few word 3-shingles.
    words = {w.strip(_PUNCT) for s in _lang["pool"] for w in s.split() if "{" not in w}
    _lang["vocab"] = sorted(w for w in words if w)


def _slug(name: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüçñáíóúßşğıİ", "aaaeeeeiioouuucnaioussgiI")
    ascii_name = name.lower().translate(table)
    ascii_name = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")
    return ascii_name


# Outlet folders (~20): each outlet publishes in one language. Non-Latin names get a Latin slug.
_LATIN_SLUGS = {"Невский курьер": "nevsky-kurier", "Волжская правда": "volzhskaya-pravda",
                "صدى المشرق": "sada-al-mashriq", "الوطن اليوم": "al-watan-al-yawm", "پیام شرق": "payam-e-shargh",
                "صبح ایران": "sobh-e-iran", "המבט": "hamabat", "חדשות הכרמל": "hadashot-hacarmel"}
OUTLETS = [(code, name, _LATIN_SLUGS.get(name) or _slug(name)) for code, lang in LANGUAGES.items() for name in lang["outlets"]]


def _persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def gregorian_to_jalali(gy: int, gm: int, gd: int) -> tuple[int, int, int]:
    days_before_month = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + days_before_month[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def date_line(code: str, moment: datetime) -> str:
    lang = LANGUAGES[code]
    if code == "fa":
        jy, jm, jd = gregorian_to_jalali(moment.year, moment.month, moment.day)
        return "تاریخ انتشار: " + _persian_digits(f"{jy}/{jm:02d}/{jd:02d} - {moment:%H:%M}")
    return lang["date"](moment, lang["months"])


# ----------------------------------------------------------------------------------------------
# Articles
# ----------------------------------------------------------------------------------------------


@dataclass
class Article:
    number: int
    language: str
    outlet: str
    outlet_slug: str
    title: str
    paragraphs: list[str]
    published: datetime
    byline: str
    section: str


def _fill(template: str, rng: random.Random, lang: dict, n: int | None = None) -> str:
    people = rng.sample(lang["people"], 2)
    return template.format(p=people[0], q=people[1], pl=rng.choice(lang["places"]), org=rng.choice(lang["orgs"]),
                           n=n if n is not None else rng.randint(2, 980), m=rng.randint(2, 300))


def _sentence(rng: random.Random, code: str, lang: dict, n: int | None = None, intact: bool = False) -> str:
    """A pool sentence with its slots filled; unless intact, about half of its words are swapped for
    other words of the language, so that sentences (and their 3-shingles) rarely repeat."""
    templates = [t for t in lang["pool"] if "{n}" in t] if n is not None else lang["pool"]
    filled = _fill(rng.choice(templates), rng, lang, n)
    if intact or rng.random() < 0.1:
        return filled
    words = filled.split()
    out = [w if rng.random() < 0.5 else rng.choice(lang["vocab"]) for w in words[:-1]]
    last = words[-1]
    out.append(last if rng.random() < 0.5 else rng.choice(lang["vocab"]) + ".")
    if not out[-1].endswith("."):
        out[-1] = out[-1].rstrip(_PUNCT) + "."
    text = " ".join(out)
    if code not in RIGHT_TO_LEFT:
        text = text[0].upper() + text[1:]
    return text


def make_article(number: int, rng_seed: int, target_bytes: int, code: str | None = None) -> Article:
    rng = random.Random(rng_seed * 1_000_003 + number)
    code = code or rng.choice(LANGUAGE_CODES)
    lang = LANGUAGES[code]
    outlet, slug = rng.choice([(name, slug) for c, name, slug in OUTLETS if c == code])
    # The lead sentence carries the article's own number: no two bodies are ever equal.
    paragraphs: list[str] = []
    size = 0
    first = True
    while size < target_bytes:
        sentences = [_sentence(rng, code, lang, n=number if first else None, intact=first)]
        first = False
        sentences += [_sentence(rng, code, lang) for _ in range(rng.randint(2, 4))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    published = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(366 * 24 * 60))
    return Article(number=number, language=code, outlet=outlet, outlet_slug=slug,
                   title=_fill(rng.choice(lang["titles"]), rng, lang), paragraphs=paragraphs, published=published,
                   byline=rng.choice(lang["people"]), section=rng.choice(lang["sections"]))


def scraped_text(article: Article, rng: random.Random) -> str:
    """A news page saved as plain text: breadcrumb, title (sometimes twice), date line, share and
    print buttons, body paragraphs, a photo credit, related headlines and the comment prompt."""
    lang = LANGUAGES[article.language]
    lines = [f"{lang['home']} › {article.section}", "", article.title, ""]
    lines += [date_line(article.language, article.published), ""]
    if rng.random() < 0.5:
        lines += [article.title, ""]
    lines += [lang["share"], ""]
    for index, paragraph in enumerate(article.paragraphs):
        lines += [paragraph, ""]
        if index == 1:
            lines += [f"{lang['photo']}: {rng.choice(lang['places'])} (AFP)", ""]
    lines += [lang["related"]]
    lines += ["• " + _fill(rng.choice(lang["titles"]), rng, lang) for _ in range(3)]
    lines += [""] + lang["comments"] + ["", f"© {article.published.year} {article.outlet}. {lang['rights']}.", ""]
    return "\n".join(lines)


_CSS = """body{margin:0;font-family:Georgia,serif;color:#1a1a1a;background:#fff}.site-header{display:flex;align-items:center;
justify-content:space-between;padding:12px 24px;border-bottom:1px solid #e5e5e5}.main-nav ul{list-style:none;display:flex;
gap:16px;margin:0;padding:0}.main-nav a{color:#333;text-decoration:none;font:600 14px/1.4 Arial,sans-serif}.story{max-width:
720px;margin:32px auto;padding:0 16px}.story h1{font-size:36px;line-height:1.15;margin:0 0 12px}.story p{font-size:19px;
line-height:1.6;margin:0 0 18px}.meta{color:#666;font:14px Arial,sans-serif;margin-bottom:24px}.share a{display:inline-block;
margin-right:8px;padding:6px 10px;border-radius:4px;background:#f2f2f2;font:12px Arial,sans-serif}.cookie-banner{position:fixed;
bottom:0;left:0;right:0;background:#222;color:#fff;padding:16px;z-index:1000}.related{max-width:720px;margin:0 auto;
border-top:4px solid #111;padding-top:12px}.site-footer{background:#111;color:#bbb;padding:32px 24px;font:13px Arial,sans-serif}
.site-footer a{color:#ddd;margin-right:12px}figure{margin:24px 0}figcaption{color:#777;font-size:13px}.ad-slot{min-height:250px;
background:#fafafa;text-align:center;margin:24px 0}@media (max-width:640px){.story h1{font-size:28px}.main-nav{display:none}}"""


def html_page(article: Article, rng: random.Random, target_bytes: int = HTML_PAGE_BYTES) -> str:
    """A full article page of about target_bytes: head with og/article meta tags, nav, cookie
    banner, inline scripts and styles, the article (h1 and paragraphs), an aside, comments, footer."""
    lang = LANGUAGES[article.language]
    code = article.language
    slug = f"{article.published:%Y/%m/%d}/{article.number}"
    site = f"https://{article.outlet_slug}.example"
    url = f"{site}/{_slug(article.section) or 'news'}/{slug}"
    iso = article.published.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    esc = _html_escape
    nav_words = lang["sections"] + [w for w in rng.sample(lang["vocab"], 14) if len(w) > 3]
    nav = "".join(f'<li class="nav-item"><a href="{site}/{_slug(w) or "s" + str(i)}" data-track="nav-{i}">{esc(w.capitalize())}</a></li>'
                  for i, w in enumerate(nav_words))
    related = []
    for i in range(8):
        headline = _fill(rng.choice(lang["titles"]), rng, lang)
        related.append((headline, f"{site}/news/{article.published:%Y/%m}/{rng.randrange(10**6)}"))
    state = {"page": {"type": "article", "id": article.number, "section": article.section, "language": code,
                      "published": iso, "author": article.byline, "paywall": False, "wordCount": sum(len(p.split()) for p in article.paragraphs)},
             "ads": {"slots": [{"id": f"div-gpt-ad-{rng.randrange(10**12)}-{i}", "sizes": [[300, 250], [728, 90]],
                                "targeting": {"pos": f"mid{i}", "section": article.section}} for i in range(6)]},
             "related": [{"title": h, "url": u, "image": f"{site}/img/{rng.randrange(10**8)}.jpg"} for h, u in related]}
    paragraphs = []
    for index, paragraph in enumerate(article.paragraphs):
        paragraphs.append(f"<p>{esc(paragraph)}</p>")
        if index == 1:
            paragraphs.append(f'<figure><img src="{site}/img/{rng.randrange(10**8)}.jpg" alt="{esc(article.title)}" '
                              f'width="720" height="405" loading="lazy"><figcaption>{esc(rng.choice(lang["places"]))} '
                              f'({lang["photo"]}: AFP)</figcaption></figure>')
        if index == 3:
            paragraphs.append('<div class="ad-slot" id="ad-mid-1"><script>googletag.cmd.push(function(){'
                              'googletag.display("ad-mid-1");});</script></div>')
    footer_links = "".join(f'<a href="{site}/page/{i}">{esc(w)}</a>' for i, w in enumerate(rng.sample(lang["vocab"], 20)))
    head = f"""<!DOCTYPE html>
<html lang="{code}"{' dir="rtl"' if code in RIGHT_TO_LEFT else ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article.title)} | {esc(article.outlet)}</title>
<meta name="description" content="{esc(article.paragraphs[0][:150])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:site_name" content="{esc(article.outlet)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{site}/img/{rng.randrange(10**8)}.jpg">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{esc(article.section)}">
<meta name="author" content="{esc(article.byline)}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="{site}/assets/main.{rng.randrange(16**8):08x}.css">
<style>{_CSS}</style>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag("js",new Date());
gtag("config","G-{rng.randrange(16**10):010X}",{{"anonymize_ip":true,"page_path":"{slug}"}});
var googletag=googletag||{{}};googletag.cmd=googletag.cmd||[];</script>
<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
 "datePublished": iso, "author": {"@type": "Person", "name": article.byline}, "publisher": {"@type": "Organization", "name": article.outlet}},
 ensure_ascii=False)}</script>
</head>
<body class="article-page lang-{code}">
<div id="cookie-banner" class="cookie-banner" role="dialog"><p>{esc(lang['cookie'])} <a href="{site}/privacy">Privacy policy</a></p>
<button class="accept" onclick="acceptCookies()">{esc(lang['accept'])}</button><button class="settings">Cookie settings</button></div>
<header class="site-header"><a class="logo" href="{site}/">{esc(article.outlet)}</a>
<nav class="main-nav" aria-label="main"><ul>{nav}</ul></nav>
<form class="search" action="{site}/search"><input type="search" name="q"><button>Search</button></form></header>
<nav class="breadcrumb"><a href="{site}/">{esc(lang['home'])}</a> › <a href="{site}/section">{esc(article.section)}</a></nav>
<main id="content">
<article class="story">
<h1>{esc(article.title)}</h1>
<div class="meta"><span class="byline">{esc(lang['by'])} {esc(article.byline)}</span> · <time datetime="{iso}">{esc(date_line(code, article.published))}</time></div>
<div class="share"><a href="https://facebook.com/sharer?u={url}">Facebook</a><a href="https://x.com/intent/tweet?url={url}">X</a><a href="https://wa.me/?text={url}">WhatsApp</a><a href="mailto:?subject={url}">Email</a></div>
{''.join(paragraphs)}
</article>
<aside class="related"><h2>{esc(lang['related'])}</h2><ul>{''.join(f'<li><a href="{u}">{esc(h)}</a></li>' for h, u in related)}</ul></aside>
<section class="comments"><h2>{esc(lang['comments'][0])}</h2><form action="{site}/comment" method="post"><textarea name="c"></textarea><button>{esc(lang['comments'][-1])}</button></form></section>
</main>
<footer class="site-footer"><nav>{footer_links}</nav><p>© {article.published.year} {esc(article.outlet)}. {esc(lang['rights'])}.</p></footer>
<script>window.__INITIAL_STATE__={json.dumps(state, ensure_ascii=False)};</script>
"""
    # Bundled scripts fill the page up to its size, as they do on real news sites.
    tail = []
    size = len(head.encode())
    i = 0
    while size < target_bytes - 200:
        ident = f"{rng.randrange(16**6):06x}"
        chunk = (f'<script>!function(e,t){{var n{ident}=e.querySelectorAll("[data-track]");for(var r=0;r<n{ident}.length;r++)'
                 f'n{ident}[r].addEventListener("click",function(o){{t.push({{event:"click_{i}",target:o.currentTarget.getAttribute("data-track"),'
                 f'ts:Date.now(),id:"{ident}"}})}})}}(document,window.dataLayer);function acceptCookies_{ident}(){{document.cookie='
                 f'"consent_{i}=1;max-age=31536000;path=/";document.getElementById("cookie-banner").remove()}}</script>\n')
        tail.append(chunk)
        size += len(chunk.encode())
        i += 1
    return head + "".join(tail) + "</body>\n</html>\n"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _rss(articles: list[Article], outlet: str, code: str) -> str:
    items = []
    for a in articles:
        body = "".join(f"<p>{_html_escape(p)}</p>" for p in a.paragraphs)
        items.append(f"<item><title>{_html_escape(a.title)}</title><link>https://feed.example/{a.number}</link>"
                     f"<guid>https://feed.example/{a.number}</guid>"
                     f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                     f"<description><![CDATA[{body}]]></description></item>\n")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{_html_escape(outlet)}</title>'
            f"<link>https://feed.example/</link><language>{code}</language><description>News</description>\n"
            + "".join(items) + "</channel></rss>\n")


def _atom(articles: list[Article], outlet: str, code: str) -> str:
    entries = []
    for a in articles:
        body = _html_escape("".join(f"<p>{_html_escape(p)}</p>" for p in a.paragraphs))
        entries.append(f"<entry><title>{_html_escape(a.title)}</title><link href=\"https://feed.example/{a.number}\"/>"
                       f"<id>urn:article:{a.number}</id><updated>{a.published:%Y-%m-%dT%H:%M:%SZ}</updated>"
                       f'<content type="html">{body}</content></entry>\n')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{code}">'
            f"<title>{_html_escape(outlet)}</title><id>urn:feed:{_slug(outlet) or code}</id>"
            f"<updated>2024-12-31T00:00:00Z</updated>\n" + "".join(entries) + "</feed>\n")


# ----------------------------------------------------------------------------------------------
# Corpora
# ----------------------------------------------------------------------------------------------


def composition(kind: str, n: int) -> dict[str, int]:
    if kind == "text":
        return {"text": n}
    if kind == "html":
        return {"html": n}
    exports = round(0.10 * n)
    feeds = round(0.03 * n)
    html = round(0.27 * n)
    return {"text": n - exports - feeds - html, "html": html, "feed": feeds, "export": exports}


def generate(kind: str, n: int, root: Path, seed: int = 7) -> dict[str, int]:
    """Write a corpus of n distinct articles under root; returns articles per input shape."""
    parts = composition(kind, n)
    number = 0
    rng = random.Random(seed)

    def next_article(target: int, code: str | None = None) -> Article:
        nonlocal number
        number += 1
        return make_article(number, seed, target, code)

    for _ in range(parts.get("text", 0)):
        a = next_article(TEXT_PAGE_BYTES - 900)
        folder = root / a.outlet_slug  # the folder name is the outlet (source) of a text page
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.published:%Y-%m-%d}-{a.number}.txt").write_text(scraped_text(a, rng), encoding="utf-8")
    for _ in range(parts.get("html", 0)):
        a = next_article(TEXT_PAGE_BYTES)
        folder = root / "html" / a.outlet_slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.published:%Y-%m-%d}-{a.number}.html").write_text(html_page(a, rng), encoding="utf-8")
    remaining = parts.get("feed", 0)
    feed_index = 0
    while remaining > 0:
        count = min(FEED_ITEMS, remaining)
        code = LANGUAGE_CODES[feed_index % len(LANGUAGE_CODES)]
        articles = [next_article(1800, code) for _ in range(count)]
        outlet = articles[0].outlet
        folder = root / "feeds"
        folder.mkdir(parents=True, exist_ok=True)
        if feed_index % 2 == 0:
            (folder / f"{articles[0].outlet_slug}-{feed_index}.rss.xml").write_text(_rss(articles, outlet, code), encoding="utf-8")
        else:
            (folder / f"{articles[0].outlet_slug}-{feed_index}.atom.xml").write_text(_atom(articles, outlet, code), encoding="utf-8")
        remaining -= count
        feed_index += 1
    total = parts.get("export", 0)
    # Exports of up to EXPORT_ROWS rows, CSV and JSONL in turn (at least one of each).
    chunk = min(EXPORT_ROWS, max(1, -(-total // 2)))
    export_index = 0
    while total > 0:
        count = min(chunk, total)
        folder = root / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        articles = [next_article(TEXT_PAGE_BYTES - 900) for _ in range(count)]
        if export_index % 2 == 0:
            with open(folder / f"media-monitoring-{export_index}.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["headline", "body", "pubDate", "link", "outlet", "lang", "category"])
                for a in articles:
                    writer.writerow([a.title, "\n".join(a.paragraphs), f"{a.published:%Y-%m-%d %H:%M}",
                                     f"https://{a.outlet_slug}.example/{a.number}", a.outlet, a.language, a.section])
        else:
            with open(folder / f"clippings-{export_index}.jsonl", "w", encoding="utf-8") as handle:
                for a in articles:
                    handle.write(json.dumps({"headline": a.title, "description": "\n".join(a.paragraphs),
                                             "datetime": f"{a.published:%Y-%m-%dT%H:%M:%SZ}",
                                             "link": f"https://{a.outlet_slug}.example/{a.number}",
                                             "site": a.outlet, "language": a.language}, ensure_ascii=False) + "\n")
        total -= count
        export_index += 1
    return parts


def corpus_files(root: Path) -> tuple[int, int]:
    count = size = 0
    for path in root.rglob("*"):
        if path.is_file():
            count += 1
            size += path.stat().st_size
    return count, size


# ----------------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------------


def _children(pid: int, by_scan: dict[int, list[int]] | None) -> list[int]:
    if by_scan is not None:
        return by_scan.get(pid, [])
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found.extend(int(c) for c in handle.read().split())
            except (FileNotFoundError, ProcessLookupError):
                continue
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def _parent_map() -> dict[int, list[int]]:
    """Children of every process, from /proc/*/stat (for kernels without /proc/PID/task/*/children)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


_HAS_CHILDREN_FILES = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def process_tree(root: int) -> list[int]:
    by_scan = None if _HAS_CHILDREN_FILES else _parent_map()
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(_children(pid, by_scan))
    return tree


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0  # exited, or a zombie (no VmRSS line)


@dataclass
class RunResult:
    seconds: float
    returncode: int | None
    stdout: str
    stderr: str
    peak_tree_mb: float = 0.0
    peak_single_mb: float = 0.0
    max_processes: int = 0
    summary: dict | None = None
    timed_out: bool = False


_SUMMARY = re.compile(r"(\d+) file\(s\): (\d+) article\(s\) stored, (\d+) merged as duplicates, (\d+) rejected"
                      r"(?:; (\d+) file\(s\) unchanged since the last ingest, skipped)?")


def run_ingest(db_url: str, paths: list[Path], timeout: float | None) -> RunResult:
    command = [sys.executable, "-m", "core", "--db", db_url, "ingest", "--quiet", *map(str, paths)]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        peaks = {"tree": 0, "single": 0, "processes": 0}
        stop = threading.Event()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err, start_new_session=True)

        def monitor() -> None:
            while not stop.is_set():
                sizes = [rss_kb(pid) for pid in process_tree(process.pid)]
                peaks["tree"] = max(peaks["tree"], sum(sizes))
                peaks["single"] = max(peaks["single"], max(sizes, default=0))
                peaks["processes"] = max(peaks["processes"], sum(1 for s in sizes if s))
                stop.wait(POLL_SECONDS)

        watcher = threading.Thread(target=monitor, daemon=True)
        watcher.start()
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        seconds = time.perf_counter() - start
        stop.set()
        watcher.join()
        out.seek(0)
        err.seek(0)
        result = RunResult(seconds=seconds, returncode=process.returncode, stdout=out.read().decode(errors="replace"),
                           stderr=err.read().decode(errors="replace"), peak_tree_mb=peaks["tree"] / 1024,
                           peak_single_mb=peaks["single"] / 1024, max_processes=peaks["processes"], timed_out=timed_out)
    match = None
    for line in result.stdout.splitlines():
        match = _SUMMARY.search(line) or match
    if match:
        files, stored, duplicates, rejected, unchanged = match.groups()
        result.summary = {"files": int(files), "stored": int(stored), "duplicates": int(duplicates),
                          "rejected": int(rejected), "unchanged": int(unchanged or 0)}
    return result


@dataclass
class Measurement:
    kind: str
    n: int
    files_on_disk: int
    megabytes_on_disk: float
    generate_seconds: float
    first: RunResult
    second: RunResult | None
    notes: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int | None:
        return self.first.summary["stored"] if self.first.summary else None

    @property
    def rate(self) -> float | None:
        return self.stored / self.first.seconds if self.stored is not None and self.first.seconds else None

    @property
    def speedup(self) -> float | None:
        if self.second is None or not self.second.seconds or self.second.summary is None:
            return None
        return self.first.seconds / self.second.seconds


def measure(kind: str, n: int, workdir: Path, keep: bool, timeout: float | None) -> Measurement:
    corpus = workdir / f"{kind}-{n}"
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    db = workdir / f"{kind}-{n}.db"
    for stale in workdir.glob(f"{kind}-{n}.db*"):
        stale.unlink()
    print(f"[{kind} N={n}] generating in {corpus} ...", flush=True)
    start = time.perf_counter()
    generate(kind, n, corpus)
    generated = time.perf_counter() - start
    files, size = corpus_files(corpus)
    print(f"[{kind} N={n}] {files} files, {size / 2**20:.0f} MB, generated in {generated:.0f} s; first ingest ...", flush=True)
    db_url = f"sqlite:///{db}"
    first = run_ingest(db_url, [corpus], timeout)
    print(f"[{kind} N={n}] first ingest: {first.seconds:.1f} s, exit {first.returncode}: {first.stdout.strip()[-300:]}", flush=True)
    second = None
    if not first.timed_out:
        second = run_ingest(db_url, [corpus], timeout)
        print(f"[{kind} N={n}] re-ingest: {second.seconds:.2f} s, exit {second.returncode}: {second.stdout.strip()[-300:]}", flush=True)
    m = Measurement(kind, n, files, size / 2**20, generated, first, second)
    _check(m, n)
    if not keep:
        shutil.rmtree(corpus, ignore_errors=True)
        for path in workdir.glob(f"{kind}-{n}.db*"):
            path.unlink()
    return m


def _check(m: Measurement, n: int) -> None:
    for label, run in (("first ingest", m.first), ("re-ingest", m.second)):
        if run is None:
            continue
        if run.timed_out:
            m.notes.append(f"{label} stopped after the --timeout of {run.seconds:.0f} s")
        if run.returncode not in (0, None):
            m.notes.append(f"{label} exited with {run.returncode}")
        if run.summary is None:
            m.notes.append(f"{label}: no summary line in the output: {run.stdout.strip()[-200:]!r}")
        problems = [line for line in run.stderr.splitlines() if line.strip()]
        if problems:
            m.notes.append(f"{label}: {len(problems)} line(s) on stderr, first: {problems[0][:300]}")
    s = m.first.summary
    if s:
        if s["files"] != m.files_on_disk:
            m.notes.append(f"first ingest saw {s['files']} file(s), {m.files_on_disk} were written")
        if s["stored"] != n:
            m.notes.append(f"first ingest stored {s['stored']} of {n} articles "
                           f"({s['duplicates']} merged as duplicates, {s['rejected']} rejected)")
    if m.second and m.second.summary and s:
        t = m.second.summary
        if t["stored"] or t["unchanged"] != s["files"]:
            m.notes.append(f"re-ingest was not a no-op: stored {t['stored']}, unchanged {t['unchanged']} of {s['files']} file(s)")


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def print_report(results: list[Measurement]) -> None:
    headers = ["kind", "N", "files", "stored", "seconds", "articles/s", "peak RSS tree MB", "peak RSS single MB",
               "re-ingest s", "speed-up"]
    rows = []
    for m in results:
        rows.append([m.kind, str(m.n), str(m.first.summary["files"] if m.first.summary else m.files_on_disk),
                     _fmt(m.stored, "d"), f"{m.first.seconds:.1f}", _fmt(m.rate, ".0f"), f"{m.first.peak_tree_mb:.0f}",
                     f"{m.first.peak_single_mb:.0f}", _fmt(m.second.seconds if m.second else None, ".2f"),
                     _fmt(m.speedup, ".1f", "-") + ("x" if m.speedup is not None else "")])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) if i > 0 else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.rjust(w) if i > 0 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print()
    extra = [m for m in results if m.second is not None]
    if extra:
        print("re-ingest peak RSS (tree / single MB): "
              + ", ".join(f"{m.kind} N={m.n}: {m.second.peak_tree_mb:.0f} / {m.second.peak_single_mb:.0f}" for m in extra))
        print("processes in the tree (max): "
              + ", ".join(f"{m.kind} N={m.n}: {m.first.max_processes}" for m in results))
        print("corpus on disk: " + ", ".join(f"{m.kind} N={m.n}: {m.megabytes_on_disk:.0f} MB" for m in results))
    for m in results:
        for note in m.notes:
            print(f"note ({m.kind} N={m.n}): {note}")
    print()
    print_targets(results)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def print_targets(results: list[Measurement]) -> None:
    by_kind: dict[str, list[Measurement]] = {}
    for m in results:
        by_kind.setdefault(m.kind, []).append(m)
    for kind, target, unit in (("text", TARGET_TEXT_RATE, "articles/s"), ("html", TARGET_HTML_RATE, "pages/s")):
        runs = [m for m in by_kind.get(kind, []) if m.rate is not None]
        if not runs:
            print(f"{kind}: not measured (target ≥ {target:.0f} {unit})")
            continue
        largest = max(runs, key=lambda m: m.n)
        others = ", ".join(f"{m.rate:.0f} at N={m.n}" for m in runs if m is not largest)
        print(f"{kind}: {largest.rate:.0f} {unit} at N={largest.n} (target ≥ {target:.0f}): {_verdict(largest.rate >= target)}"
              + (f"  [also {others}]" if others else ""))
    for m in by_kind.get("mixed", []):
        if m.rate is not None:
            print(f"mixed: {m.rate:.0f} articles/s at N={m.n} (no stated target)")
    for kind, runs in by_kind.items():
        runs = sorted(runs, key=lambda m: m.n)
        if len(runs) < 2:
            print(f"memory ({kind}): peak tree RSS {runs[0].first.peak_tree_mb:.0f} MB at N={runs[0].n}; "
                  f"flatness in N needs two sizes: not judged")
            continue
        small, large = runs[0], runs[-1]
        tree_growth = large.first.peak_tree_mb / small.first.peak_tree_mb if small.first.peak_tree_mb else float("inf")
        single_growth = large.first.peak_single_mb / small.first.peak_single_mb if small.first.peak_single_mb else float("inf")
        ok = tree_growth <= FLAT_MEMORY_GROWTH and single_growth <= FLAT_MEMORY_GROWTH
        print(f"memory ({kind}): peak tree RSS {small.first.peak_tree_mb:.0f} MB at N={small.n} -> "
              f"{large.first.peak_tree_mb:.0f} MB at N={large.n} (x{tree_growth:.2f}), largest process "
              f"{small.first.peak_single_mb:.0f} -> {large.first.peak_single_mb:.0f} MB (x{single_growth:.2f}) "
              f"(target flat in N, taken as ≤ x{FLAT_MEMORY_GROWTH}): {_verdict(ok)}")
    for kind, runs in by_kind.items():
        runs = [m for m in runs if m.speedup is not None]
        if not runs:
            print(f"re-ingest ({kind}): not measured (target ≥ {TARGET_REINGEST_SPEEDUP:.0f}x)")
            continue
        # Judged at the largest N, like throughput: at small N the fixed start-up of the command
        # (imports, about a second) is most of the re-ingest time.
        largest = max(runs, key=lambda m: m.n)
        others = ", ".join(f"{m.speedup:.1f}x at N={m.n} ({m.first.seconds:.1f} s -> {m.second.seconds:.2f} s)"
                           for m in runs if m is not largest)
        print(f"re-ingest ({kind}): {largest.speedup:.1f}x faster at N={largest.n} "
              f"({largest.first.seconds:.1f} s -> {largest.second.seconds:.2f} s) (target ≥ {TARGET_REINGEST_SPEEDUP:.0f}x): "
              f"{_verdict(largest.speedup >= TARGET_REINGEST_SPEEDUP)}" + (f"  [also {others}]" if others else ""))


def machine() -> str:
    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            total_kb = int(handle.readline().split()[1])
        memory = f", {total_kb / 2**20:.1f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"machine: {cores} core(s) ({usable} usable){memory}; Python {platform.python_version()} "
            f"({sys.executable}); {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes N, comma-separated")
    parser.add_argument("--kinds", default="text,html,mixed", help="text, html and/or mixed, comma-separated")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep the files and stores")
    parser.add_argument("--timeout", type=float, help="stop one ingest after this many seconds")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in ("text", "html", "mixed")]
    if unknown:
        parser.error(f"unknown kind(s): {', '.join(unknown)} (choose from text, html, mixed)")
    print(machine(), flush=True)
    results: list[Measurement] = []
    temporary = None
    if args.keep:
        workdir = args.keep.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        temporary = tempfile.mkdtemp(prefix="geowire-bench-")
        workdir = Path(temporary)
    try:
        for kind in kinds:
            for n in sorted(sizes):
                try:
                    results.append(measure(kind, n, workdir, bool(args.keep), args.timeout))
                except Exception as err:  # a benchmark reports and goes on
                    print(f"[{kind} N={n}] benchmark error: {type(err).__name__}: {err}", flush=True)
    except KeyboardInterrupt:
        print("interrupted: reporting what was measured", flush=True)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    print()
    print(machine())
    if results:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
