"""What national responses are written from: the round's words, how often each option set
is proposed, and the sentences, reasons and clauses their free text is drawn from. The free
text names the place, its partners and its people, as real responses do: that is what the
anonymised summary has to scrub."""

from __future__ import annotations

from demo.national.words import words
from governance.catalogue.models import Band

FRAMEWORK_SLUG = "ics-design-framework-2021"  # loaded by governance's data migration
ROUND_TITLE = "Place governance options 2025/26"
ROUND_PURPOSE = (
    "Tell us which governance arrangement would work best for your place from April, how well "
    "each option meets the principles, and what the analysis has missed."
)
# How often places propose each allowed set; a set not named here is proposed rarely.
PROPOSAL_WEIGHTS = {"1": 3, "2": 4, "3": 2, "4": 1, "5": 2, "1+4": 6, "2+4": 5, "3+4": 3}
BANDS = [band.value for band in Band]
BAND_WORDS: dict[str, str] = {
    Band.LOW: "weak",
    Band.LOW_MEDIUM: "fairly weak",
    Band.MEDIUM: "adequate",
    Band.MEDIUM_HIGH: "fairly strong",
    Band.HIGH: "strong",
}
QUALIFIERS = words(
    "depending on strength of partnership, if the partnership agreement is signed first, "
    "once the schemes of delegation are revised, provided the council delegates too"
)
CASE_SENTENCES = (
    "Our partners met four times during the consultation, and {partner} hosted the last workshop.",
    "{lead} chairs the partnership today and would continue to convene it.",
    "The partnership already pools part of its budget for intermediate care with {council}.",
    "{partner} and {partner2} run a joint discharge team, and we want governance that lets "
    "that work grow.",
    "A population of about {population} people needs decisions taken close to where care is "
    "delivered.",
    "Primary care must have a real voice: the GP federation asked for a voting seat and we agree.",
    "Healthwatch {place} told us that residents want to see decisions made in public.",
    "We do not yet have the shared finance function that a joint committee would need.",
    "The council's cabinet has agreed in principle to delegate some adult social care "
    "decisions to the place.",
    "Our voluntary sector partners asked that the arrangement does not add meetings for them.",
    "A named director with delegated authority would stop small decisions waiting for a committee.",
    "Statutory partners remain accountable to their own boards, and the arrangement must "
    "respect that.",
    "We want the ICB to delegate the community services budget to the place within two years.",
    "The risk we see is duplication between the place board and the provider collaborative.",
    "{partner2} is concerned about the time a joint committee would take from its executives.",
    "Our neighbourhood teams already work across practice boundaries, so the model should build "
    "on them.",
    "We would need support from the ICB's governance team to draft terms of reference.",
    "Assurance should come through clear reporting to the ICB board, not extra layers of meetings.",
    "The arrangement must work for a place of our size, not only for the largest places.",
    "We have asked {partner} to lead the work on a partnership agreement over the summer.",
    "{writer} ({email}) can answer any questions about this response.",
    "Mental health and learning disability services should be part of the place's remit from "
    "the start.",
)
# The first sentence of each answer, by question; a question with fixed answers opens with
# the reason for the chosen one.
ANSWER_OPENERS = {
    2: "The analysis covers most of what matters to {place}, with two gaps.",
    3: "We broadly agree with the suggested ratings, though not for every option.",
    4: "For planning and delivering a strategy, {options} would serve {place} best.",
    5: "For engaging every partner, {options} gives each organisation a seat and a voice.",
    6: "For {place}, {options} is the arrangement our partners support.",
    7: "We would not want option {avoided} in {place} at this stage.",
}
CHOICE_REASONS = (
    "One model for every place would make assurance simpler for the ICB and its partners.",
    "Each place is at a different stage, so each should choose within the framework.",
    "Our partners are divided on this and would value the ICB's view.",
)
REASONS = (
    "{partner} sees option {option} as {word} on {principle}: {clause}",
    "Our partners rated option {option} {word} against {principle}; {clause}",
    "On {principle}, option {option} looks {word} for {place}: {clause}",
)
CLAUSES = (
    "accountability would stay with the statutory boards.",
    "decisions could be taken quickly within clear limits.",
    "every partner would have a voice, but nobody a veto.",
    "it depends on the partnership agreement being in place.",
    "the ICB keeps the money, so partners have little reason to commit.",
    "it needs shared finance and legal support we do not yet have.",
    "the council could not delegate its own functions to it.",
    "it builds on how the partners already work together.",
    "assurance to the ICB board would be straightforward.",
    "it adds a layer of meetings without adding authority.",
)
MISSING = (
    "How primary care is represented when decisions are delegated.",
    "The cost of running the arrangement, in staff time as well as money.",
    "How residents and Healthwatch would hold the arrangement to account.",
    "What happens when a partner's board disagrees with a decision.",
)
EXTENSION_REASONS = (
    "The partnership board meets after the closing date and must agree the response.",
    "The place lead was on leave for part of the round.",
    "The council's cabinet needs to see the response first.",
)


# The round's milestones: title, description, days after it closes.
MILESTONES = (
    (
        "High-level summary to the oversight group",
        "Counts of the options proposed and the ratings.",
        7,
    ),
    ("Detailed review at the advisory group", "Option by option, with every place's comments.", 21),
    ("Extraordinary meeting", "", 35),
    ("Proposals to the board", "", 49),
)
