"""Requirement flags: seniority, PhD, ML experience (safety relevance: ``relevance``).

The phrases live here (not in the taxonomy file) because they encode grammar rather
than vocabulary. Each decision returns the value and the hit that decided it.
"""

from __future__ import annotations

import re

from aggregator.normalize.results import Evidence, Scan, evidence_of

SENIORITY_LEVELS = ("intern", "entry", "mid", "senior", "lead", "unspecified")
PHD_VALUES = ("yes", "preferred", "no", "unspecified")
ML_VALUES = ("yes", "no", "unspecified")
RELEVANCE_VALUES = ("core", "adjacent", "none")
# Seniority names people (and older profiles) use -> what the classifier emits.
SENIORITY_ALIASES = {"junior": "entry", "entry_level": "entry", "executive": "lead"}

# What a program, programme or project manager runs (classifier's no-code titles share it).
MANAGED_WORK = "program|programme|projects?"
# Level codes in a title. Engineering ladders: L3 (new graduate) to L7+ (principal), IC1-IC2
# entry, IC3 mid, IC4-IC5 senior, IC6+ principal; UN-style professional grades P1-P2 entry,
# P3 mid, P4-P5 senior. "L2/L3 support", "Tier 2/L3", "(L2-L3)", "L7 Support", "L4/L7 load
# balancing", "L3 Networking" name a support tier or a network layer, not a rung; "P1
# incidents" a priority: a P grade is "P-2", or bare at the title's end or in brackets.
_NOT_TIER = "(?![/ -](?:support|tier|l\\d|network|switch|rout|load))"


def _ladder(digits: str) -> str:
    return f"(?<![\\w/-])l[{digits}]{_NOT_TIER}"


def _grade(digits: str) -> str:
    return f"p(?:-[{digits}]|[{digits}](?=$|\\)))"


# US federal General Schedule grades: GS-5 to GS-9 the graduate intake, GS-12/13 the
# journeyman grades, GS-14/15 senior specialists ("GS-12/13" names both ends of the band).
# Read in the title (a level code) and in the body alike.
_GS_BANDS = {"entry": "gs[- ]?0?[579]", "mid": "gs[- ]?1[23]", "senior": "gs[- ]?1[45]"}
_LEVEL_CODES: dict[str, tuple[str, ...]] = {
    "entry": (_ladder("3"), "ic[- ]?[12]", _grade("12"), _GS_BANDS["entry"]),
    "mid": (_ladder("4"), "ic[- ]?3", _grade("3"), _GS_BANDS["mid"]),
    "senior": (_ladder("56"), "ic[- ]?[45]", _grade("45"), _GS_BANDS["senior"]),
    "lead": (_ladder("78"), "ic[- ]?[678]"),
}
# Seniority words in a title: value -> phrases.
TITLE_SENIORITY: dict[str, tuple[str, ...]] = {
    "intern": (
        "interns?",
        "internships?",
        "student researchers?",
        "co-?op",
        "working student",
        "summer (?:research )?students?",
        "reading groups?",  # student programs
        "intro(?:ductory)? (?:fellowship|program(?:me)?)",
        "scholars program(?:me)?",
        "summer associates?",
    ),
    "entry": (
        "junior",
        "jr\\.?",
        "entry[- ]level",
        "early[- ]career",
        "graduate",
        "new grad(?:uate)?",
        "apprentice(?:ship)?",
        "trainee",
        # The UK civil service grade below HEO ("Executive Officer, AI Programme"); in a longer
        # grade ("Higher/Senior Executive Officer") or "Chief Executive Officer" it is not one.
        "(?<!chief )executive officer",
        "(?:engineer|scientist|researcher|analyst|developer) i",
        "(?:engineer|scientist|researcher|analyst|developer|specialist) 1",
        "assistants?(?! (?:professor|director|general counsel))",
        # "Research Associate", "Associate Engineer": the first rung (not "Associate
        # Director", "Associate Professor" or a think tank's "Associate Fellow", which name
        # their own level).
        "associates?(?! (?:professor|director|general counsel|partner|dean|vice|fellow))",
        "phd (?:students?|candidates?|researchers?|(?:research )?fellows?)",
        # Level codes of engineering ladders and UN-style grades: "(L3)", "IC2", "P-2"
        *_LEVEL_CODES["entry"],
    ),
    "mid": (
        "mid[- ]level",
        "mid[- ]career",
        "intermediate",
        # Level numerals: "Research Scientist II", "Software Engineer II, Safety", "Analyst 2".
        "ii",
        "(?:engineer|scientist|researcher|analyst|developer|specialist) 2",
        # "Experienced Software Engineer": the hire above the graduate intake.
        "experienced",
        # UK civil service grades (government postings state a grade, not years).
        "heo",
        "higher executive officer",
        "senior executive officer",
        f"(?:{MANAGED_WORK}) managers?",  # coordination, not a team
        *_LEVEL_CODES["mid"],
    ),
    "senior": (
        "(?<!\\()senior",  # "(Senior) Researcher": the level is open, the body decides
        "sr\\.?",
        "snr\\.?",
        "staff(?= (?:research|software|ml|machine|data|security|infrastructure|product|engineer|"
        "scientist|researcher|developer|applied|backend|frontend))",
        "expert",
        # "Co-Lead Author" names a role, not a level; "Apply to lead a project" is the verb.
        "(?<!co-)(?<!to )lead",
        "leads",
        "team lead",
        "chief of staff",
        "iii",
        "iv",
        "(?:engineer|scientist|researcher|analyst|developer|specialist) 3",
        "grade 7",
        # A manager title states experience (the guideline's "implied by title").
        "(?<!program )(?<!programme )(?<!project )(?<!projects )managers?",
        *_LEVEL_CODES["senior"],
    ),
    "lead": (
        "principal",
        "distinguished",
        "research lead",
        "technical lead|tech lead",
        "lead (?:research|software|ml|machine learning|data|ai|engineers?|scientists?|"
        "researchers?|developers?)",
        "head of",
        "head(?=,| -| /)",  # "Head, AI Policy", "Team Head - Research"
        # "Evals Lead", "Human Data Lead": the title's head noun is "lead" (the person who
        # leads that function), not "Team Lead" or a title opening with "Lead, ...".
        "(?<!^)(?<!team )(?<!co-)lead(?=$|,|\\)| -| \\(| /| \\|)",
        "director",
        "vp",
        "vice president",
        "chief(?! of staff)",
        "(?:research|engineering|people) managers?",
        "managing director",
        "grade 6",
        "executive director",
        *_LEVEL_CODES["lead"],
    ),
}
# Title words naming a function rather than a rung: a "Manager" or a "... Lead" is hired at
# many levels, so a level word in the title, then the body's level words or years, decide
# first.
_FUNCTION_LEVEL = re.compile(rf"(?:(?:{MANAGED_WORK}) )?managers?|leads?")
_RANK = {"entry": 1, "mid": 2, "senior": 3, "lead": 4}
# Roles that are early-career when the text states no level (PhD positions and postdocs,
# fellowships, residencies and courses are for people starting out in the field).
EARLY_CAREER_ROLES = frozenset({"phd_or_postdoc", "fellowship", "residency", "course"})
_POSTDOC = re.compile(r"post-?doc|post-doctoral|postdoctoral")
_PHD_TITLE = re.compile(r"\bph\.?d\b")

# Body phrases. Kinds: years (number parsed from the text), seniority, phd, ml.
# A stated experience requirement: "5+ years" (the plus marks a minimum: "(typically
# 5+ years)", "3+ years securing ..."), "N years (of ...) experience", "N years' hands-on
# experience", "N years of <field> engineering", "at least N years in ...", "N years
# working as ...". A bare duration ("for 3 years", "in just two years", "a two year
# loan") is not one. The phrases start with a plain \d (not \d{1,2}) so the regex engine
# skips to digits.
_YEARS_RANGE = "\\d\\d?(?:\\.\\d)?(?: ?(?:-|to|or) ?\\d\\d?)?"
_YEARS_UNIT = " ?(?:years?|yrs?)'?"
_YEARS_STATED = (
    "(?:(?: of)?(?: [a-z0-9/&.-]+){0,6} experience"
    "| of(?: [a-z0-9/&-]+){0,4} (?:engineering|development|programming)"
    "| (?:working|professional|industry|relevant|hands-on|progressive|post-?doctoral)"
    # "5 years in a similar role", "3 years minimum", a lawyer's "4 years' PQE"
    "| in (?:a |an )?(?:similar|comparable|relevant|related) (?:roles?|positions?|capacity)"
    "| (?:minimum|at minimum|min\\.)(?: of)?(?: experience)?| pqe)"
)
_AT_LEAST = "(?:at least|minimum of|minimum|a minimum of) "
# "over 7 years as ...", "more than four years working ...": not "of" or "in" (an
# employer's "over 50 years of history", "over 20 years in the industry")
_OVER = "(?:over|more than|upwards of) "
_OVER_STATED = " (?:as|working|experience)"
_AT_LEAST_STATED = " (?:of|in|as|working|experience)"  # "at least 3 years in ..."
YEARS_PHRASES = (
    f"{_YEARS_RANGE}\\+{_YEARS_UNIT}",  # 5+ years, 2-3+ years
    f"{_YEARS_RANGE}(?: or more|[- ]plus)?{_YEARS_UNIT}{_YEARS_STATED}",
    f"{_AT_LEAST}{_YEARS_RANGE}{_YEARS_UNIT}{_AT_LEAST_STATED}",
    f"{_OVER}{_YEARS_RANGE}{_YEARS_UNIT}{_OVER_STATED}",
)
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER_WORD = f"(?:{'|'.join(_WORD_NUMBERS)})"
# "three", "three to five", "three-to-five", "five (5)": the first number is the minimum
_NUMBER_WORDS = f"{_NUMBER_WORD}(?:(?: to |-to-| or |-){_NUMBER_WORD})?(?: \\(\\d\\d?\\+?\\))?"
YEARS_WORDS_PHRASES = (
    _NUMBER_WORDS + "\\+?(?:[- ]plus| or more)? years?'?" + _YEARS_STATED,
    # "over a decade of experience", "a decade or more of hands-on experience": ten years
    # (senior); not an employer's "a decade of research"
    "(?:over |more than |at least |nearly |almost )?a decade(?: or more)? of"
    "(?: [a-z/&-]+){0,4} experience",
    # "several years of experience": more than a couple, short of many (mid); "a few years"
    # likewise; "a couple of years" is two (entry)
    "(?:several|a few|a couple(?: of)?) years (?:of (?:[a-z-]+ ){0,4})?experience",
    # "at least three years in", "a minimum of five years as"
    f"{_AT_LEAST}{_NUMBER_WORDS} years?'?{_AT_LEAST_STATED}",
    f"{_OVER}{_NUMBER_WORDS} years?'?{_OVER_STATED}",
)
# The PhD as postings name it ("PhD", "Ph.D.", "doctorate", Oxford's "DPhil"), one atom for
# every PhD phrase below; with "doctoral degree" where the phrase names the degree itself.
_PHD_WORDS = "phds?|ph\\.d\\.?|doctorate|dphil|d\\.phil\\.?"
_PHD = f"(?:{_PHD_WORDS})"
_PHD_DEGREE = f"(?:{_PHD_WORDS}|doctoral degree)"
_MASTERS = "(?:ms|msc|m\\.s\\.|m\\.sc\\.|master'?s|masters)"
_NOT_NEEDED = "(?:required|necessary|needed|expected|a requirement|a prerequisite|essential|a must)"
# "A PhD in ML or 3+ years of industry research experience": the PhD is one way in
# (preferred) and the years are stated. One phrase for both (a phrase's match hides the
# shorter years phrase inside it), read as years too (YEARS_PHRASES).
_PHD_OR_YEARS = (
    f"{_PHD_DEGREE}(?: in [^.;]{{1,80}}?)?,? or (?:at least )?(?:\\d\\d?\\+?|{_NUMBER_WORD}\\+?)"
    "(?: or more)? years"
)
BODY_FLAGS: dict[tuple[str, str], tuple[str, ...]] = {
    # Career stages as programs and fellowships state them.
    ("seniority", "intern"): (  # literal texts: a regex here cost 15 % of the body scan
        "(?:aimed at|open to|for|welcomes?) (?:current )?(?:undergraduate|graduate|university|"
        "college|phd|master's|masters|graduate and undergraduate|undergraduate and graduate) "
        "students",
        "(?:undergraduate|graduate|university|college) students (?:are )?(?:welcome|eligible|"
        "encouraged)",
        "students (?:from|of) (?:all|any) (?:academic )?(?:disciplines|backgrounds|majors) "
        "(?:are )?(?:welcome|eligible|encouraged)",
        # "Our lab accepts undergraduates for a summer placement": a program for them (not
        # a lab that "recruits undergraduates" among its staff's duties)
        "(?:accepts|takes on) (?:current )?undergrad(?:uate)?s (?:for|into|as)",
    ),
    ("seniority", "entry"): (
        "entry[- ]level",
        "early[- ]career",
        "early (?:in|on in) (?:your|their|a) careers?",
        "(?:start|starting|begin|beginning|launch|launching) (?:your|their) careers?",
        "(?:recent|new) (?:college |university )?(?:graduates?|grads?)",
        "early[- ]stage researchers?",
        "(?:graduates|grads) (?:are )?(?:welcome|encouraged|eligible)",
        "(?:suitable|ideal|perfect|great) for (?:recent |new )?(?:graduates|grads)",
        "junior[- ]level",
        "junior (?:role|position|candidates?|hires?)",
        "no (?:prior |previous )?(?:professional |work )?experience "
        "(?:is )?(?:required|necessary|needed)",
        # Whom the posting is hiring, and a job board's or ATS's level field
        "(?:looking for|seeking|hiring|recruiting) (?:a|an) junior",
        "(?:ideal|successful) candidate (?:is|will be) (?:a|an) junior",
        "(?:experience|seniority|career|job) level: (?:junior|entry(?:[- ]level)?)",
        _GS_BANDS["entry"],
    ),
    ("seniority", "mid"): (
        "mid[- ]career",
        "mid[- ]level",
        # UK civil service grades, as government postings state them
        "heo",
        "heo/seo",
        "higher executive officer",
        "senior executive officer",
        "grade: seo",
        _GS_BANDS["mid"],
        # NIST's pay band 4 spans GS-13/14 ("ZP 4 - 5": the lower band decides, as for years)
        "zp[- ]?4",
    ),
    ("seniority", "senior"): (
        "late[- ]career",
        "mid[- ]career or senior",
        "senior[- ]level (?:role|position|hire|candidates?|individual contributor)",
        "(?:this is a|is a|for a|this) senior (?:individual contributor |ic )?(?:role|position)",
        "grade 7",
        _GS_BANDS["senior"],
        # Whom the posting is hiring ("is hiring a senior researcher to ..."), not whom the
        # hire works with ("briefing senior officials"); "seasoned" is said of the hire
        "(?:looking for|seeking|hiring|recruiting) (?:a|an) (?:senior|seasoned)",
        "(?:you are|you're) (?:a|an) (?:senior|seasoned)",
        "(?:ideal|successful) candidate (?:is|will be) (?:a|an) (?:senior|seasoned)",
        "zp[- ]?5",
        "(?:experience|seniority|career|job) level: senior(?:[- ]level)?",
    ),
    ("seniority", "lead"): ("grade 6",),
    # "Explicitly not needed" (the corpus guideline): a PhD, a degree or formal credentials
    # said not to be required, or research experience said not to be (a PhD is research
    # experience). "Anyone can apply" opens a program or a grant to all.
    ("phd", "no"): (
        f"no (?:{_PHD_DEGREE}|advanced degree|graduate degree|(?:formal |academic )?"
        f"(?:degree|qualifications|credentials|education)) (?:is |are )?{_NOT_NEEDED}",
        # "no PhD or publications are needed", "no degree or certification is required"
        f"no (?:{_PHD}|degree) or (?:publications|papers|certifications?|(?:a )?degree) "
        "(?:is |are )?(?:required|needed|necessary)",
        # "There is no PhD requirement", "no formal education requirements"
        f"no (?:{_PHD_DEGREE}|(?:formal |academic |university )?(?:degree|education|educational|"
        "academic|qualification)) requirements?",
        # "Many of our researchers hold PhDs, but it is not a requirement"; "typically hold a
        # PhD, but we welcome applicants without one"
        f"{_PHD},? (?:but )?(?:it|this) (?:is not|isn't) "
        "(?:a requirement|required|necessary|essential)",
        f"{_PHD},? but (?:we )?(?:welcome|encourage|consider|also consider) (?:applicants|"
        "candidates|people|those) without one",
        f"{_PHD_DEGREE} (?:is )?(?:by no means|in no way|not at all) {_NOT_NEEDED}",
        "(?:do not|don't|does not|doesn't) have (?:any )?(?:formal )?(?:education|educational|"
        "degree|academic) requirements",
        # Self-taught people and people without a degree welcome: no degree is the bar
        "self[- ]taught(?: (?:engineers|developers|programmers|hackers|candidates|applicants|"
        "researchers|people))? (?:are )?(?:welcome|encouraged|eligible)",
        "(?:welcome|encourage|consider) (?:applicants|candidates|people) without "
        "(?:a |formal |university |college )?degrees?",
        f"(?:a )?(?:{_PHD_DEGREE}|(?:formal |academic |university )?degrees?|"
        f"(?:formal |academic )?(?:qualifications|credentials)) (?:is |are )?(?:not|isn't|aren't) "
        f"{_NOT_NEEDED}",
        "(?:do not|don't|doesn't|does not|won't|will not|need not|needn't) (?:need|require|have) "
        f"(?:to have |to hold )?(?:a |an |any )?(?:{_PHD_DEGREE}|(?:formal |academic )?"
        "(?:degree|qualifications|credentials)|(?:prior |previous )?research experience)",
        f"no need (?:for|to have|to hold) (?:a |an |any )?(?:{_PHD}|degree|formal qualifications)",
        "not (?:necessary|required|needed|essential) to (?:have|hold) "
        f"(?:a |an )?(?:{_PHD}|degree)",
        f"(?:with or )?without (?:a )?{_PHD}",
        f"{_PHD} (?:is )?optional",
        f"(?:no|without) (?:formal )?(?:degree|academic credentials?) (?:is )?{_NOT_NEEDED}",
        "regardless of (?:your )?(?:formal |academic |educational )?(?:credentials|degrees?|"
        "qualifications|education)",
        "regardless of (?:your )?(?:formal |academic |educational )background",
        "(?:do not|don't|does not|doesn't) require (?:any |a )?(?:formal )?"
        "(?:[a-z]+,? (?:or|and) )?(?:degrees?|academic credentials?|qualifications|credentials)",
        # "Candidates need not have: ... formal certifications or education credentials"
        f"need not have[^.;]{{0,120}}? (?:credentials|degrees?|qualifications|{_PHD})",
        f"no (?:prior |previous |formal )?research experience (?:is )?{_NOT_NEEDED}",
        f"(?:prior |previous )?research experience (?:is )?not {_NOT_NEEDED}",
        "anyone (?:can|may|is (?:eligible|welcome|invited|encouraged)(?: to)?) apply",
        # No background or experience required at all: the bar is below a PhD. Not one in a
        # field ("no prior AI safety experience needed" is said of PhD-level roles too).
        "no (?:prior |previous |formal |academic |professional )?(?:technical |research )?"
        f"(?:experience|background) (?:is |are )?{_NOT_NEEDED}",
        f"(?:no|not a) requirement (?:to have|for|of) (?:a )?(?:{_PHD}|degree)",
        f"neither a (?:{_PHD}|degree) nor",
        # "we don't require candidates to have a PhD", "you don't need formal training or a PhD"
        "(?:do not|don't|does not|doesn't|need not|needn't) (?:need|require|expect)(?: [a-z]+){0,5}"
        f" (?:or|nor|to have|to hold) (?:a |an )?{_PHD}",
        # Open to undergraduates: "from undergraduates to professionals", "undergraduates
        # are welcome", "open to undergraduates", "undergraduate or graduate students"
        "from undergrad(?:uate)?s? (?:students )?to",
        "open to (?:current )?undergrad(?:uate)?s",
        "undergrad(?:uate)?s? (?:students )?(?:are )?(?:welcome|eligible|encouraged)",
        "(?:either )?undergrad(?:uate)?s? (?:or|and) grad(?:uate)? students",
        "undergrad(?:uate)? (?:or|and) grad(?:uate)? students",
        # A program for "students and professionals" alike: no degree is the bar
        "open to (?:both )?students (?:and|or) (?:early[- ]career |working |experienced )?"
        "professionals",
        "students (?:and|or) (?:early[- ]career |working |experienced )?professionals "
        "(?:alike |are )?(?:welcome|eligible|encouraged)",
        "open to (?:anyone|everyone|all)(?: regardless of (?:background|experience))?,? "
        "(?:regardless|with or without|from any|from all|whatever)",
    ),
    # A PhD as one way in: preferred, a plus, an alternative to a master's or to experience.
    ("phd", "preferred"): (
        f"{_PHD_DEGREE}(?: degree)?(?: in [^.;:]{{1,80}}?)?,? "
        "(?:is |would be |are )?(?:strongly |highly |very |especially |a strong |a big |"
        "considered )?(?:preferred|a plus|a bonus|bonus|desirable|desired|helpful|"
        "beneficial|nice to have|an advantage|advantageous|valued|welcome|an asset|asset)",
        # "a PhD would be nice (but is by no means required)"
        f"{_PHD_DEGREE}(?: in [^.;]{{1,80}}?)? would be (?:nice|good|great|useful)",
        f"{_PHD_DEGREE}(?: in [^.;]{{1,80}}?)? or (?:equivalent|relevant|comparable)"
        "(?: [a-z-]+){0,3} experience",
        _PHD_OR_YEARS,
        # "a PhD or a strong record of published research"
        f"{_PHD_DEGREE}(?: in [^.;]{{1,80}}?)?,? or (?:a |an )?(?:strong |proven |equivalent )?"
        "(?:track )?record of",
        # "a PhD (or equivalent experience)", "a PhD in X, or have equivalent experience"
        f"{_PHD_DEGREE}(?: in [^.;]{{1,80}}?)?,? \\(?or (?:have |has )?"
        "(?:comparable|equivalent|similar)",
        f"(?:ideally|preferably) (?:you )?(?:have |hold |with )?(?:a |an )?{_PHD_DEGREE}",
        # "MS or PhD", "Master's/PhD" (two phrases: one would spell out too many texts)
        # "a master's degree in law or a related field, or a PhD"
        f"{_MASTERS}(?: degree)?(?: in [^.;]{{1,80}}?)?(?: or|, or) (?:a )?{_PHD}",
        f"{_MASTERS}(?: degree)?(?:/| /) ?{_PHD}",
        f"{_PHD}(?: or|/| /) ?{_MASTERS}",
        # "a PhD in computer science, or a master's with 3+ years of research experience"
        f"{_PHD}(?: in [^.;]{{1,80}}?)?,? or (?:a |an )?{_MASTERS}",
        f"{_PHD} (?:is )?not strictly (?:required|necessary)",
        # A PhD under "preferred"/"nice to have" qualifications
        "(?:preferred|bonus|nice[- ]to[- ]haves?|desirable|desired)(?: qualifications?| skills?|"
        f" requirements?| criteria| experience)?:? (?:- )?(?:an? )?{_PHD_DEGREE}",
        "(?:advanced|graduate|postgraduate) degree(?: \\([^)]{1,20}\\))?(?: in [^.;:]{1,80}?)?,? "
        "(?:is |would be )?(?:strongly |highly )?(?:preferred|a plus|desirable|desired|"
        "an advantage|an asset)",
    ),
    ("phd", "yes"): (
        # a PhD student's place: "currently enrolled in a PhD programme" (not "a master's or PhD")
        f"enrolled in (?:a |an )?(?:{_PHD}|doctoral) (?:program(?:me)?|degree|studies)",
        f"{_PHD_DEGREE} (?:is )?(?:required|a requirement|essential|mandatory)",
        "(?:require|requires|must have|must hold|should hold|hold|holding|have|completed|possess|"
        f"obtained|awarded|earned) (?:a |an |your |their )?{_PHD_DEGREE}",
        f"{_PHD_DEGREE} in ",
        f"{_PHD_DEGREE} \\([^)]{{1,20}}\\) in ",  # "Doctorate (PhD/DPhil) in statistics"
        f"{_PHD} (?:degree|holders?|graduates?)",
        # "a PhD (awarded or near completion)", "with (or near completion of) a PhD": a
        # postdoc's bar, not a preference
        f"{_PHD},? \\(?(?:awarded |completed )?(?:or )?(?:near|close to|nearing) completion",
        f"(?:near(?: to)?|nearing|close to) (?:the )?completion of\\)? (?:a |their |your )?{_PHD}",
    ),
    # A posting whose education requirement is a bachelor's degree does not require a PhD,
    # whatever its "you may be a good fit if you have a PhD in..." list says.
    ("degree_floor", "bachelor"): (
        "(?:at least|minimum of|minimum) (?:a |an )?(?:bachelor'?s|undergraduate) degree",
        "bachelor'?s degree(?: in [^.;]{1,60}?)? or equivalent",
    ),
    ("ml", "no"): (
        "(?:familiarity|experience|background|knowledge|exposure) (?:with|in) (?:ml|machine "
        "learning|ai|deep learning|llms) (?:is |would be )?(?:a plus|a bonus|nice to have|helpful|"
        "not required|optional|useful but not required)",
        "(?:no|without) (?:prior |previous |any |formal )?(?:ml|machine learning|ai|deep learning) "
        "(?:experience|background|knowledge|expertise)",
        "(?:ml|machine learning|ai|deep learning) (?:experience|background|knowledge|expertise) "
        "(?:is )?(?:not required|not necessary|not needed|optional|a plus|a bonus|nice to have|"
        "helpful but not required|not a requirement)",
        "(?:do not|don't|doesn't|does not) (?:need|require) (?:any )?(?:prior )?(?:ml|machine "
        "learning|ai) (?:experience|background|knowledge|expertise)",
        "(?:ml|machine learning) (?:is not|isn't) required",
    ),
    ("ml", "yes"): (
        "(?:experience|expertise|proficiency|background|familiarity|fluency|track record) "
        "(?:with|in) (?:modern |applied |empirical )?(?:ml|machine learning|deep learning|large "
        "language models|llms|language models|neural networks|transformers|pytorch|jax|"
        "reinforcement learning|ml research|ai research|interpretability|fine-tuning|"
        "model training|training (?:large )?(?:models|neural networks|language models))",
        "(?:strong |solid |hands-on |practical |significant |extensive )?"
        "(?:ml|machine learning|deep learning) "
        "(?:experience|background|expertise|research experience|engineering experience)",
        "experience (?:training|fine-tuning|evaluating|building) (?:large |frontier )?"
        "(?:ml |language |machine learning |deep learning )?models",
        "(?:publications?|published) (?:in|at) (?:top )?(?:ml|machine learning|ai) "
        "(?:venues|conferences)",
    ),
}

_YEARS_BOUNDS = re.compile(r"(\d+)(?:\.\d)?\+?(?: ?(?:-|to|or) ?(\d+))?")


def title_seniority_entries() -> list[tuple[str, str, str]]:
    """(phrase, kind, value) for the title: seniority words."""
    return [(p, "seniority", level) for level, ps in TITLE_SENIORITY.items() for p in ps]


def body_flag_entries() -> list[tuple[str, str, str]]:
    """(phrase, kind, value) for the body: years, seniority, phd and ml phrases."""
    entries = [(p, "years", "") for p in (*YEARS_PHRASES, *YEARS_WORDS_PHRASES, _PHD_OR_YEARS)]
    for (kind, value), phrases in BODY_FLAGS.items():
        entries.extend((p, kind, value) for p in phrases)
    return entries


def years_level(text: str) -> str | None:
    """``5+ years of experience`` -> senior, ``3 years`` -> mid, ``2+ years`` or ``1-3
    years`` -> entry (up to two or three years is early career; "2-4 years" is mid). The
    lower bound of a range decides otherwise."""
    if text.startswith(("several", "a few")):  # more than a couple of years, short of many
        return "mid"
    if text.startswith("a couple"):
        return "entry"
    if "decade" in text:
        return "senior"
    # The numbers before "year": "at least three to five years" -> 3, 5 ("five-plus" -> 5)
    words = text.split("year", 1)[0].split()
    heads = [h.rstrip("+'") for w in words for h in w.split("-")]
    numbers = [_WORD_NUMBERS[h] for h in heads if h in _WORD_NUMBERS][:2]
    bounds = _YEARS_BOUNDS.search(text)
    if numbers:
        low, high = numbers[0], numbers[1] if len(numbers) > 1 else None
    elif bounds is not None:
        low, high = int(bounds[1]), int(bounds[2]) if bounds[2] else None
    else:
        return None
    if low > 25:
        return None
    if low <= 1 or (low == 2 and (high is None or high <= 3)):
        return "entry"
    if low <= 4:
        return "mid"
    return "senior"


def pick_seniority(title_levels: list[str], body_levels: list[str]) -> str | None:
    """Title wins: intern over everything, else the highest level named there."""
    for levels in (title_levels, body_levels):
        if "intern" in levels:
            return "intern"
        ranked = [level for level in levels if level in _RANK]
        if ranked:
            return max(ranked, key=lambda level: _RANK[level])
    return None


def pick_flag(values: list[str], order: tuple[str, ...]) -> str | None:
    """The first of ``order`` present in ``values`` (explicit "no" beats "preferred"...)."""
    for value in order:
        if value in values:
            return value
    return None


def _has_words(text: str, words: str) -> bool:
    """Whether ``words`` occur in ``text`` as whole words."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


def decide_seniority(scan: Scan, role: str, evidence: list[Evidence]) -> str:
    levels: dict[str, list[tuple[str, str, str]]] = {"title": [], "body": []}
    function: list[tuple[str, str, str]] = []  # a title's "Manager" or "... Lead"
    hits = scan.flags("seniority")
    for hit in hits:
        _, field_name, phrase = hit
        # A level word inside a longer level phrase of the same field is part of it: the
        # "senior" of the UK grade "senior executive officer" is not a senior hire. Whole
        # words only: the "ii" of "Engineer II/III" is not inside "iii".
        if any(
            f == field_name and p != phrase and phrase in p and _has_words(p, phrase)
            for _, f, p in hits
        ):
            continue
        is_function = field_name == "title" and _FUNCTION_LEVEL.fullmatch(phrase)
        (function if is_function else levels[field_name]).append(hit)
    # "We're looking for a senior engineer to lead ..." under a "... Lead" title: the body's
    # "senior" says what the lead is, not a lower rung (a lead is a senior hire).
    if (
        function
        and levels["body"]
        and all(v == "senior" for v, _, _ in levels["body"])
        and any(v == "lead" for v, _, _ in function)
    ):
        levels["body"] = []
    for _, field_name, phrase in scan.flags("years"):
        level = years_level(phrase)
        if level:
            levels[field_name].append((level, field_name, phrase))
    if role == "internship" and not any(v == "intern" for v, _, _ in levels["title"]):
        levels["title"].append(("intern", "role", role))
    # A level word in the title decides ("Junior Project Manager"); else the body's level
    # words or the years it asks for; only then the level a function noun implies ("Events
    # Lead" asking for 3+ years, or "a junior role", is not a lead).
    if not levels["title"] and not levels["body"]:
        levels["title"] = function
    value = pick_seniority([v for v, _, _ in levels["title"]], [v for v, _, _ in levels["body"]])
    if value is None and role in EARLY_CAREER_ROLES:
        evidence.append(evidence_of("seniority", "entry", "role", role))
        return "entry"
    if value is None:
        evidence.append(evidence_of("seniority", "unspecified", "default", "no seniority phrase"))
        return "unspecified"
    source = levels["title"] if any(v == value for v, _, _ in levels["title"]) else levels["body"]
    _, field_name, phrase = next(item for item in source if item[0] == value)
    evidence.append(evidence_of("seniority", value, field_name, phrase))
    return value


def cap_phd(scan: Scan, phd: str, evidence: list[Evidence]) -> str:
    """A PhD the text seems to require is only preferred where the stated requirement is
    a bachelor's degree."""
    floor = scan.flags("degree_floor")
    if phd != "yes" or not floor:
        return phd
    _, field_name, phrase = floor[0]
    evidence.append(evidence_of("phd_required", "preferred", field_name, phrase))
    return "preferred"


def phd_implied(role: str, title: str) -> str | None:
    """What the role says about a PhD when the text does not: a PhD position, a course or
    a program for students needs none; a postdoc needs one, and so does an internship
    for PhD students."""
    if role == "phd_or_postdoc":
        return "yes" if _POSTDOC.search(title) else "no"
    if role == "internship" and _PHD_TITLE.search(title):  # "PhD Research Intern"
        return "yes"
    return "no" if role in ("course", "fellowship") else None


def decide_flag(
    scan: Scan,
    kind: str,
    order: tuple[str, ...],
    label: str,
    evidence: list[Evidence],
    implied: tuple[str | None, str] = (None, ""),
) -> str:
    """The flag the text states; else ``implied`` (value, role) when given."""
    hits = scan.flags(kind)
    value = pick_flag([v for v, _, _ in hits], order)
    if value is None and implied[0] is not None:
        evidence.append(evidence_of(label, implied[0], "role", implied[1]))
        return implied[0]
    if value is None:
        evidence.append(evidence_of(label, "unspecified", "default", f"no {label} phrase"))
        return "unspecified"
    _, field_name, phrase = next(item for item in hits if item[0] == value)
    evidence.append(evidence_of(label, value, field_name, phrase))
    return value
