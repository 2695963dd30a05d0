"""The shapes of the advice's sentences, Dutch and English, as regular expressions.

:mod:`sentences` reads every finding, summary point and participation paragraph with these. A
statement's own words are replaced by ``#id`` (``#a|b`` for statements with the same words)
before reading, so ``S`` matches a quoted statement whatever it says.
"""

from __future__ import annotations

__all__ = ["WORDS", "N", "S"]

N = r"(\d+(?:[.,]\d+)?)"
S = r"“#([^”]*)”"  # a statement, after its text was replaced by its ids (a|b: same text)
WORDS = {  # the words of each sentence shape, Dutch and English
    "nl": {
        "people": r"(\d+) (?:mensen|persoon)",
        "side": r"(eens|oneens)",
        "agree": "eens",
        "participation": r"^(\d+) (?:mensen|persoon) (?:deden mee: (\d+) online en (\d+) aan "
        r"tafels bij \d+ bijeenkomst(?:en)?|deden mee, allemaal online|stemden online)\. Samen "
        r"gaven zij (\d+) stem(?:men)? op (\d+) stelling(?:en)?\.$",
        "groups": r"^(\d+) deelnemers? stemden vaak genoeg om in een groep te komen\.",
        "groups.count": r"We vonden (\d+) groep(?:en)? met een eigen mening: (.*)\.$",
        "item": r"(Groep [A-Z]+) \((?:(\d+) (?:mensen|persoon), {N}%|geen cijfers[^)]*)\)",
        "below": r"(\d+) deelnemers? met te weinig stemmen voor een groep",
        "moderated": r"(\d+) stelling(?:en)? die de moderatie weghaalde",
        "pair": rf"(Groep [A-Z]+) {N}% \((\d+)/(\d+)\)",
        "consensus": rf"^{N}% is het (eens|oneens) met stelling (\d+): {S} \((\d+) van (\d+) "
        rf"stem(?:men)?\)\. (?:In elke groep is minstens {N}% het \w+: (.*?)\.(?=\s|$)|Dat is "
        rf"minstens {N}% van alle stemmen; de stemmen lieten geen aparte groepen zien\.)",
        "broad": rf"^Stelling (\d+) is breed gedragen: in elke groep is meer dan de helft het "
        rf"eens\. {S}\. Eens per groep: (.*?)\.(?=\s|$)",
        "divisive": rf"^Over stelling (\d+) zijn de groepen verdeeld: {S}\. Eens per groep: "
        r"(.*?)\.(?=\s|$)",
        "profile": rf"^(Groep [A-Z]+) \((\d+) (?:mensen|persoon), {N}%\) is het vooral (.*)\.$",
        "view": rf"(?:(eens|oneens) met )?{S} \(stelling (\d+): (\d+) van de (\d+) stem(?:men)? "
        rf"in de groep, {N}%\)",
        "minority": rf"^In (Groep [A-Z]+) \((\d+) (?:mensen|persoon)\) is {N}% het eens met "
        rf"stelling (\d+): {S} \((\d+) van (\d+) stem(?:men)?\)\. In de andere groepen is {N}% "
        r"het eens \((\d+) van (\d+) stem(?:men)?\)\.$",
        "minority.small": rf"^Een groep denkt anders over stelling (\d+): {S}\. Om een groep",
        "room": rf"^Bij stelling (\d+), {S}, stemde de zaal anders dan online\. Bij .+ koos {N}% "
        rf"voor eens \((\d+) van de (\d+) stemmen en handen voor eens of oneens\)\. Online was "
        rf"dat {N}% \((\d+) van (\d+)\)\.$",
        "s.consensus": rf"^(?:In elke groep is minstens {N}%|Minstens {N}% van alle stemmen is) "
        rf"het (eens|oneens) met stelling (\d+): {S}\.$",
        "s.broad": rf"^Alle groepen steunen stelling (\d+): {S}\.$",
        "s.divisive": rf"^De groepen zijn verdeeld over stelling (\d+): {S}\.$",
        "s.minority": rf"^(Groep [A-Z]+), een kleinere groep van (\d+) (?:mensen|persoon), denkt "
        rf"anders over stelling (\d+): {S}\.$",
        "s.minority.small": rf"^Een kleine groep denkt anders over stelling (\d+): {S}\.$",
        "s.room": rf"^Bij .+ stemde de zaal anders dan online over stelling (\d+): {S}\.$",
        "s.hands": r"^Met de handen die aan tafels werden geteld, verandert de uitkomst bij "
        r"stelling (\d+)\.$",
        "theme": r"^(?:Groep [A-Z]+|[^:]+): (.*)\.$",
        "rules": r"^(Elke bevinding volgt een vaste regel|De stemmen lieten geen aparte groepen "
        r"zien\. Over geen stelling koos)",
        "none": r"^(Er is geen stelling waar(?:over)? (?:alle|de) groepen|Geen kleinere groep "
        r"wijkt|De stemmen lieten (geen aparte groepen) zien)",
    },
    "en": {
        "people": r"(\d+) (?:people|person)",
        "side": r"(agree|disagree)",
        "agree": "agree",
        "participation": r"^(\d+) (?:people|person) (?:took part: (\d+) online and (\d+) at "
        r"tables in \d+ meetings?|took part, all online|voted online)\. Together they cast "
        r"(\d+) votes? on (\d+) statements?\.$",
        "groups": r"^(\d+) participants? voted (?:often )?enough to be placed in a group\.",
        "groups.count": r"We found (\d+) groups? with a view of their own: (.*)\.$",
        "item": r"(Group [A-Z]+) \((?:(\d+) (?:people|person), {N}%|no figures[^)]*)\)",
        "below": r"(\d+) participants? with too few votes for a group",
        "moderated": r"(\d+) statements? removed by moderation",
        "pair": rf"(Group [A-Z]+) {N}% \((\d+)/(\d+)\)",
        "consensus": rf"^{N}% (agree|disagree) with statement (\d+): {S} \((\d+) of (\d+) "
        rf"votes?\)\. (?:In every group at least {N}% \w+: (.*?)\.(?=\s|$)|That is at least "
        rf"{N}% of all votes; the votes showed no separate groups\.)",
        "broad": rf"^Statement (\d+) has broad support: in every group more than half agree\. "
        rf"{S}\. Agree by group: (.*?)\.(?=\s|$)",
        "divisive": rf"^The groups are divided on statement (\d+): {S}\. Agree by group: "
        r"(.*?)\.(?=\s|$)",
        "profile": rf"^(Group [A-Z]+) \((\d+) (?:people|person), {N}%\) mostly (.*)\.$",
        "view": rf"(?:(agrees|disagrees) with )?{S} \(statement (\d+): (\d+) of the (\d+) votes? "
        rf"in the group, {N}%\)",
        "minority": rf"^In (Group [A-Z]+) \((\d+) (?:people|person)\), {N}% agree with "
        rf"statement (\d+): {S} \((\d+) of (\d+) votes?\)\. In the other groups, {N}% agree "
        r"\((\d+) of (\d+) votes?\)\.$",
        "minority.small": rf"^A group thinks differently about statement (\d+): {S}\. To protect",
        "room": rf"^On statement (\d+), {S}, the room voted differently from online\. At .+, "
        rf"{N}% chose agree \((\d+) of the (\d+) votes and hands for agree or disagree\)\. "
        rf"Online it was {N}% \((\d+) of (\d+)\)\.$",
        "s.consensus": rf"^At least {N}% (?:in every group|of all votes) (agree|disagree) with "
        rf"statement (\d+): {S}\.$",
        "s.broad": rf"^Every group supports statement (\d+): {S}\.$",
        "s.divisive": rf"^The groups are divided on statement (\d+): {S}\.$",
        "s.minority": rf"^(Group [A-Z]+), a smaller group of (\d+) (?:people|person), sees "
        rf"statement (\d+) differently: {S}\.$",
        "s.minority.small": rf"^A small group sees statement (\d+) differently: {S}\.$",
        "s.room": rf"^At .+ the room voted differently from online on statement (\d+): {S}\.$",
        "s.hands": r"^The hands counted at tables change the outcome on statement (\d+)\.$",
        "theme": r"^(?:Group [A-Z]+|[^:]+): (.*)\.$",
        "rules": r"^(Every finding follows|The votes showed no separate groups\. On no statement)",
        "none": r"^(No statement (?:has clear agreement in|clearly divides)|No smaller group "
        r"clearly|The votes showed (no separate groups))",
    },
}
