"""Wording rules of the advice, in Dutch (B1) and English.

All sentences of the advice are built here, from phrase tables, so the rules are in one place and
can be tested: percentages are whole numbers rounded half up; every percentage is followed by the
count it comes from; groups are called by a letter ("Groep A") and always with their size; a
statement is quoted with its number; sentences are short and active.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Final

from deliberate.errors import InvalidInput

__all__ = ["LANGUAGES", "Phrasebook", "group_label", "percent", "phrasebook"]

LANGUAGES: Final = ("nl", "en")

_PHRASES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "document": "Concept-burgeradvies",
        "section.question": "Wat we vroegen en wie meedeed",
        "section.agreement": "Waar veel mensen het over eens zijn",
        "section.difference": "Waar de meningen verschillen",
        "section.minority": "Stemmen van minderheden",
        "section.themes": "Thema's",
        "section.method": "Hoe we te werk gingen",
        "section.conclusions": "Conclusies",
        "question": "De vraag was: “{question}”",
        "participation": (
            "{participants} mensen deden mee: {online} online en {table} aan tafels bij "
            "bijeenkomsten. Samen gaven zij {votes} stemmen op {statements} stellingen."
        ),
        "rounds": "Het gesprek had {rounds} ronde(s), van {first} tot en met {last}.",
        "participation.channels": "Zo deden mensen mee: {list}.",
        "channel.online": "{count} online",
        "channel.session": "{count} op papier of met hun telefoon bij {label}",
        "table.statements": (
            "{count} stelling(en) schreven mensen voor het eerst op aan een tafel: {list}."
        ),
        "table.statement": "stelling {number}, “{text}” ({label})",
        "method.tallies": (
            "Aan tafels telden we ook handen: {hands} handen bij {statements} stelling(en). Eén "
            "hand telt als {weight} stem in de totalen per stelling. Handen tellen niet mee bij "
            "het vormen van de groepen, want achter een hand staat geen eigen stemlijst."
        ),
        "method.room": (
            "Op deze punten stemde de zaal anders dan online: {list}. Mensen aan één tafel "
            "beïnvloeden elkaar; zie dit als een signaal om naar te kijken, niet als bewijs."
        ),
        "method.room.item": (
            "bij stelling {number} was {room}% bij {label} het eens, tegen {online}% online"
        ),
        "method.room.none": (
            "We vergeleken de zaal met online op {count} punt(en) en vonden geen duidelijk "
            "verschil."
        ),
        "attributes": "Bij een deel van de deelnemers vroegen we ook: {names}.",
        "groups": (
            "{placed} deelnemers stemden vaak genoeg om in een groep te komen. We vonden "
            "{count} groepen met een eigen mening: {list}."
        ),
        "group.item": "{label} ({size} mensen, {share}%)",
        "group.small": "{label} (minder dan {k} mensen)",
        "agreement.none": "Er zijn geen stellingen waar alle groepen het duidelijk over eens zijn.",
        "consensus.agree": (
            "{share}% is het eens met stelling {number}: “{text}” ({count} van {total} stemmen). "
            "{groups}"
        ),
        "consensus.disagree": (
            "{share}% is het oneens met stelling {number}: “{text}” ({count} van {total} "
            "stemmen). {groups}"
        ),
        "consensus.groups": "Dat geldt in elke groep: {list}.",
        "consensus.hands.agree": (
            "Met de {hands} getelde handen aan tafels erbij (één hand telt als {weight} stem) is "
            "{share}% het eens ({count} van {total})."
        ),
        "consensus.hands.disagree": (
            "Met de {hands} getelde handen aan tafels erbij (één hand telt als {weight} stem) is "
            "{share}% het oneens ({count} van {total})."
        ),
        "bridging": (
            "Stelling {number} krijgt steun uit alle groepen: “{text}”. Eens per groep: {list}."
        ),
        "difference.none": "We vonden geen stellingen waarover de groepen sterk verschillen.",
        "divisive": (
            "Over stelling {number} zijn de groepen verdeeld: “{text}”. Eens per groep: {list}."
        ),
        "group.profile": "{label} ({size} mensen, {share}%) {wants}.",
        "group.profile.small": (
            "{label} is kleiner dan {k} mensen. Om de deelnemers te beschermen, noemen we geen "
            "cijfers van deze groep. De groep {wants}."
        ),
        "wants": "is het vooral {list}",
        "wants.none": "heeft geen stellingen die haar duidelijk onderscheiden",
        "wants.agree": "eens met {list}",
        "wants.disagree": "oneens met {list}",
        "wants.item": "“{text}” (stelling {number}: {share}% van de groep)",
        "minority.intro": (
            "Een minderheid kan iets anders vinden dan de rest. Ook die stem telt. Hieronder staat "
            "elke minderheidspositie die we vonden."
        ),
        "minority.none": "We vonden geen groep die op een stelling duidelijk afwijkt van de rest.",
        "minority.for": (
            "In {label} ({size} mensen) is {group_share}% het eens met stelling {number}: "
            "“{text}” ({support} van {votes} stemmen). Van alle andere deelnemers is "
            "{others_share}% het eens."
        ),
        "minority.against": (
            "In {label} ({size} mensen) is maar {group_share}% het eens met stelling {number}: "
            "“{text}”. Van alle andere deelnemers is {others_share}% het eens."
        ),
        "minority.small": (
            "Een kleine groep (minder dan {k} mensen) denkt anders over stelling {number}: "
            "“{text}”. Om deze mensen te beschermen, noemen we geen cijfers van deze groep."
        ),
        "themes.intro.groups": (
            "De stellingen zijn hier geordend naar de groep die ze het sterkst kenmerken."
        ),
        "themes.intro.topics": "De stellingen zijn hier geordend naar onderwerp.",
        "theme.item": "{title}: {list}.",
        "theme.more": "en {count} andere stelling(en)",
        "method.how": (
            "Iedereen kon stellingen lezen en per stelling kiezen: eens, oneens of overslaan. "
            "Deelnemers konden ook zelf stellingen toevoegen. Een computer zocht daarna groepen "
            "mensen die vaak hetzelfde stemden. Elke groep telt even zwaar, hoe klein ook."
        ),
        "method.rules": (
            "Een stelling heet ‘breed gedragen’ als in elke groep een meerderheid dezelfde kant "
            "kiest. Een ‘minderheidspositie’ is een stelling waarover één groep duidelijk anders "
            "denkt dan alle anderen."
        ),
        "method.excluded": "Niet meegeteld: {list}.",
        "method.excluded.moderated": "{count} stelling(en) die de moderatie weghaalde",
        "method.excluded.below": "{count} deelnemer(s) met te weinig stemmen voor een groep",
        "method.excluded.quarantined": "{count} account(s) in quarantaine",
        "method.excluded.none": (
            "Alles telde mee: de moderatie haalde geen stellingen weg, iedereen stemde genoeg "
            "voor een groep en geen account stond in quarantaine."
        ),
        "method.privacy": (
            "Groepen van minder dan {k} mensen krijgen geen eigen cijfers, om de deelnemers te "
            "beschermen."
        ),
        "method.limits": (
            "Let op: wie meedoet, is zelf gekomen. De uitkomst laat zien wat de deelnemers vinden, "
            "niet wat alle inwoners vinden. Percentages gaan over de mensen die op een stelling "
            "stemden."
        ),
        "method.record": "Herkomst: invoer {digest}, seed {seed}, deliberate {version}.",
        "method.warnings": "Waarschuwingen van de analyse: {list}.",
        "conclusions.draft": (
            "Dit is een concept. De begeleiders vullen hier de conclusies aan voordat het advies "
            "wordt gepubliceerd."
        ),
        "label.group": "Groep",
        "label.statement": "Stelling",
        "label.agree": "Eens",
        "label.disagree": "Oneens",
        "label.pass": "Overgeslagen",
        "label.total": "Stemmen",
        "label.everyone": "Iedereen",
        "label.size": "Aantal mensen",
        "label.suppressed": "te klein, geen cijfers",
        "label.evidence": "Onderbouwing",
        "label.map": "Meningenkaart",
        "label.map.caption": (
            "Elke stip is een deelnemer. Mensen die vaak hetzelfde stemden, staan dicht bij elkaar."
        ),
        "label.reference": "Ref.",
        "label.appendix": "Bijlage: onderbouwing per bevinding",
        "label.measure": "Maat",
        "label.parameters": "Instellingen",
        "label.value": "Waarde",
        "label.and": "en",
        "label.generated": "Automatisch opgesteld",
        "label.document": "Concept-burgeradvies",
        "label.contents": "Inhoud",
        "label.introduction": "Inleiding (van de begeleiders)",
        "label.update": "Voorbeeld bijwerken",
        "label.download": "Downloaden",
        "label.tools": "Concept bewerken",
    },
    "en": {
        "document": "Draft citizens' advice",
        "section.question": "What we asked and who took part",
        "section.agreement": "Where there is broad agreement",
        "section.difference": "Where opinions differ",
        "section.minority": "Minority voices",
        "section.themes": "Themes",
        "section.method": "Method and accountability",
        "section.conclusions": "Conclusions",
        "question": "The question was: “{question}”",
        "participation": (
            "{participants} people took part: {online} online and {table} at tables in meetings. "
            "Together they cast {votes} votes on {statements} statements."
        ),
        "rounds": "The dialogue had {rounds} round(s), from {first} to {last}.",
        "participation.channels": "How people took part: {list}.",
        "channel.online": "{count} online",
        "channel.session": "{count} on paper or by phone at {label}",
        "table.statements": "{count} statement(s) were first written down at a table: {list}.",
        "table.statement": "statement {number}, “{text}” ({label})",
        "method.tallies": (
            "At tables we also counted hands: {hands} hands on {statements} statement(s). One "
            "hand counts as {weight} vote in the totals per statement. Hands do not count when "
            "the groups are formed, because a hand has no voting record of its own."
        ),
        "method.room": (
            "On these points the room voted differently from online: {list}. People at one "
            "table influence each other; read this as a signal to look into, not as proof."
        ),
        "method.room.item": (
            "on statement {number}, {room}% at {label} agreed, against {online}% online"
        ),
        "method.room.none": (
            "We compared the room with online on {count} point(s) and found no clear difference."
        ),
        "attributes": "Some participants were also asked about: {names}.",
        "groups": (
            "{placed} participants voted enough to be placed in a group. We found {count} "
            "opinion groups: {list}."
        ),
        "group.item": "{label} ({size} people, {share}%)",
        "group.small": "{label} (fewer than {k} people)",
        "agreement.none": "No statement found clear agreement in every group.",
        "consensus.agree": (
            "{share}% agree with statement {number}: “{text}” ({count} of {total} votes). {groups}"
        ),
        "consensus.disagree": (
            "{share}% disagree with statement {number}: “{text}” ({count} of {total} votes). "
            "{groups}"
        ),
        "consensus.groups": "This holds in every group: {list}.",
        "consensus.hands.agree": (
            "With the {hands} hands counted at tables (one hand counts as {weight} vote), "
            "{share}% agree ({count} of {total})."
        ),
        "consensus.hands.disagree": (
            "With the {hands} hands counted at tables (one hand counts as {weight} vote), "
            "{share}% disagree ({count} of {total})."
        ),
        "bridging": (
            "Statement {number} has support from every group: “{text}”. Agree by group: {list}."
        ),
        "difference.none": "We found no statements on which the groups differ strongly.",
        "divisive": "The groups are split on statement {number}: “{text}”. Agree by group: {list}.",
        "group.profile": "{label} ({size} people, {share}%) {wants}.",
        "group.profile.small": (
            "{label} has fewer than {k} people. To protect them, we give no figures for this "
            "group. The group {wants}."
        ),
        "wants": "mostly {list}",
        "wants.none": "has no statements that clearly set it apart",
        "wants.agree": "agrees with {list}",
        "wants.disagree": "disagrees with {list}",
        "wants.item": "“{text}” (statement {number}: {share}% of the group)",
        "minority.intro": (
            "A minority may see things differently from the rest. Their voice counts too. Below "
            "is every minority position we found."
        ),
        "minority.none": "We found no group that clearly differs from the rest on a statement.",
        "minority.for": (
            "In {label} ({size} people), {group_share}% agree with statement {number}: “{text}” "
            "({support} of {votes} votes). Of all other participants, {others_share}% agree."
        ),
        "minority.against": (
            "In {label} ({size} people), only {group_share}% agree with statement {number}: "
            "“{text}”. Of all other participants, {others_share}% agree."
        ),
        "minority.small": (
            "A small group (fewer than {k} people) thinks differently about statement {number}: "
            "“{text}”. To protect them, we give no figures for this group."
        ),
        "themes.intro.groups": "Statements are ordered here by the group they characterise most.",
        "themes.intro.topics": "Statements are ordered here by topic.",
        "theme.item": "{title}: {list}.",
        "theme.more": "and {count} other statement(s)",
        "method.how": (
            "Everyone could read statements and choose for each: agree, disagree or pass. "
            "Participants could add statements of their own. A computer then looked for groups of "
            "people who often voted alike. Every group counts equally, however small."
        ),
        "method.rules": (
            "A statement has ‘broad agreement’ when a majority in every group takes the same side. "
            "A ‘minority position’ is a statement on which one group clearly differs from all "
            "others."
        ),
        "method.excluded": "Not counted: {list}.",
        "method.excluded.moderated": "{count} statement(s) removed by moderation",
        "method.excluded.below": "{count} participant(s) with too few votes for a group",
        "method.excluded.quarantined": "{count} quarantined account(s)",
        "method.excluded.none": (
            "Everything counted: moderation removed no statements, everyone voted enough to be "
            "placed in a group, and no account was quarantined."
        ),
        "method.privacy": (
            "Groups of fewer than {k} people get no figures of their own, to protect the "
            "participants."
        ),
        "method.limits": (
            "Note: participants chose to take part. The outcome shows what they think, not what "
            "all residents think. Percentages refer to the people who voted on a statement."
        ),
        "method.record": "Provenance: input {digest}, seed {seed}, deliberate {version}.",
        "method.warnings": "Analysis warnings: {list}.",
        "conclusions.draft": (
            "This is a draft. The facilitators add their conclusions here before the advice is "
            "published."
        ),
        "label.group": "Group",
        "label.statement": "Statement",
        "label.agree": "Agree",
        "label.disagree": "Disagree",
        "label.pass": "Passed",
        "label.total": "Votes",
        "label.everyone": "Everyone",
        "label.size": "People",
        "label.suppressed": "too small, no figures",
        "label.evidence": "Evidence",
        "label.map": "Opinion map",
        "label.map.caption": "Each dot is a participant. People who often voted alike are close.",
        "label.reference": "Ref.",
        "label.appendix": "Appendix: evidence for each finding",
        "label.measure": "Measure",
        "label.parameters": "Parameters",
        "label.value": "Value",
        "label.and": "and",
        "label.generated": "Automatically drafted",
        "label.document": "Draft citizens' advice",
        "label.contents": "Contents",
        "label.introduction": "Introduction (by the facilitators)",
        "label.update": "Update preview",
        "label.download": "Download",
        "label.tools": "Edit the draft",
    },
}


_MONTHS: Final = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
        "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def percent(share: float) -> int:
    """A share in [0, 1] as a whole percentage, rounded half up (0.125 -> 13, not 12)."""
    # Round to 9 decimals first so that 0.285 (28.499999…) still reads as 29.
    return math.floor(round(share * 100.0, 9) + 0.5)


def group_label(group: Mapping[str, object], index: int, language: str) -> str:
    """``Groep A``, ``Groep B``, … in Dutch; ``Group A``, … in English.

    The letter is the group's own ``label`` (stable across recomputes) or, without one, the
    position of the group in the result.
    """
    letter = str(group.get("label") or chr(ord("A") + index))
    return f"{_PHRASES[language]['label.group']} {letter}"


class Phrasebook:
    """The phrases of one language; ``say(key, **values)`` fills one in."""

    def __init__(self, language: str) -> None:
        if language not in _PHRASES:
            raise InvalidInput(
                f"Report language {language!r} is not available; choose one of "
                f"{', '.join(LANGUAGES)}."
            )
        self.language = language
        self._phrases = _PHRASES[language]

    def say(self, key: str, **values: object) -> str:
        """The phrase ``key`` with ``values`` filled in."""
        return self._phrases[key].format(**values)

    def date(self, day: dt.date) -> str:
        """``23 november 2026`` / ``23 November 2026``."""
        month = _MONTHS[self.language][day.month - 1]
        return f"{day.day} {month} {day.year}"

    def join(self, items: list[str]) -> str:
        """``a, b en c`` / ``a, b and c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self._phrases['label.and']} {items[-1]}"

    def labels(self) -> dict[str, str]:
        """Every ``label.*`` phrase, keyed without the prefix, for the renderers."""
        return {
            key.removeprefix("label."): text
            for key, text in self._phrases.items()
            if key.startswith("label.")
        }


def phrasebook(language: str) -> Phrasebook:
    """The :class:`Phrasebook` for ``language`` (``nl`` or ``en``)."""
    return Phrasebook(language)
