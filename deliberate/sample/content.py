"""The Dutch text of the demo consultation: question, rounds, statements and planted groups.

Every statement carries the stance of each planted group, in the order of :data:`GROUPS`:
+1 the group agrees, -1 it disagrees, values in between for a divided group.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "AGE_BANDS",
    "DESCRIPTION",
    "GROUPS",
    "NEIGHBOURHOODS",
    "QUESTION",
    "REJECTED",
    "ROOM_VIEWS",
    "ROUNDS",
    "STATEMENTS",
    "DemoGroup",
    "DemoStatement",
]

QUESTION = "Hoe maken we onze wijk groener en veiliger?"
DESCRIPTION = (
    "De gemeente wil samen met bewoners een plan maken voor een groenere en veiligere wijk. "
    "Lees de stellingen en geef aan of je het eens of oneens bent, of sla een stelling over. "
    "Je kunt ook zelf een stelling toevoegen. Aan het eind schrijven we samen een burgeradvies "
    "voor de gemeenteraad."
)

ROUNDS = (
    "Ronde 1: Wat speelt er in de wijk?",
    "Ronde 2: Welke oplossingen kiezen we?",
    "Ronde 3: Het advies toetsen",
)

NEIGHBOURHOODS = ("Noord", "Zuid", "Centrum", "De Hoven")
AGE_BANDS = ("16-25", "26-40", "41-65", "65+")


class DemoGroup(NamedTuple):
    """A planted opinion group: its name, share of participants and typical age bands."""

    name: str
    share: float
    age_weights: tuple[float, float, float, float]


GROUPS = (
    DemoGroup("Groen en autoluw", 0.40, (0.15, 0.40, 0.35, 0.10)),
    DemoGroup("Bereikbaar met de auto", 0.33, (0.05, 0.30, 0.45, 0.20)),
    DemoGroup("Rust en veiligheid", 0.21, (0.02, 0.13, 0.35, 0.50)),
    # The minority: few, but with a clear and strong view of their own.
    DemoGroup("Jongeren willen ruimte", 0.06, (0.90, 0.10, 0.0, 0.0)),
)


class DemoStatement(NamedTuple):
    """A demo statement: text, round (1-based), seeded by the facilitator, stances per group."""

    text: str
    round: int
    seeded: bool
    stances: tuple[float, float, float, float]


STATEMENTS = (
    # Round 1: what is going on in the neighbourhood (mostly seeded by the facilitator)
    DemoStatement("Er zijn te weinig bomen in onze straten.", 1, True, (0.9, -0.2, 0.3, 0.4)),
    DemoStatement(
        "Op warme dagen is het in de wijk te heet door alle stenen.", 1, True, (0.9, 0.0, 0.5, 0.3)
    ),
    DemoStatement("Er is te weinig parkeerruimte voor bewoners.", 1, True, (-0.6, 0.9, 0.2, -0.3)),
    DemoStatement("Auto's rijden te hard in de woonstraten.", 1, True, (0.8, -0.3, 0.8, 0.0)),
    DemoStatement("Ik voel me 's avonds niet veilig op straat.", 1, True, (0.0, 0.2, 0.9, -0.6)),
    DemoStatement(
        "De straatverlichting is op veel plekken te zwak.", 1, True, (0.3, 0.4, 0.9, 0.2)
    ),
    DemoStatement("Er ligt veel zwerfafval in de wijk.", 1, True, (0.7, 0.6, 0.8, 0.2)),
    DemoStatement("Voor jongeren is er in de wijk niets te doen.", 1, True, (0.3, -0.2, -0.4, 1.0)),
    DemoStatement(
        "Ouderen kunnen nergens rustig zitten in de buitenlucht.", 1, True, (0.5, 0.1, 0.9, 0.0)
    ),
    DemoStatement(
        "Kinderen hebben te weinig plek om buiten te spelen.", 1, True, (0.8, -0.1, 0.3, 0.5)
    ),
    DemoStatement("Het kruispunt bij de school is gevaarlijk.", 1, True, (0.8, 0.5, 0.9, 0.3)),
    DemoStatement(
        "Fietsers en voetgangers komen op de stoep te weinig ruimte tegen.",
        1,
        True,
        (0.8, -0.4, 0.5, 0.2),
    ),
    DemoStatement(
        "Bij de winkels is het vaak te druk met auto's.", 1, False, (0.7, -0.6, 0.4, 0.0)
    ),
    DemoStatement(
        "Overlast van hangjongeren is een groot probleem.", 1, False, (-0.1, 0.5, 0.9, -1.0)
    ),
    DemoStatement(
        "Jongeren worden te snel weggestuurd als ze samen buiten zijn.",
        1,
        False,
        (0.2, -0.4, -0.7, 1.0),
    ),
    DemoStatement("De containers voor afval staan vaak vol.", 1, False, (0.5, 0.6, 0.7, 0.1)),
    DemoStatement(
        "Er wordt in de wijk te veel hondenpoep niet opgeruimd.", 1, False, (0.5, 0.5, 0.7, -0.2)
    ),
    DemoStatement("Het park wordt slecht onderhouden.", 1, False, (0.7, 0.2, 0.6, 0.4)),
    DemoStatement(
        "Bewoners weten niet bij wie ze een probleem kunnen melden.", 1, False, (0.6, 0.6, 0.7, 0.3)
    ),
    DemoStatement(
        "De bus rijdt te weinig, dus zonder auto kom je nergens.", 1, False, (-0.3, 0.8, 0.4, 0.6)
    ),
    DemoStatement("Er is te veel verharding in de voortuinen.", 1, False, (0.8, -0.5, 0.0, -0.5)),
    DemoStatement("Inbraken in de wijk nemen toe.", 1, False, (0.0, 0.3, 0.9, -0.3)),
    DemoStatement(
        "De wijk is de laatste jaren juist fijner geworden.", 1, False, (0.2, 0.1, -0.5, 0.1)
    ),
    DemoStatement("Bestelbusjes blokkeren vaak de stoep.", 1, False, (0.6, -0.3, 0.6, 0.0)),
    DemoStatement("In de wijk is te weinig contact tussen buren.", 1, False, (0.6, 0.2, 0.6, 0.3)),
    DemoStatement("Scooters op het fietspad zijn gevaarlijk.", 1, False, (0.7, 0.1, 0.8, -0.8)),
    DemoStatement(
        "De gemeente luistert niet naar wat bewoners willen.", 1, False, (0.1, 0.6, 0.5, 0.7)
    ),
    DemoStatement("Er zijn te weinig bankjes langs de looproutes.", 1, False, (0.6, 0.2, 0.9, 0.2)),
    # Round 2: which solutions do we choose
    DemoStatement(
        "Plant in elke straat minstens vijf nieuwe bomen.", 2, True, (1.0, -0.5, 0.4, -0.4)
    ),
    DemoStatement("Maak van de hoofdstraat een 30-kilometerzone.", 2, True, (0.9, -0.8, 0.8, -0.6)),
    DemoStatement(
        "Haal parkeerplaatsen weg om ruimte te maken voor groen.", 2, True, (0.9, -1.0, 0.0, 0.2)
    ),
    DemoStatement(
        "Bouw een parkeergarage aan de rand van de wijk.", 2, True, (0.4, 0.7, 0.0, -0.2)
    ),
    DemoStatement(
        "Zet op donkere plekken betere ledverlichting neer.", 2, True, (0.5, 0.5, 1.0, 0.3)
    ),
    DemoStatement("Hang camera's op bij het winkelcentrum.", 2, True, (-0.3, 0.6, 0.9, -1.0)),
    DemoStatement(
        "Richt een overdekte jongerenplek in met wifi en sport.", 2, True, (0.4, -0.3, -0.5, 1.0)
    ),
    DemoStatement(
        "Repareer kapotte straatlantaarns binnen een week na een melding.",
        2,
        True,
        (0.8, 0.8, 0.9, 0.6),
    ),
    DemoStatement(
        "Zet meer afvalbakken neer, ook voor gescheiden afval.", 2, True, (0.8, 0.7, 0.8, 0.4)
    ),
    DemoStatement(
        "Begin een buurtpreventie-app voor elke straat.", 2, False, (0.0, 0.5, 0.9, -0.8)
    ),
    DemoStatement(
        "Laat bewoners zelf geveltuinen aanleggen met hulp van de gemeente.",
        2,
        False,
        (1.0, 0.0, 0.4, 0.2),
    ),
    DemoStatement(
        "Maak de schoolstraat autovrij tijdens het brengen en halen.",
        2,
        False,
        (0.9, -0.7, 0.6, 0.0),
    ),
    DemoStatement(
        "Geef bewoners een tweede parkeervergunning tegen een laag tarief.",
        2,
        False,
        (-0.8, 1.0, 0.1, -0.1),
    ),
    DemoStatement(
        "Leg drempels aan in straten waar te hard wordt gereden.", 2, False, (0.7, -0.6, 0.9, -0.7)
    ),
    DemoStatement(
        "Maak van het braakliggende terrein een buurtmoestuin.", 2, False, (0.9, 0.0, 0.3, -0.9)
    ),
    DemoStatement(
        "Bouw een speeltuin met toestellen voor alle leeftijden.", 2, False, (0.7, 0.1, 0.4, 0.7)
    ),
    DemoStatement(
        "Zet een trapveld en een basketbalveld in het park.", 2, False, (0.3, 0.0, -0.4, 1.0)
    ),
    DemoStatement(
        "Voer na tien uur 's avonds een samenscholingsverbod in bij het winkelcentrum.",
        2,
        False,
        (-0.4, 0.4, 0.8, -1.0),
    ),
    DemoStatement(
        "Laat jongeren zelf meebeslissen over de inrichting van het park.",
        2,
        False,
        (0.5, -0.2, -0.3, 1.0),
    ),
    DemoStatement("Zet meer handhavers op straat in de avond.", 2, False, (-0.2, 0.5, 0.9, -0.9)),
    DemoStatement(
        "Plaats bankjes in de schaduw bij het winkelcentrum.", 2, False, (0.7, 0.3, 0.9, 0.3)
    ),
    DemoStatement(
        "Organiseer elk jaar een opschoondag met de hele buurt.", 2, False, (0.8, 0.6, 0.8, 0.3)
    ),
    DemoStatement(
        "Geef voorrang aan fietsers op de route naar school.", 2, False, (0.9, -0.5, 0.6, 0.5)
    ),
    DemoStatement(
        "Laat deelauto's toe zodat minder mensen een eigen auto nodig hebben.",
        2,
        False,
        (0.9, -0.6, 0.1, 0.3),
    ),
    DemoStatement(
        "Houd de parkeerplaatsen bij de winkels gratis.", 2, False, (-0.7, 1.0, 0.2, 0.0)
    ),
    DemoStatement(
        "Vervang tegels op pleinen door gras en planten.", 2, False, (1.0, -0.3, 0.3, -0.7)
    ),
    DemoStatement(
        "Zet een buurtconciërge in die problemen snel oppakt.", 2, False, (0.6, 0.6, 0.8, 0.2)
    ),
    DemoStatement(
        "Maak een wandelroute met bankjes speciaal voor ouderen.", 2, False, (0.6, 0.2, 1.0, 0.0)
    ),
    DemoStatement("Laat de bus ook 's avonds vaker rijden.", 2, False, (0.4, 0.5, 0.6, 0.9)),
    DemoStatement(
        "Betrek jongeren bij de buurtpreventie in plaats van ze weg te sturen.",
        2,
        False,
        (0.5, 0.0, 0.2, 0.9),
    ),
)

# Submitted by participants and rejected by moderation, with the reason shown to them.
REJECTED = (
    (
        "De buurman op nummer 12 parkeert altijd op de stoep, die moet een boete krijgen.",
        "Noemt een persoon of adres. Schrijf je stelling zonder iemand aan te wijzen.",
    ),
    (
        "Die hangjongeren zijn gewoon tuig en moeten opgepakt worden.",
        "Kwetsend over een groep mensen. Je kunt het probleem beschrijven zonder te schelden.",
    ),
    (
        "Koop nu goedkope zonnepanelen via mijn website!",
        "Reclame hoort niet in dit gesprek.",
    ),
    (
        "Wie gaat er dit jaar kampioen worden in de eredivisie?",
        "Gaat niet over de vraag van dit gesprek.",
    ),
)

# What the evening in buurthuis De Hoven sees differently from the wijk as a whole: a shift added
# to every group's stance for the residents in the room (see deliberate.sample.room). The garage
# "aan de rand van de wijk" would come on the field next to De Hoven, so the people who live there
# do not want it on their doorstep; the empty lot for the community garden lies in De Hoven, and
# its neighbours would rather see vegetables there than a fence.
ROOM_VIEWS = {
    "Bouw een parkeergarage aan de rand van de wijk.": -1.0,
    "Maak van het braakliggende terrein een buurtmoestuin.": 0.6,
}
