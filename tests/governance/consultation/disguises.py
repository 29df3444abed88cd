"""Names written the way people disguise them, or just write them, shared by the scrubber's
tests and the compiled summary's: the places Ashworth, Brackenfield and Dunmore Coast and the
people Nadia Brennan and Eleanor Frost, each of whom a test's gazetteer or world must name."""

# Places with invisible characters and look-alike letters, split, joined, hyphenated, with
# digits for letters, and as plurals.
PLACE_DISGUISES = [
    "Ash\u200bworth",
    "Ash\u00adworth",
    "\u0410shworth",
    "Ash-worth",
    "Ash worth",
    "DunmoreCoast",
    "Bracken-field",
    "Brackenfie1d",
    "Ashworths",
]

# People with titles and initials, surname first.
PERSON_DISGUISES = [
    "Dr Brennan",
    "Cllr Frost",
    "Councillor Frost",
    "N. Brennan",
    "Ms N Brennan",
    "Brennan, Nadia",
]
