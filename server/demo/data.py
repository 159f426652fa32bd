"""The made-up movement's numbers and words: roles, areas, names, venues, activities."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from server.activities.services import FIELDS

SEED = 20161024  # any fixed number: the same seed gives the same demo
YEARS = 3
ACTIVITIES = 60_000  # at scale 1
ORGANISATIONS = 100
ACTIVITY_CHUNK = 5_000  # rows made and sent to the database at a time
# 100,000 activities a transaction: every commit writes out the index pages it touched
# (random UUIDs touch many), so larger is faster (4 chunks: 76 s for scale 20, 20: 56 s),
# while SQLite's write lock is still let go every few seconds for the app's own writes.
CHUNKS_PER_TRANSACTION = 20
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
# The activity's own fields in the app's order, then what the app fills in itself.
ACTIVITY_COLUMNS = (*FIELDS, "review_reason", "created_at", "updated_at")
