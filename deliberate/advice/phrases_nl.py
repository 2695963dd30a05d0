"""The Dutch phrases of the advice: B1 (short sentences, common words), no English words.

``noun.*`` entries are ``singular|plural``; :meth:`Phrasebook.count` picks the right one.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PHRASES"]

PHRASES: Final[dict[str, str]] = {
    "document": "Concept-burgeradvies",
    "document.published": "Burgeradvies, versie {version} van {date}",
    "document.final": "Gepubliceerd burgeradvies",
    "number.decimal": ",",
    "noun.person": "persoon|mensen",
    "noun.participant": "deelnemer|deelnemers",
    "noun.statement": "stelling|stellingen",
    "noun.other_statement": "andere stelling|andere stellingen",
    "noun.vote": "stem|stemmen",
    "noun.round": "ronde|rondes",
    "noun.hand": "hand|handen",
    "noun.group": "groep|groepen",
    "noun.account": "account|accounts",
    "noun.meeting": "bijeenkomst|bijeenkomsten",
    "section.summary": "In het kort",
    "section.question": "Wat we vroegen en wie meedeed",
    "section.agreement": "Waar veel mensen het over eens zijn",
    "section.difference": "Waar de meningen verschillen",
    "section.minority": "Stemmen van minderheden",
    "section.room": "Waar de zaal anders stemde dan online",
    "section.representation": "Spreekt dit voor de hele wijk?",
    "section.themes": "Thema's",
    "section.method": "Hoe we te werk gingen",
    "section.conclusions": "Conclusies",
    "question": "De vraag was: “{question}”",
    "participation": (
        "{people} deden mee: {online} online en {table} aan tafels bij {meetings}. "
        "Samen gaven zij {votes} op {statements}."
    ),
    "participation.online": (
        "{people} deden mee, allemaal online. Samen gaven zij {votes} op {statements}."
    ),
    "participation.voted_online": (
        "{people} stemden online. Samen gaven zij {votes} op {statements}."
    ),
    "period": "Het gesprek liep van {first} tot en met {last}, in {rounds}.",
    "period.day": "Het gesprek was op {day}, in {rounds}.",
    "participation.channels": "Zo deden mensen mee: {list}.",
    "channel.online": "{people} online",
    "channel.session": "{people} op papier of met de telefoon bij {label}",
    "table.statements": "{statements} schreven mensen voor het eerst op aan een tafel: {list}.",
    "table.statement": "stelling {number}, “{text}” ({label})",
    "attributes": "Bij een deel van de deelnemers vroegen we ook: {names}.",
    "groups": (
        "{placed} stemden vaak genoeg om in een groep te komen. We vonden {groups} met een "
        "eigen mening: {list}."
    ),
    "groups.one": (
        "{placed} stemden vaak genoeg om in een groep te komen. De stemmen lieten geen aparte "
        "groepen met een eigen mening zien."
    ),
    "none.groups": (
        "De stemmen lieten geen aparte groepen zien. Daarom zeggen we niet wat groepen verbindt "
        "of verdeelt."
    ),
    "participation.nobody": "Nog niemand stemde op de {statements}.",
    "group.item": "{label} ({people}, {share}%)",
    "group.small": "{label} (geen cijfers, ter bescherming van minder dan {k} mensen)",
    "summary.consensus.agree": (
        "In elke groep is minstens {threshold}% het eens met stelling {number}: “{text}”."
    ),
    "summary.consensus.disagree": (
        "In elke groep is minstens {threshold}% het oneens met stelling {number}: “{text}”."
    ),
    "summary.consensus.agree.all": (
        "Minstens {threshold}% van alle stemmen is het eens met stelling {number}: “{text}”."
    ),
    "summary.consensus.disagree.all": (
        "Minstens {threshold}% van alle stemmen is het oneens met stelling {number}: “{text}”."
    ),
    "summary.broad": "Alle groepen steunen stelling {number}: “{text}”.",
    "summary.divisive": "De groepen zijn verdeeld over stelling {number}: “{text}”.",
    "summary.minority": (
        "{label}, een kleinere groep van {people}, denkt anders over stelling {number}: “{text}”."
    ),
    "summary.minority.small": "Een kleine groep denkt anders over stelling {number}: “{text}”.",
    "summary.room": (
        "Bij {label} stemde de zaal anders dan online over stelling {number}: “{text}”."
    ),
    "summary.hands": (
        "Met de handen die aan tafels werden geteld, verandert de uitkomst bij stelling {number}."
    ),
    "summary.none.unite": "Er is geen stelling waar alle groepen het duidelijk over eens zijn.",
    "summary.none.divide": "Er is geen stelling waarover de groepen duidelijk verdeeld zijn.",
    "summary.none.minority": "Geen kleinere groep wijkt duidelijk af van de rest.",
    "agreement.none": "Er zijn geen stellingen waar alle groepen het duidelijk over eens zijn.",
    "consensus.agree": (
        "{share}% is het eens met stelling {number}: “{text}” ({count} van {total}). In elke "
        "groep is minstens {threshold}% het eens: {list}.{small}"
    ),
    "consensus.disagree": (
        "{share}% is het oneens met stelling {number}: “{text}” ({count} van {total}). In elke "
        "groep is minstens {threshold}% het oneens: {list}.{small}"
    ),
    "consensus.agree.all": (
        "{share}% is het eens met stelling {number}: “{text}” ({count} van {total}). Dat is "
        "minstens {threshold}% van alle stemmen; de stemmen lieten geen aparte groepen zien."
    ),
    "consensus.disagree.all": (
        "{share}% is het oneens met stelling {number}: “{text}” ({count} van {total}). Dat is "
        "minstens {threshold}% van alle stemmen; de stemmen lieten geen aparte groepen zien."
    ),
    "agreement.none.all": (
        "De stemmen lieten geen aparte groepen zien. Over geen stelling koos duidelijk minstens "
        "{threshold}% van alle stemmen dezelfde kant."
    ),
    "broad": (
        "Stelling {number} is breed gedragen: in elke groep is meer dan de helft het eens. "
        "“{text}”. Eens per groep: {list}.{small}"
    ),
    "small.divides": " Het verschil zit ook bij een groep waarvan we geen cijfers noemen.",
    "small.included": " Dat geldt ook voor de kleine groep, waarvan we geen cijfers noemen.",
    "hands.same": (
        "Met de {hands} aan tafels erbij (één hand telt als {weight} stem) is {share}% het "
        "{side} ({count} van {total})."
    ),
    "hands.changed.consensus": (
        "Let op: met de {hands} aan tafels erbij (één hand telt als {weight} stem) is {share}% "
        "het {side} ({count} van {total}). Dat is minder dan {threshold}%: met de handen erbij "
        "geldt deze bevinding niet meer voor iedereen samen."
    ),
    "hands.changed.broad_support": (
        "Let op: met de {hands} aan tafels erbij (één hand telt als {weight} stem) is {share}% "
        "het {side} ({count} van {total}). Met de handen erbij is dat geen meerderheid meer."
    ),
    "side.agree": "eens",
    "side.disagree": "oneens",
    "difference.none": "We vonden geen stellingen waarover de groepen duidelijk verdeeld zijn.",
    "divisive": (
        "Over stelling {number} zijn de groepen verdeeld: “{text}”. Eens per groep: {list}.{small}"
    ),
    "group.profile": "{label} ({people}, {share}%) {wants}.",
    "wants": "is het vooral {list}",
    "wants.agree": "eens met {list}",
    "wants.disagree": "oneens met {list}",
    "wants.item": ("“{text}” (stelling {number}: {count} van de {total} in de groep, {share}%)"),
    "minority.intro": (
        "Een minderheid kan iets anders vinden dan de rest. Ook die stem telt. Hieronder staat "
        "elk minderheidsstandpunt dat we vonden."
    ),
    "minority.none": "We vonden geen groep die op een stelling duidelijk afwijkt van de rest.",
    "minority.for": (
        "In {label} ({people}) is {group_share}% het eens met stelling {number}: “{text}” "
        "({support} van {votes}). In de andere groepen is {others_share}% het eens "
        "({others_support} van {others_votes})."
    ),
    "minority.small": (
        "Een groep denkt anders over stelling {number}: “{text}”. Om een groep van minder "
        "dan {k} mensen te beschermen, noemen we van deze groep geen cijfers."
    ),
    "room.item": (
        "Bij stelling {number}, “{text}”, stemde de zaal anders dan online. Bij {label} koos "
        "{room}% voor eens ({agree} van de {decided} stemmen en handen voor eens of oneens). "
        "Online was dat {online}% ({online_agree} van {online_decided})."
    ),
    "room.caution": (
        "Mensen aan één tafel beïnvloeden elkaar. Zie een verschil daarom als een signaal om "
        "naar te kijken, niet als bewijs."
    ),
    "room.none": "We vergeleken de zaal met online en vonden geen duidelijk verschil.",
    "weighting.intro": (
        "Niet iedereen in de wijk deed mee, en niet elke groep inwoners even vaak. Daarom rekenden"
        " we de uitkomsten ook om naar de bevolking van de wijk ({residents} inwoners): dan telt"
        " elke groep inwoners mee naar haar deel van de wijk. Na die weging tellen de {people}"
        " als ongeveer {effective} mensen. Hieronder staat bij elke stelling uit de uitkomsten"
        " hoeveel procent eens was, en hoeveel dat na weging is. De marge geeft aan hoe zeker"
        " dat cijfer is: in 9 van de 10 gevallen ligt de echte waarde daartussen."
    ),
    "weighting.caution": (
        "Let op: na weging tellen de deelnemers als minder dan 300 mensen. Gewogen cijfers kunnen"
        " dan verder van de waarheid liggen dan de gewone. Lees ze als een aanwijzing."
    ),
    "weighting.gaps": "Het meest ontbraken: {list}.",
    "weighting.gap": (
        "{attribute} {category} ({participants}% van de deelnemers, {residents}% van de inwoners)"
    ),
    "weighting.groups": "De groepen na weging: {list}.",
    "weighting.group": "{label} is {share}% van de deelnemers en ongeveer {weighted}% van de wijk",
    "weighting.statement": (
        "Stelling {number}, “{text}”: {plain}% eens; na weging {weighted}% (marge {low}% tot"
        " {high}%)."
    ),
    "weighting.changed.both": ("Na weging is deze stelling niet meer {lost}, maar wel {gained}."),
    "weighting.changed.lost": "Na weging is deze stelling niet meer {lost}.",
    "weighting.changed.gained": "Na weging is deze stelling ook {gained}.",
    "weighting.none": "Er zijn geen uitkomsten over stellingen om te wegen.",
    "weighting.word.consensus": "een punt van overeenstemming in elke groep",
    "weighting.word.consensus.all": "een punt van overeenstemming van alle stemmen",
    "weighting.word.broad_support": "breed gedragen",
    "weighting.word.divisive": "verdeeld",
    "weighting.word.minority": "het standpunt van een minderheid",
    "weighting.word.room_difference": "een punt waarop de zaal anders stemde dan online",
    "themes.intro.groups": (
        "De stellingen zijn hier geordend naar de groep die ze het sterkst kenmerken."
    ),
    "themes.intro.topics": "De stellingen zijn hier geordend naar onderwerp.",
    "themes.none": "Geen stelling kenmerkt een groep duidelijk.",
    "theme.item": "{title}: {list}.",
    "theme.more": "en {more}",
    "method.how": (
        "Iedereen kon stellingen lezen en per stelling kiezen: eens, oneens of overslaan. "
        "Deelnemers konden ook zelf stellingen toevoegen. Een computer zocht daarna groepen "
        "mensen die vaak hetzelfde stemden. Elke groep telt even zwaar, hoe klein ook."
    ),
    "method.rules": (
        "Elke bevinding volgt een vaste regel. Percentages gaan over alle stemmen op een "
        "stelling, ook als iemand de stelling oversloeg. Een groep telt pas mee als die minstens "
        "{min_votes} stemmen op de stelling gaf. ‘Breed gedragen’: in elke groep is meer dan de "
        "helft het eens. ‘In elke groep minstens {consensus}%’: in elke groep, en bij iedereen "
        "samen, koos minstens {consensus}% dezelfde kant; lieten de stemmen geen aparte groepen "
        "zien, dan geldt die drempel voor alle stemmen samen. ‘Verdeeld’: tussen de groep die het "
        "meest en de groep die het minst eens is, zit minstens {gap} procentpunt; in de ene "
        "groep is een meerderheid het eens, in de andere niet. ‘Minderheidsstandpunt’: een groep "
        "van hoogstens {minority_share}% van de mensen in groepen is het met een meerderheid "
        "eens (minstens {minority_support} stemmen), de anderen niet, en het verschil is "
        "minstens {minority_gap} procentpunt."
    ),
    "method.excluded": "Niet meegeteld: {list}.",
    "method.excluded.moderated": "{statements} die de moderatie weghaalde",
    "method.excluded.below": "{participants} met te weinig stemmen voor een groep",
    "method.excluded.quarantined": "{accounts} die geblokkeerd zijn",
    "method.quarantine.changes": (
        "Met de {accounts} in quarantaine erbij zou de uitkomst anders zijn bij "
        "{statements}: {list}."
    ),
    "method.quarantine.same": (
        "Met de {accounts} in quarantaine erbij zou geen stelling een andere bevinding krijgen "
        "(overeenstemming, breed gedragen, verdeeld of minderheidsstandpunt)."
    ),
    "method.excluded.none": (
        "Alles telde mee: de moderatie haalde geen stellingen weg, iedereen stemde genoeg "
        "voor een groep en geen account was geblokkeerd."
    ),
    "method.tallies": (
        "Aan tafels telden we ook handen: {hands} bij {statements}. Eén hand telt als {weight} "
        "stem in de totalen per stelling. Handen tellen niet mee bij het vormen van de groepen, "
        "want achter een hand staat geen eigen stemlijst."
    ),
    "method.privacy": (
        "Groepen van minder dan {k} mensen krijgen geen eigen cijfers, om de deelnemers te "
        "beschermen. Dan laten we ook de cijfers van de kleinste andere groepen weg, tot de "
        "groepen zonder cijfers samen minstens {k} mensen tellen. Zo kan niemand een kleine "
        "groep terugrekenen door de getoonde groepen van het totaal af te trekken."
    ),
    "method.limits": (
        "Let op: wie meedoet, is zelf gekomen. De uitkomst laat zien wat de deelnemers vinden, "
        "niet wat alle inwoners vinden."
    ),
    "method.record": (
        "Herkomst: vingerafdruk van de invoer {digest}, startgetal van het toeval {seed}, "
        "deliberate versie {version}."
    ),
    "method.warnings": "Meldingen bij de berekening: {list}.",
    "method.settings": "De regels gebruikten deze instellingen:",
    "warning.no_votes": "er zijn nog geen stemmen",
    "warning.few_statements": "maar één stelling heeft stemmen",
    "warning.no_variation": "iedereen stemde hetzelfde, dus er zijn geen groepen",
    "warning.few_participants": "te weinig mensen stemden genoeg voor groepen",
    "warning.no_groups": "de stemmen laten geen aparte groepen zien",
    "setting.consensus_share": "Drempel ‘in elke groep minstens’",
    "setting.min_group_votes": "Stemmen die een groep minstens nodig heeft op een stelling",
    "setting.divisive_gap": "Verschil tussen groepen voor ‘verdeeld’",
    "setting.minority_gap": "Verschil met de anderen voor een minderheidsstandpunt",
    "setting.minority_share": "Grootste omvang van een minderheidsgroep",
    "setting.significance": "Zekerheid van de toets",
    "setting.privacy_k": "Kleinste groep met eigen cijfers",
    "setting.min_votes": "Stemmen die iemand nodig heeft om in een groep te komen",
    "setting.max_groups": "Hoogste aantal groepen",
    "setting.room": "Verschil zaal en online (minstens, met minstens {count} stemmen per kant)",
    "value.percent": "{value}%",
    "value.points": "{value} procentpunt",
    "value.people": "{value} mensen",
    "value.votes": "{value} stemmen",
    "value.confidence": "90% (eenzijdig)",
    "conclusions.draft": (
        "Dit is een concept. De begeleiders vullen hier de conclusies aan voordat het advies "
        "wordt gepubliceerd."
    ),
    "rule.participation": "wie meedeed",
    "rule.consensus": "in elke groep minstens {threshold}% dezelfde kant",
    "rule.broad_support": "breed gedragen: in elke groep meer dan de helft eens",
    "rule.divisive": "verdeeld",
    "rule.group_view": "kenmerkend voor de groep",
    "rule.minority": "minderheidsstandpunt",
    "rule.room_difference": "de zaal stemde anders dan online",
    "label.group": "Groep",
    "label.statement": "Stelling",
    "label.agree": "Eens",
    "label.disagree": "Oneens",
    "label.pass": "Overgeslagen",
    "label.total": "Stemmen",
    "label.everyone": "Alle stemmen",
    "label.size": "Aantal mensen",
    "label.suppressed": "te klein, geen cijfers",
    "label.evidence": "Onderbouwing",
    "label.map": "Meningenkaart",
    "label.map.caption": (
        "Elke stip is een deelnemer. Mensen die vaak hetzelfde stemden, staan dicht bij elkaar."
    ),
    "label.reference": "Ref.",
    "label.appendix": "Bijlage: onderbouwing per bevinding",
    "label.measure": "Regel",
    "label.parameters": "Instelling",
    "label.value": "Waarde",
    "label.and": "en",
    "label.generated": "Automatisch opgesteld",
    "label.document": "Concept-burgeradvies",
    "label.contents": "Inhoud",
    "label.introduction": "Inleiding (van de begeleiders)",
    "label.update": "Voorbeeld bijwerken",
    "label.download": "Downloaden",
    "label.tools": "Concept bewerken",
}
