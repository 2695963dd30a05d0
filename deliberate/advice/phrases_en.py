"""The English phrases of the advice; the keys match :mod:`deliberate.advice.phrases_nl`."""

from __future__ import annotations

from typing import Final

__all__ = ["PHRASES"]

PHRASES: Final[dict[str, str]] = {
    "document": "Draft citizens' advice",
    "document.published": "Citizens' advice, version {version} of {date}",
    "document.final": "Published citizens' advice",
    "number.decimal": ".",
    "noun.person": "person|people",
    "noun.participant": "participant|participants",
    "noun.statement": "statement|statements",
    "noun.other_statement": "other statement|other statements",
    "noun.vote": "vote|votes",
    "noun.round": "round|rounds",
    "noun.hand": "hand|hands",
    "noun.group": "group|groups",
    "noun.account": "account|accounts",
    "noun.meeting": "meeting|meetings",
    "section.summary": "In short",
    "section.question": "What we asked and who took part",
    "section.agreement": "Where there is broad agreement",
    "section.difference": "Where opinions differ",
    "section.minority": "Minority voices",
    "section.room": "Where the room voted differently from online",
    "section.representation": "Does this speak for the whole neighbourhood?",
    "section.themes": "Themes",
    "section.method": "Method and accountability",
    "section.conclusions": "Conclusions",
    "question": "The question was: “{question}”",
    "participation": (
        "{people} took part: {online} online and {table} at tables in {meetings}. Together "
        "they cast {votes} on {statements}."
    ),
    "participation.online": (
        "{people} took part, all online. Together they cast {votes} on {statements}."
    ),
    "participation.voted_online": (
        "{people} voted online. Together they cast {votes} on {statements}."
    ),
    "period": "The dialogue ran from {first} to {last}, in {rounds}.",
    "period.day": "The dialogue took place on {day}, in {rounds}.",
    "participation.channels": "How people took part: {list}.",
    "channel.online": "{people} online",
    "channel.session": "{people} on paper or by phone at {label}",
    "table.statements": "{statements} were first written down at a table: {list}.",
    "table.statement": "statement {number}, “{text}” ({label})",
    "attributes": "Some participants were also asked about: {names}.",
    "groups": (
        "{placed} voted enough to be placed in a group. We found {groups} with a view of "
        "their own: {list}."
    ),
    "groups.one": (
        "{placed} voted often enough to be placed in a group. The votes showed no separate "
        "groups with views of their own."
    ),
    "none.groups": (
        "The votes showed no separate groups. So we do not say what unites or divides groups."
    ),
    "participation.nobody": "Nobody has voted yet on the {statements}.",
    "group.item": "{label} ({people}, {share}%)",
    "group.small": "{label} (no figures, to protect fewer than {k} people)",
    "summary.consensus.agree": (
        "At least {threshold}% in every group agree with statement {number}: “{text}”."
    ),
    "summary.consensus.disagree": (
        "At least {threshold}% in every group disagree with statement {number}: “{text}”."
    ),
    "summary.consensus.agree.all": (
        "At least {threshold}% of all votes agree with statement {number}: “{text}”."
    ),
    "summary.consensus.disagree.all": (
        "At least {threshold}% of all votes disagree with statement {number}: “{text}”."
    ),
    "summary.broad": "Every group supports statement {number}: “{text}”.",
    "summary.divisive": "The groups are divided on statement {number}: “{text}”.",
    "summary.minority": (
        "{label}, a smaller group of {people}, sees statement {number} differently: “{text}”."
    ),
    "summary.minority.small": "A small group sees statement {number} differently: “{text}”.",
    "summary.room": (
        "At {label} the room voted differently from online on statement {number}: “{text}”."
    ),
    "summary.hands": "The hands counted at tables change the outcome on statement {number}.",
    "summary.none.unite": "No statement has clear agreement in every group.",
    "summary.none.divide": "No statement clearly divides the groups.",
    "summary.none.minority": "No smaller group clearly differs from the rest.",
    "agreement.none": "No statement found clear agreement in every group.",
    "consensus.agree": (
        "{share}% agree with statement {number}: “{text}” ({count} of {total}). In every group "
        "at least {threshold}% agree: {list}.{small}"
    ),
    "consensus.disagree": (
        "{share}% disagree with statement {number}: “{text}” ({count} of {total}). In every "
        "group at least {threshold}% disagree: {list}.{small}"
    ),
    "consensus.agree.all": (
        "{share}% agree with statement {number}: “{text}” ({count} of {total}). That is at "
        "least {threshold}% of all votes; the votes showed no separate groups."
    ),
    "consensus.disagree.all": (
        "{share}% disagree with statement {number}: “{text}” ({count} of {total}). That is at "
        "least {threshold}% of all votes; the votes showed no separate groups."
    ),
    "agreement.none.all": (
        "The votes showed no separate groups. On no statement did clearly at least "
        "{threshold}% of all votes take the same side."
    ),
    "broad": (
        "Statement {number} has broad support: in every group more than half agree. “{text}”. "
        "Agree by group: {list}.{small}"
    ),
    "small.divides": " The difference also lies with a group whose figures we do not give.",
    "small.included": " This also holds in the small group, whose figures we do not give.",
    "hands.same": (
        "With the {hands} counted at tables (one hand counts as {weight} vote), {share}% "
        "{side} ({count} of {total})."
    ),
    "hands.changed.consensus": (
        "Note: with the {hands} counted at tables (one hand counts as {weight} vote), {share}% "
        "{side} ({count} of {total}). That is less than {threshold}%: with the hands, this "
        "finding no longer holds for everyone together."
    ),
    "hands.changed.broad_support": (
        "Note: with the {hands} counted at tables (one hand counts as {weight} vote), {share}% "
        "{side} ({count} of {total}). With the hands, that is no longer a majority."
    ),
    "side.agree": "agree",
    "side.disagree": "disagree",
    "difference.none": "We found no statements that clearly divide the groups.",
    "divisive": (
        "The groups are divided on statement {number}: “{text}”. Agree by group: {list}.{small}"
    ),
    "group.profile": "{label} ({people}, {share}%) {wants}.",
    "wants": "mostly {list}",
    "wants.agree": "agrees with {list}",
    "wants.disagree": "disagrees with {list}",
    "wants.item": ("“{text}” (statement {number}: {count} of the {total} in the group, {share}%)"),
    "minority.intro": (
        "A minority may see things differently from the rest. Their voice counts too. Below "
        "is every minority position we found."
    ),
    "minority.none": "We found no group that clearly differs from the rest on a statement.",
    "minority.for": (
        "In {label} ({people}), {group_share}% agree with statement {number}: “{text}” "
        "({support} of {votes}). In the other groups, {others_share}% agree "
        "({others_support} of {others_votes})."
    ),
    "minority.small": (
        "A group thinks differently about statement {number}: “{text}”. To protect a group "
        "of fewer than {k} people, we give no figures for this group."
    ),
    "room.item": (
        "On statement {number}, “{text}”, the room voted differently from online. At {label}, "
        "{room}% chose agree ({agree} of the {decided} votes and hands for agree or disagree). "
        "Online it was {online}% ({online_agree} of {online_decided})."
    ),
    "room.caution": (
        "People at one table influence each other. Read a difference as a signal to look into, "
        "not as proof."
    ),
    "room.none": "We compared the room with online and found no clear difference.",
    "weighting.intro": (
        "Not everyone in the neighbourhood took part, and not every group of residents equally"
        " often. So we also weighted the results to the neighbourhood's population ({residents}"
        " residents): each group of residents then counts for its share of the neighbourhood."
        " After weighting, the {people} count as about {effective} people. Below, for each"
        " statement in the findings, is the share who agreed, and that share after weighting. The"
        " margin says how sure that figure is: in 9 cases out of 10 the true value lies within it."
    ),
    "weighting.caution": (
        "Note: after weighting the participants count as fewer than 300 people. Weighted figures"
        " can then be further from the truth than the plain ones. Read them as an indication."
    ),
    "weighting.gaps": "Most missing were: {list}.",
    "weighting.gap": (
        "{attribute} {category} ({participants}% of the participants,"
        " {residents}% of the residents)"
    ),
    "weighting.groups": "The groups after weighting: {list}.",
    "weighting.group": (
        "{label} is {share}% of the participants and about {weighted}% of the neighbourhood"
    ),
    "weighting.statement": (
        "Statement {number}, “{text}”: {plain}% agree; after weighting {weighted}% (margin {low}%"
        " to {high}%)."
    ),
    "weighting.changed.both": "After weighting this statement is no longer {lost}, but {gained}.",
    "weighting.changed.lost": "After weighting this statement is no longer {lost}.",
    "weighting.changed.gained": "After weighting this statement is also {gained}.",
    "weighting.none": "There are no findings about statements to weight.",
    "weighting.word.consensus": "a point of agreement in every group",
    "weighting.word.consensus.all": "a point of agreement of all votes",
    "weighting.word.broad_support": "broadly supported",
    "weighting.word.divisive": "divided",
    "weighting.word.minority": "a minority's position",
    "weighting.word.room_difference": "a point on which the room voted differently from online",
    "themes.intro.groups": "Statements are ordered here by the group they characterise most.",
    "themes.intro.topics": "Statements are ordered here by topic.",
    "themes.none": "No statement clearly characterises a group.",
    "theme.item": "{title}: {list}.",
    "theme.more": "and {more}",
    "method.how": (
        "Everyone could read statements and choose for each: agree, disagree or pass. "
        "Participants could add statements of their own. A computer then looked for groups of "
        "people who often voted alike. Every group counts equally, however small."
    ),
    "method.rules": (
        "Every finding follows a fixed rule. Percentages are of all votes on a statement, passes "
        "included. A group only counts once it cast at least {min_votes} votes on the statement. "
        "‘Broad support’: in every group more than half agree. ‘At least {consensus}% in every "
        "group’: in every group, and over everyone, at least {consensus}% took the same side; "
        "where the votes showed no separate groups, that threshold holds for all votes together. "
        "‘Divided’: the group that agrees most and the group that agrees least are at least "
        "{gap} points apart; a majority agrees in one and not in the other. ‘Minority position’: "
        "a group of at most {minority_share}% of the people in groups agrees by a majority (at "
        "least {minority_support} votes), the others do not, and the difference is at least "
        "{minority_gap} points."
    ),
    "method.excluded": "Not counted: {list}.",
    "method.excluded.moderated": "{statements} removed by moderation",
    "method.excluded.below": "{participants} with too few votes for a group",
    "method.excluded.quarantined": "{accounts} that are blocked",
    "method.quarantine.changes": (
        "With the {accounts} in quarantine counted, the findings would differ for "
        "{statements}: {list}."
    ),
    "method.quarantine.same": (
        "With the {accounts} in quarantine counted, no statement would get a different "
        "finding (agreement, broad support, division or minority position)."
    ),
    "method.excluded.none": (
        "Everything counted: moderation removed no statements, everyone voted enough to be "
        "placed in a group, and no account was blocked."
    ),
    "method.tallies": (
        "At tables we also counted hands: {hands} on {statements}. One hand counts as {weight} "
        "vote in the totals per statement. Hands do not count when the groups are formed, "
        "because a hand has no voting record of its own."
    ),
    "method.privacy": (
        "Groups of fewer than {k} people get no figures of their own, to protect the "
        "participants. The smallest other groups then get none either, until the groups "
        "without figures hold at least {k} people together, so that nobody can work out a "
        "small group by subtracting the groups shown from the total."
    ),
    "method.limits": (
        "Note: participants chose to take part. The outcome shows what they think, not what "
        "all residents think."
    ),
    "method.record": (
        "Provenance: fingerprint of the input {digest}, random starting number {seed}, "
        "deliberate version {version}."
    ),
    "method.warnings": "Notes from the calculation: {list}.",
    "method.settings": "The rules used these settings:",
    "warning.no_votes": "there are no votes yet",
    "warning.few_statements": "only one statement has votes",
    "warning.no_variation": "everyone voted the same, so there are no groups",
    "warning.few_participants": "too few people voted enough for groups",
    "warning.no_groups": "the votes show no separate groups",
    "setting.consensus_share": "Threshold ‘at least … in every group’",
    "setting.min_group_votes": "Votes a group needs at least on a statement",
    "setting.divisive_gap": "Difference between groups for ‘divided’",
    "setting.minority_gap": "Difference from the others for a minority position",
    "setting.minority_share": "Largest size of a minority group",
    "setting.significance": "Certainty of the test",
    "setting.privacy_k": "Smallest group with figures of its own",
    "setting.min_votes": "Votes someone needs to be placed in a group",
    "setting.max_groups": "Most groups",
    "setting.room": "Difference room and online (at least, with at least {count} votes each side)",
    "value.percent": "{value}%",
    "value.points": "{value} points",
    "value.people": "{value} people",
    "value.votes": "{value} votes",
    "value.confidence": "90% (one-sided)",
    "conclusions.draft": (
        "This is a draft. The facilitators add their conclusions here before the advice is "
        "published."
    ),
    "rule.participation": "who took part",
    "rule.consensus": "at least {threshold}% on one side in every group",
    "rule.broad_support": "broad support: more than half agree in every group",
    "rule.divisive": "divided",
    "rule.group_view": "characteristic of the group",
    "rule.minority": "minority position",
    "rule.room_difference": "the room voted differently from online",
    "label.group": "Group",
    "label.statement": "Statement",
    "label.agree": "Agree",
    "label.disagree": "Disagree",
    "label.pass": "Passed",
    "label.total": "Votes",
    "label.everyone": "All votes",
    "label.size": "People",
    "label.suppressed": "too small, no figures",
    "label.evidence": "Evidence",
    "label.map": "Opinion map",
    "label.map.caption": "Each dot is a participant. People who often voted alike are close.",
    "label.reference": "Ref.",
    "label.appendix": "Appendix: evidence for each finding",
    "label.measure": "Rule",
    "label.parameters": "Setting",
    "label.value": "Value",
    "label.and": "and",
    "label.generated": "Automatically drafted",
    "label.document": "Draft citizens' advice",
    "label.contents": "Contents",
    "label.introduction": "Introduction (by the facilitators)",
    "label.update": "Update preview",
    "label.download": "Download",
    "label.tools": "Edit the draft",
}
