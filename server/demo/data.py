"""The made-up movement's numbers and words: roles, areas, names, venues, activities."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from server.activities.services import FIELDS

SEED = 20161024  # any fixed number: the same seed gives the same demo
YEARS = 3
ACTIVITIES = 60_000  # at scale 1
ORGANISATIONS = 100
# Activities are made 5,000 at a time; the number is part of what the data is (the same
# chunks give the same activities), so changing it changes the demo.
ACTIVITY_CHUNK = 5_000
# The loader holds no more than this many rows of a table at once (server/demo/write.py),
# and the activities this many at a time (two batches: one being written, the next made).
CHUNK = 10_000
ACTIVITY_BATCH = 50_000
MAX_SCALE = 200.0

# The movement's roles at scale 1: how many memberships, and what share of them go to
# people already in the movement (one citizen can hold several roles).
ROLES: list[tuple[str, int, float]] = [
    ("health-champions", 1350, 0.0),
    ("heart-champions", 495, 0.2),
    ("cancer-champions", 856, 0.15),
    ("young-health-champions", 200, 0.0),
    ("in-mind-champions", 150, 0.25),
    ("communities-in-charge-of-alcohol", 40, 0.1),
    ("dementia-friends", 300, 0.3),
    ("autism-friends", 100, 0.2),
]
YOUNG = "young-health-champions"
FRIEND_PROGRAMMES = frozenset({"dementia-friends", "autism-friends"})
# The course each role's members took when they joined.
COURSE_ON_JOINING = {
    "health-champions": ("rsph-l2-understanding-health-improvement", "RSPH-UHI"),
    "heart-champions": ("heart-champions-training", "HC"),
    "cancer-champions": ("cancer-champions-training", "CC"),
    "young-health-champions": ("rsph-l2-young-health-champions", "RSPH-YHC"),
    "in-mind-champions": ("in-mind-champions-training", "IM"),
    "autism-friends": ("autism-friends-awareness", "AF"),
}
# Sessions that make Friends: (programme, attendees at scale 1, champions who run them,
# the course those champions took).
SESSIONS = [
    ("dementia-friends", 10_000, 25, ("dementia-friends-champion", "DFC")),
    ("autism-friends", 1_500, 6, None),
]
EXTERNAL_SOURCE = "Dementia Friends (national programme)"


@dataclass(frozen=True)
class Area:
    """A footprint with the places and postcode districts in it."""

    code: str
    name: str
    places: tuple[str, ...]
    districts: tuple[str, ...]


AREAS = [
    Area(
        "WC",
        "Wigan Central",
        ("Wigan", "Whelley", "Swinley", "Scholes", "Beech Hill"),
        ("WN1", "WN3"),
    ),
    Area(
        "WN",
        "Wigan North",
        ("Standish", "Aspull", "Shevington", "Haigh", "Appley Bridge"),
        ("WN6", "WN2", "WN1"),
    ),
    Area(
        "WW",
        "Wigan West",
        ("Orrell", "Pemberton", "Winstanley", "Marsh Green", "Norley"),
        ("WN5", "WN3"),
    ),
    Area(
        "HA",
        "Hindley and Abram",
        ("Hindley", "Abram", "Platt Bridge", "Ince", "Bickershaw"),
        ("WN2",),
    ),
    Area(
        "AGL",
        "Ashton, Golborne and Lowton",
        ("Ashton-in-Makerfield", "Golborne", "Lowton", "Bryn"),
        ("WN4", "WA3"),
    ),
    Area("LE", "Leigh", ("Leigh", "Pennington", "Westleigh", "Higher Folds", "Bedford"), ("WN7",)),
    Area(
        "AT",
        "Atherton and Tyldesley",
        ("Atherton", "Tyldesley", "Astley", "Hindsford", "Mosley Common"),
        ("M46", "M29"),
    ),
]

FIRST_NAMES = (
    "Aisha Alan Alice Amelia Amir Andrew Anne Barbara Ben Beth Brian Callum Carol Charlotte "
    "Chloe Chris Claire Colin Craig Daniel David Dawn Debbie Dennis Eileen Ella Emily Emma "
    "Fatima Frank Gary Gemma George Grace Hannah Harry Helen Ian Irene Jack Jackie Jade James "
    "Janet Jason Jean Jennifer Joan John Joseph Josh Julie Karen Kate Kevin Kieran Laura Lee "
    "Leah Lily Lisa Liam Lucy Luke Mandy Margaret Mark Martin Mary Megan Michael Mohammed "
    "Molly Natalie Neil Nicola Noah Oliver Olivia Pat Paul Peter Priya Rachel Rebecca Ryan "
    "Sam Sandra Sarah Scott Sharon Sophie Stephen Steve Susan Tom Tracey Vicky Wendy Zara"
).split()
SURNAMES = (
    "Ahmed Ashurst Atherton Baker Ball Barton Baxter Bibby Brown Burke Calland Clarke "
    "Cunliffe Davies Dawber Eccleston Evans Fairhurst Fletcher Gaskell Green Hall Halliwell "
    "Heaton Hilton Holcroft Horrocks Houghton Hughes Hurst Jackson Johnson Jones Kaur Kelly "
    "Khan Lowe Lyon Marsden Melling Moss Naylor O'Brien Parkinson Patel Pennington Prescott "
    "Rigby Roberts Robinson Rothwell Seddon Sharples Shaw Singh Smith Southworth Stephens "
    "Sumner Taylor Thomas Thompson Turner Unsworth Walsh Ward Webster Whittle Williams "
    "Wilson Winstanley Wood Worthington Wright Yates"
).split()
SAINTS = ("Mary", "John", "Paul", "Peter", "Anne", "Joseph", "James", "Aidan", "Thomas")
STREETS = (
    "Mesnes Road",
    "Frog Lane",
    "Wigan Lane",
    "Bolton Road",
    "Chapel Street",
    "Market Street",
    "Church Street",
    "Railway Road",
    "Manchester Road",
    "Warrington Road",
)
PARKS = (
    "Mesnes Park",
    "Haigh Woodland Park",
    "Pennington Flash",
    "Lilford Park",
    "the Three Sisters",
    "Borsdane Wood",
    "Alexandra Park",
    "Jubilee Park",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used at the end of UK postcodes

# Host organisations: kind, weight, name patterns with the sector each belongs to.
ORG_KINDS: list[tuple[str, int, list[tuple[str, str]]]] = [
    (
        "employer",
        25,
        [
            ("{place} Bakery Ltd", "private"),
            ("{surname} Engineering Ltd", "private"),
            ("{place} Logistics", "private"),
            ("{surname} and {surname2} Solicitors", "private"),
            ("{place} Garden Centre", "private"),
            ("{place} Care Home", "private"),
            ("{place} Fire Station", "public"),
            ("{place} Neighbourhood Team", "public"),
            ("{place} Leisure Centre", "public"),
        ],
    ),
    (
        "school",
        20,
        [
            ("{place} High School", "public"),
            ("{place} Primary School", "public"),
            ("St {saint}'s RC Primary School, {place}", "public"),
            ("{place} C of E Primary School", "public"),
            ("{place} Academy", "public"),
        ],
    ),
    ("college", 3, [("{place} Sixth Form College", "public"), ("{place} College", "public")]),
    (
        "gp-practice",
        15,
        [
            ("{place} Medical Centre", "public"),
            ("{street} Surgery, {place}", "public"),
            ("{place} Family Practice", "public"),
            ("{place} Health Centre", "public"),
        ],
    ),
    (
        "community-group",
        17,
        [
            ("{place} Community Centre", "voluntary"),
            ("{place} Walking Group", "voluntary"),
            ("Friends of {park}", "voluntary"),
            ("{place} Allotment Society", "voluntary"),
            ("{place} Men's Shed", "voluntary"),
        ],
    ),
    (
        "voluntary-group",
        15,
        [
            ("{place} Carers' Network", "voluntary"),
            ("{place} Food Bank", "voluntary"),
            ("{place} Befriending Service", "voluntary"),
            ("{place} Youth Trust", "voluntary"),
        ],
    ),
    (
        "other",
        5,
        [
            ("{place} Library", "public"),
            ("{place} Pharmacy", "private"),
            ("{place} Credit Union", "private"),
        ],
    ),
]
YOUTH_KINDS = frozenset({"school", "college"})
VENUES = (
    "{place} Library",
    "{place} Community Centre",
    "St {saint}'s Church Hall, {place}",
    "{place} Methodist Church",
    "{place} Sports Club",
)

# Activities: kind, weight, people reached (low, high), minutes (low, high), notes.
KINDS: list[tuple[str, int, tuple[int, int], tuple[int, int], tuple[str, ...]]] = [
    (
        "conversation",
        40,
        (1, 4),
        (5, 45),
        ("Chat about stopping smoking", "Talked to a neighbour about NHS Health Checks"),
    ),
    (
        "signposting",
        15,
        (1, 3),
        (5, 30),
        ("Signposted to the Be Well service", "Passed on the number for the food bank"),
    ),
    (
        "leaflets",
        12,
        (5, 100),
        (10, 90),
        ("Bowel screening leaflets in the church toilets", "Leaflets at the GP waiting room"),
    ),
    (
        "physical-activity",
        12,
        (2, 25),
        (30, 120),
        ("Lunchtime walk", "Walk round the park with the group"),
    ),
    (
        "social-media",
        10,
        (10, 400),
        (5, 60),
        ("Facebook post about the sepsis video", "Shared the flu jab dates"),
    ),
    (
        "event",
        6,
        (10, 250),
        (60, 300),
        ("Stall at the community fun day", "Health MOT stall at work"),
    ),
    ("other", 5, (1, 30), (10, 120), ("Helped at the coffee morning",)),
]
KIND_CUM = list(accumulate(k[1] for k in KINDS))
OUTLIER_SHARE = 0.005  # activities over the review limits, as happen with typing mistakes
# The activity's id (the loader works ids out in advance), its own fields in the app's
# order, then what the app fills in itself, then the impact fields (issue 16), in the order
# server/demo/activities.py _activity makes them.
ACTIVITY_COLUMNS = (
    "id",
    *FIELDS,
    "review_reason",
    "created_at",
    "updated_at",
    "setting",
    "postcode",
    "service",
    "take_up",
    "take_up_at",
)

# Impact (issue 16) ----------------------------------------------------------------------
# A second generator for the impact fields, so that adding them changed none of the
# demo's other numbers (people, activities, reach and hours stay as they were).
IMPACT_SEED = SEED + 16
# Where activities happen, by kind: (setting, weight); "" is "not given".
SETTINGS_BY_KIND: dict[str, list[tuple[str, int]]] = {
    "conversation": [("home", 30), ("workplace", 20), ("community-venue", 18),
                     ("gp-practice", 8), ("street-event", 6), ("other", 6), ("", 12)],
    "signposting": [("home", 25), ("community-venue", 25), ("gp-practice", 18),
                    ("workplace", 12), ("online", 5), ("other", 5), ("", 10)],
    "leaflets": [("gp-practice", 25), ("community-venue", 30), ("workplace", 15),
                 ("school-college", 10), ("street-event", 8), ("", 12)],
    "physical-activity": [("street-event", 35), ("community-venue", 25), ("workplace", 15),
                          ("school-college", 10), ("other", 5), ("", 10)],
    "social-media": [("online", 88), ("", 12)],
    "event": [("community-venue", 35), ("street-event", 25), ("school-college", 15),
              ("workplace", 12), ("gp-practice", 5), ("", 8)],
    "other": [("community-venue", 30), ("home", 15), ("other", 30), ("", 25)],
}  # fmt: skip
PLACE_POSTCODE_SHARE = 0.65  # of activities not online, those with the place's postcode
PLACES_PER_AREA = 25  # made-up postcodes of places in each area (two of them not in lookups)
# Topics (the slugs the app ships with) and how often activities are about them.
TOPIC_WEIGHTS: list[tuple[str, int]] = [
    ("physical-activity", 16), ("mental-wellbeing", 15), ("smoking", 14),
    ("cancer-screening", 11), ("hypertension", 10), ("alcohol", 8), ("dementia", 8),
    ("early-cancer-diagnosis", 6), ("chronic-respiratory-disease", 5), ("maternity", 4),
    ("severe-mental-illness", 3),
]  # fmt: skip
TOPIC_SHARE = 0.6  # activities about at least one topic; a fifth of those about two
# Made-up services that champions signpost to: (name, kind, area code or None).
SERVICES: list[tuple[str, str, str | None]] = [
    ("Quit Together stop smoking service (demo)", "Stop smoking", None),
    ("Heart Health Check clinic (demo)", "Health check", None),
    ("Money Matters advice line (demo)", "Money and debt advice", None),
    ("Talking Minds wellbeing service (demo)", "Mental health", None),
    ("Steady Steps falls class (demo)", "Physical activity", "HA"),
    ("Community Food Share (demo)", "Food support", "LE"),
    ("Carers' Link group (demo)", "Carers' support", "WC"),
    ("Screening Help line (demo)", "Cancer screening", None),
]
SERVICE_WEIGHTS = (22, 18, 12, 16, 8, 10, 6, 8)
SERVICE_SHARE = 0.85  # signposts that name a service
ASKED_SHARE = 0.65  # signposts older than ASKED_AFTER days whose take-up is known
ASKED_AFTER = 7
TAKE_UP = (("yes", 50), ("no", 40), ("dont-know", 10))  # yes of yes and no: about 55%
# The made-up deprivation lookups: six small areas ("LSOAs") in each footprint, with the
# IMD decile of each (1: the most deprived tenth of England). The codes are clearly fake
# (E01DEMO001...), ten characters, so they fit LSOA codes' column.
LSOA_DECILES = {
    "WC": (1, 2, 3, 5, 6, 8),
    "WN": (4, 6, 7, 8, 9, 10),
    "WW": (1, 2, 4, 5, 7, 9),
    "HA": (1, 1, 2, 3, 4, 6),
    "AGL": (3, 5, 6, 7, 8, 9),
    "LE": (1, 2, 2, 4, 6, 7),
    "AT": (2, 3, 5, 6, 7, 8),
}
HOMES_KNOWN = 0.95  # people's postcodes that the demo's lookup knows
# The demo's social value rate: a round number, labelled as made up.
DEMO_RATE = "15.00"
DEMO_RATE_SOURCE = (
    "Demo figure, made up for trying the app: not a real rate. An admin sets the council's "
    "own rate and its source in Settings."
)
